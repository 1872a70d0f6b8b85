// What the audience's browsers use besides the image API: the URL to join from a phone (the
// slide turns it into a QR code), and the endpoint their spans are exported to (real user
// monitoring). Both are public, so the export is bounded and rate-limited per client.
import { audienceUrl } from '../../lan.ts'
import { addSpans } from '../../telemetry/buffers.ts'
import { browserSpansFromOtlp } from '../../telemetry/browser-spans.ts'
import { createRateLimiter, rateLimited } from '../rate-limit.ts'
import { sendJson } from '../respond.ts'
import type { Route } from '../router.ts'
import { otlpReceiver } from './otlp.ts'
import { ROUTES } from './table.ts'

const MAX_BROWSER_EXPORT_BYTES = 256 * 1024
// A page exports a batch every few hundred milliseconds while someone draws.
const EXPORTS_PER_CLIENT = { perSecond: 5, burst: 20 }

export function audienceRoutes(publicPort: () => number, lan: boolean): Route[] {
  const exports = createRateLimiter(EXPORTS_PER_CLIENT)
  return [
    { ...ROUTES.join, handler: ({ response }) => sendJson(response, 200, audienceUrl(publicPort(), lan)) },
    {
      ...ROUTES.browserTraces,
      handler: rateLimited(exports, ROUTES.browserTraces.pattern, otlpReceiver(browserSpansFromOtlp, addSpans, MAX_BROWSER_EXPORT_BYTES)),
    },
  ]
}
