// The shapes the demo serves to the slides, and the recording made of them.
import type { TelemetrySpan } from './span-tree.ts'

export interface TelemetryLog {
  timeUnixNano: string
  severityText: string
  body: unknown
  traceId: string
  spanId: string
  attributes: Record<string, unknown>
}

export interface SpanPage {
  cursor: string
  spans: TelemetrySpan[]
}

export interface LogPage {
  cursor: string
  logs: TelemetryLog[]
}

export interface MetricsScrape {
  timeMs: number
  text: string
}

/** A real run of Draw64, captured by scripts/capture-recording.ts. */
export interface Recording {
  capturedAt: string
  spans: TelemetrySpan[]
  logs: TelemetryLog[]
  scrapes: MetricsScrape[]
  /** The board at capture time: its id and its 12 288 RGB bytes in base64. */
  image: { id: string; pixelsBase64: string }
}
