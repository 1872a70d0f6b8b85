// What the audience's browsers use besides the image API: the URL to join from a phone (the
// slide turns it into a QR code), and the endpoint their spans are exported to (real user
// monitoring). Both are public, so the export is bounded, checked (browser-spans.ts) and
// budgeted per client (the route's budget, see budgets.ts).
import { audienceUrl } from '../../lan.ts'
import { addBrowserSpans } from '../../telemetry/buffers.ts'
import { browserSpansFromOtlp } from '../../telemetry/browser-spans.ts'
import { clientIdentity } from '../client-address.ts'
import { sendJson } from '../respond.ts'
import type { Route } from '../router.ts'
import { otlpReceiver } from './otlp.ts'
import { ROUTES } from './table.ts'

const MAX_BROWSER_EXPORT_BYTES = 256 * 1024

export function audienceRoutes(publicPort: () => number, lan: boolean): Route[] {
  return [
    { ...ROUTES.join, handler: ({ response }) => sendJson(response, 200, audienceUrl(publicPort(), lan)) },
    {
      ...ROUTES.browserTraces,
      handler: otlpReceiver(
        (body, { request }) => browserSpansFromOtlp(body, clientIdentity(request).id),
        (spans, { request }) => addBrowserSpans(spans, clientIdentity(request).kind),
        MAX_BROWSER_EXPORT_BYTES,
      ),
    },
  ]
}
