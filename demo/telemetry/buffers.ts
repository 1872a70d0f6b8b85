// The bounded in-memory buffers the slides poll, filled by a span processor and a log-record
// processor registered in demo/instrumentation.ts. Each finished span or record is copied into its
// small JSON shape as the SDK hands it over, so the SDK's objects die young; each is turned into
// its JSON text once, and a page the slides poll is those texts joined.
import { randomUUID } from 'node:crypto'
import type { Context } from '@opentelemetry/api'
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs'
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace'
import { SharedRecentBuffer } from './recent-buffer.ts'
import { redactForAudience } from './redact.ts'
import { serializeLogRecord, serializeSpan, type TelemetryLogJson, type TelemetrySpanJson } from './serialize.ts'
import { slideShareOf } from './trace-owners.ts'

export const SPAN_BUFFER_CAPACITY = 5000
export const LOG_BUFFER_CAPACITY = 2000
/**
 * The server's spans and logs of attendees' requests have their own shares, which never evict
 * the speaker's: a room drawing at full speed, or a phone in a loop, cannot push the demo out
 * of the slides (trace-owners.ts says whose a trace is).
 */
export const ATTENDEE_SPAN_SHARE = 2500
const ATTENDEE_LOG_SHARE = 1000
/** Browser spans are guests: each kind of browser has its own share, which never evicts the server's. */
export const BROWSER_SPAN_SHARE = 1000

/** Who reads a page: this machine sees everything, anyone else sees no client's address (redact.ts). */
export type Audience = 'local' | 'public'

type ServerShare = 'speaker' | 'attendees'
type SpanShare = ServerShare | 'speakerBrowser' | 'attendeeBrowser'

/** Changes at every start, so a cursor from a previous run of the server is recognised as stale. */
const bootId = randomUUID().slice(0, 8)

type Item = TelemetrySpanJson | TelemetryLogJson

/**
 * One buffered span or log record: its JSON shape, then its JSON texts, for this machine and for
 * the others (the same string when it names no client), and the object is let go.
 */
class Entry {
  private value: Item | undefined
  private texts: Record<Audience, string> | undefined

  constructor(value: Item) {
    this.value = value
  }

  json(audience: Audience = 'local'): string {
    if (this.texts === undefined) {
      const local = JSON.stringify(this.value)
      const redacted = redactForAudience(this.value!)
      this.texts = { local, public: redacted === this.value ? local : JSON.stringify(redacted) }
      this.value = undefined
    }
    return this.texts[audience]
  }
}

// A slide that polled within this delay is still watching.
const WATCHING_MS = 10_000
// A held poll is answered this long after the first new entry, so that the spans one request
// ends together (its children, then its server span) come in one page.
const COALESCE_MS = 15
// Held polls at once: the slides hold one per feed; more are answered without waiting.
const MAX_WAITERS = 16

/**
 * A RecentBuffer of entries served as JSON pages. While a slide is watching, new entries are
 * serialized in the background, just after the request that made them, so that a poll only
 * joins texts; with nobody watching, nothing is serialized until someone asks.
 */
class JsonBuffer<Share extends string> {
  private readonly entries: SharedRecentBuffer<Entry, Share>
  private readonly unserialized: Entry[] = []
  private lastPollMs = Number.NEGATIVE_INFINITY
  private readonly waiters = new Set<() => void>()
  private wakeTimer: NodeJS.Timeout | undefined

  private readonly key: string

  constructor(shares: Record<Share, number>, key: string) {
    this.entries = new SharedRecentBuffer(shares)
    this.key = key
  }

  push(share: Share, entry: Entry): void {
    this.entries.push(share, entry)
    if (this.waiters.size > 0) this.wakeTimer ??= setTimeout(() => this.wake(), COALESCE_MS)
    if (performance.now() - this.lastPollMs > WATCHING_MS) return
    if (this.unserialized.push(entry) === 1) setImmediate(() => this.serializeWaiting())
  }

  /**
   * Resolves when an entry newer than the cursor is there, or after `maxWaitMs`: a poll that
   * waits is answered as soon as a span ends, not at the poller's next tick. Past MAX_WAITERS
   * held polls, a new one is answered at once (it degrades to plain polling).
   */
  waitAfter(cursor: string | null, maxWaitMs: number): Promise<void> {
    // A first poll, or a cursor from a previous run of the server (it restarted), is answered at
    // once: the poller needs this run's cursor, and the slide shows "live" again without delay.
    const current = !!cursor && cursor.split('.')[0] === bootId
    if (maxWaitMs <= 0 || !current || this.entries.after(parseCursor(cursor), 1).items.length > 0 || this.waiters.size >= MAX_WAITERS) {
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, maxWaitMs)
      this.waiters.add(done)
    })
  }

  private wake(): void {
    this.wakeTimer = undefined
    for (const done of [...this.waiters]) done()
  }

  /** The JSON text of `{"cursor": …, "<key>": [the items after the cursor]}`. */
  page(cursor: string | null, limit: number, audience: Audience): string {
    this.lastPollMs = performance.now()
    const page = this.entries.after(parseCursor(cursor), limit)
    return `{"cursor":"${formatCursor(page.last)}","${this.key}":[${page.items.map((entry) => entry.json(audience)).join(',')}]}`
  }

  private serializeWaiting(): void {
    for (const entry of this.unserialized) entry.json()
    this.unserialized.length = 0
  }
}

/**
 * The SDK stamps a span's start with Date.now(), to the millisecond, and measures its duration
 * with the monotonic clock. Sub-millisecond SQLite spans would then start before their parent
 * in a waterfall. The processor is called as the span ends, so the monotonic clock read then,
 * minus the measured duration, gives the start to the microsecond, with no per-span state kept
 * between start and end.
 */
// Whole microseconds since the epoch: about 2^51 today, exact in a double.
const nowUnixMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000)
const durationMicros = ([seconds, nanos]: [number, number]) => seconds * 1_000_000 + Math.round(nanos / 1000)

const spanBuffer = new JsonBuffer<SpanShare>(
  { speaker: SPAN_BUFFER_CAPACITY, attendees: ATTENDEE_SPAN_SHARE, speakerBrowser: BROWSER_SPAN_SHARE, attendeeBrowser: BROWSER_SPAN_SHARE },
  'spans',
)
const logBuffer = new JsonBuffer<ServerShare>({ speaker: LOG_BUFFER_CAPACITY, attendees: ATTENDEE_LOG_SHARE }, 'logs')

/** A server span or log record into its trace's share, if its trace is shown at all. */
function pushByTrace(buffer: JsonBuffer<ServerShare> | JsonBuffer<SpanShare>, item: Item): void {
  const share = slideShareOf(item.traceId)
  if (share !== 'hidden') buffer.push(share, new Entry(item))
}

/** Spans of browsers (real user monitoring), in the share of the speaker's or the attendees'. */
export function addBrowserSpans(spans: TelemetrySpanJson[], from: 'speaker' | 'attendee'): void {
  for (const json of spans) spanBuffer.push(from === 'speaker' ? 'speakerBrowser' : 'attendeeBrowser', new Entry(json))
}

/** Log records of other processes, received as JSON over OTLP. */
export function addLogs(logs: TelemetryLogJson[]): void {
  for (const json of logs) pushByTrace(logBuffer, json)
}

/**
 * A server span into the buffer, this process's or a replica's (received over OTLP): what the
 * tail sampler delivers once it keeps a trace.
 */
export function pushServerSpan(span: TelemetrySpanJson): void {
  pushByTrace(spanBuffer, span)
}

/** Where ended spans go before the buffer, if anywhere: the tail sampler (telemetry/sampling.ts). */
export interface SpanGate {
  offer(span: TelemetrySpanJson, isLocalRoot: boolean): void
}

export class BufferSpanProcessor implements SpanProcessor {
  private readonly gate?: SpanGate

  constructor(gate?: SpanGate) {
    this.gate = gate
  }

  onStart(_span: Span, _parentContext: Context): void {}
  onEnd(span: ReadableSpan): void {
    const startUnixMicros = nowUnixMicros() - durationMicros(span.duration)
    // Copied out now, so the span itself (scope, resource, links, context) is let go young.
    const json = serializeSpan(span, BigInt(startUnixMicros) * 1000n)
    if (this.gate) this.gate.offer(json, !span.parentSpanContext || span.parentSpanContext.isRemote === true)
    else pushServerSpan(json)
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
    pushByTrace(logBuffer, serializeLogRecord(record))
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

/** GET /api/telemetry/spans, as JSON text: `{"cursor", "spans": TelemetrySpanJson[]}`. */
export function spansAfter(cursor: string | null, limit: number, audience: Audience = 'local'): string {
  return spanBuffer.page(cursor, limit, audience)
}

/** GET /api/telemetry/logs, as JSON text: `{"cursor", "logs": TelemetryLogJson[]}`. */
export function logsAfter(cursor: string | null, limit: number, audience: Audience = 'local'): string {
  return logBuffer.page(cursor, limit, audience)
}

/** Resolves when a span newer than the cursor has ended, or after `maxWaitMs` (`?wait=`). */
export function spansEndedAfter(cursor: string | null, maxWaitMs: number): Promise<void> {
  return spanBuffer.waitAfter(cursor, maxWaitMs)
}

/** Resolves when a log record newer than the cursor was emitted, or after `maxWaitMs`. */
export function logsEmittedAfter(cursor: string | null, maxWaitMs: number): Promise<void> {
  return logBuffer.waitAfter(cursor, maxWaitMs)
}
