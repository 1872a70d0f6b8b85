// The load of `npm run load` and of the DemoControls slide, in its own process so that it
// is traffic from outside, not work of the server it measures: autocannon drawing strokes on
// random images at a steady overall rate, with a few readers of PNGs and pixels. It reports
// the rate achieved every second to its parent, and stops at the end of its duration.
import autocannon, { type Request } from 'autocannon'
import { imageListSchema } from '../../lib/wire.ts'

const [baseUrl, rate, seconds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])]

const listImages = async () => imageListSchema.parse(await (await fetch(`${baseUrl}/api/images`)).json()).images
const images = await listImages()
if (images.length === 0) {
  await fetch(`${baseUrl}/api/images`, { method: 'POST' })
  images.push(...(await listImages()))
}
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]
const byte = () => Math.floor(Math.random() * 256)

/** A short random stroke: a horizontal run of pixels in one colour. */
function strokeBody(): string {
  const [x, y, length] = [Math.floor(Math.random() * 56), Math.floor(Math.random() * 64), 2 + Math.floor(Math.random() * 7)]
  const [r, g, b] = [byte(), byte(), byte()]
  const values = Array.from({ length }, (_, n) => [x + n, y, r, g, b])
  return JSON.stringify({ command: { command_type: 'draw', values } })
}

const draw: Request = {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  setupRequest: (request) => ({ ...request, path: `/api/images/${pick(images).id}`, body: strokeBody() }),
}
const readPng: Request = { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/images/${pick(images).id}.png` }) }
const readPixels: Request = { method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/images/${pick(images).id}/pixels` }) }

const instance = autocannon(
  {
    url: baseUrl,
    connections: Math.min(32, Math.max(2, Math.ceil(rate / 20))),
    overallRate: rate,
    duration: seconds,
    // Eight strokes, then a PNG reader and a pixels reader, over and over.
    requests: [draw, draw, draw, draw, draw, draw, draw, draw, readPng, readPixels],
  },
  () => process.exit(0),
)
// autocannon passes { counter } (requests in the last second) to 'tick'; its typings omit it.
const reportTick = ({ counter }: { counter: number }) => process.send?.({ type: 'tick', rate: counter })
instance.on('tick', reportTick as unknown as () => void)
process.on('SIGTERM', () => instance.stop())
