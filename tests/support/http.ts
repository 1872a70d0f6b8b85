// Small helpers for talking to the real server over HTTP.
import type { TelemetrySpanJson } from '../../demo/telemetry/serialize.ts'

export async function json(response: Response): Promise<any> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text.slice(0, 200)}`)
  }
}

export function putCommand(baseUrl: string, id: string, command: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/images/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command }),
  })
}

export async function pixelsOf(baseUrl: string, id: string): Promise<Uint8Array> {
  const response = await fetch(`${baseUrl}/api/images/${id}/pixels`)
  if (!response.ok) throw new Error(`pixels of ${id}: ${response.status}`)
  return new Uint8Array(await response.arrayBuffer())
}

export function rgbAt(pixels: Uint8Array, x: number, y: number): number[] {
  const offset = (y * 64 + x) * 3
  return [pixels[offset], pixels[offset + 1], pixels[offset + 2]]
}

/** A W3C traceparent with a random trace id, so a test can find the spans of its own request. */
export function randomTraceparent(): string {
  const hex = (bytes: number) => Array.from({ length: bytes }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0')).join('')
  return `00-${hex(16)}-${hex(8)}-01`
}

export const traceIdOf = (traceparent: string) => traceparent.split('-')[1]

/** The buffered spans of one trace, as the slides would receive them. */
export async function spansOfTrace(baseUrl: string, traceId: string): Promise<TelemetrySpanJson[]> {
  const { spans } = await json(await fetch(`${baseUrl}/api/telemetry/spans`))
  return (spans as TelemetrySpanJson[]).filter((span) => span.traceId === traceId)
}

/**
 * Draws pixel after pixel along `row` of image `id`, one draw every `pauseMs`, until `stop()`,
 * which resolves once the last draw answered: `statuses` holds every draw's HTTP status, in order.
 */
export function drawAlong(baseUrl: string, id: string, row: number, rgb: [number, number, number], pauseMs = 40) {
  const statuses: number[] = []
  let drawing = true
  const done = (async () => {
    for (let x = 0; drawing; x = (x + 1) % 64) {
      statuses.push((await putCommand(baseUrl, id, { command_type: 'draw', values: [[x, row, ...rgb]] })).status)
      await new Promise((resolve) => setTimeout(resolve, pauseMs))
    }
  })()
  return {
    statuses,
    async stop(): Promise<void> {
      drawing = false
      await done
    },
  }
}
