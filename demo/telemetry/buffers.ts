// The bounded in-memory buffers the slides poll, filled by a span processor and a log-record
// processor registered in demo/telemetry.ts. Finished spans and records are kept as the SDK
// hands them over and turned into JSON only when a poll asks, so the hot path stays a store.
import { randomUUID } from 'node:crypto'
import type { Context } from '@opentelemetry/api'
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace'
import { RecentBuffer } from './recent-buffer.ts'
import { serializeLogRecord, serializeSpan, type TelemetryLogJson, type TelemetrySpanJson } from './serialize.ts'

export const SPAN_BUFFER_CAPACITY = 5000
export const LOG_BUFFER_CAPACITY = 2000

/** Changes at every start, so a cursor from a previous run of the server is recognised as stale. */
const bootId = randomUUID().slice(0, 8)

/**
 * The SDK stamps a span's start with Date.now(), to the millisecond, and measures its duration
 * with the monotonic clock. Sub-millisecond SQLite spans would then start before their parent
 * in a waterfall, so the buffer notes its own monotonic start time, to the microsecond.
 */
export interface BufferedSpan {
  span: ReadableSpan
  startUnixNano: bigint
}

/** Spans and records of other processes (replicas, browsers) arrive already as JSON, over OTLP. */
type SpanItem = BufferedSpan | { json: TelemetrySpanJson }
type LogItem = ReadWriteLogRecord | { json: TelemetryLogJson }

const preciseStarts = new WeakMap<Span, bigint>()
const nowUnixNano = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n

const spanBuffer = new RecentBuffer<SpanItem>(SPAN_BUFFER_CAPACITY)
const logBuffer = new RecentBuffer<LogItem>(LOG_BUFFER_CAPACITY)

export function addSpans(spans: TelemetrySpanJson[]): void {
  for (const json of spans) spanBuffer.push({ json })
}

export function addLogs(logs: TelemetryLogJson[]): void {
  for (const json of logs) logBuffer.push({ json })
}

export class BufferSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    preciseStarts.set(span, nowUnixNano())
  }
  onEnd(span: ReadableSpan): void {
    const startUnixNano = preciseStarts.get(span as Span)
    if (startUnixNano !== undefined) spanBuffer.push({ span, startUnixNano })
  }
  forceFlush(): Promise<void> {
    return Promise.resolve()
  }
  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

export class BufferLogRecordProcessor implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord): void {
    logBuffer.push(record)
  }
  forceFlush(): Promise<void> {
    return Promise.resolve()
  }
  shutdown(): Promise<void> {
    return Promise.resolve()
  }
}

/** A cursor is "<bootId>.<number>"; one from another run, or garbage, counts as "from the start". */
export function parseCursor(cursor: string | null): number {
  if (!cursor) return 0
  const [boot, number] = cursor.split('.')
  const parsed = Number(number)
  return boot === bootId && Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 0
}

function formatCursor(last: number): string {
  return `${bootId}.${last}`
}

export function spansAfter(cursor: string | null, limit: number): { cursor: string; spans: TelemetrySpanJson[] } {
  const page = spanBuffer.after(parseCursor(cursor), limit)
  return { cursor: formatCursor(page.last), spans: page.items.map((item) => ('json' in item ? item.json : serializeSpan(item.span, item.startUnixNano))) }
}

export function logsAfter(cursor: string | null, limit: number): { cursor: string; logs: TelemetryLogJson[] } {
  const page = logBuffer.after(parseCursor(cursor), limit)
  return { cursor: formatCursor(page.last), logs: page.items.map((item) => ('json' in item ? item.json : serializeLogRecord(item))) }
}
