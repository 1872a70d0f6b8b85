// The slides' one source of Draw64 telemetry. Each endpoint has a single module-level poller,
// whatever the number of components reading it; a component keeps it running only while its
// slide is the one on screen, and polls once (then stops) when Slidev prints or exports.
import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { useIsSlideActive, useNav } from '@slidev/client'
import { endpoints, OVERHEAD_RECORDING_PATH, RECORDING_PATH } from '../lib/demo-endpoints.ts'
import { createPoller, type LinkState, type Poller } from '../lib/polling.ts'
import { parsePrometheusText, type MetricFamily } from '../lib/prometheus-text.ts'
import { advanceWindow, freshWindow, type SpanWindow } from '../lib/span-window.ts'
import {
  cardinalityAnswerSchema, logPageSchema, overheadStatusSchema, recordingSchema, samplingAnswerSchema, spanPageSchema, temporalityAnswerSchema, type CardinalityAnswer,
  type OverheadStatus, type Recording, type SamplingAnswer, type Schema, type TelemetryLog, type TelemetrySpan, type TemporalityAnswer,
} from '../lib/wire.ts'

const SPAN_CAPACITY = 3000
const LOG_CAPACITY = 500
const SCRAPE_HISTORY = 120
const REQUEST_TIMEOUT_MS = 3000
// Printing shows no "live" to keep up: a slow answer (Vite's one thread is busy compiling the
// print view, and proxies the demo too) is worth waiting for rather than printing the recording.
const PRINT_REQUEST_TIMEOUT_MS = 25_000
let requestTimeoutMs = REQUEST_TIMEOUT_MS
const REFERENCE_RETRY_MS = 3000
// A span or log poll after the first is held by the server until something new exists (at most
// this long): a quiet demo's stroke shows as soon as its spans end, not at the next tick, while
// the interval still caps how often a busy demo re-renders the slide.
const HELD_POLL_MS = 1000
const CURSOR_POLL_INTERVAL_MS = 250

export interface Scrape {
  timeMs: number
  text: string
  families: MetricFamily[]
}

async function get(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(requestTimeoutMs), cache: 'no-store' })
  if (!response.ok) throw new Error(`${url}: ${response.status}`)
  return response
}

let recording: Promise<Recording> | undefined
/** The recorded run shipped under public/, fetched once; fetched again if that failed (a busy machine times out). */
export function loadRecording(): Promise<Recording> {
  recording ??= get(`${import.meta.env.BASE_URL}${RECORDING_PATH}`)
    .then(async (response) => recordingSchema.parse(await response.json()))
    .catch((error: unknown) => {
      recording = undefined
      throw error
    })
  return recording
}

// A poller falling back to the recording: if that cannot be read either, its next poll tries again.
const ignore = () => undefined

function toScrape(timeMs: number, text: string): Scrape {
  return { timeMs, text, families: parsePrometheusText(text) }
}

interface Feed {
  poller: Poller
  state: Ref<LinkState>
  intervalMs: number
  /** Print polls made so far, and how many the components printed so far need in all. */
  printed: number
  printTarget: number
  printing?: Promise<void>
}

/**
 * Polls a few times in a row, once per feed however many components print it, then stops. A
 * component asks for its polls from the moment it mounts: Slidev loads printed slides lazily, so
 * one that mounts after a run has ended starts another (its chart needs scrapes of its own), and
 * one that mounts during a run extends it.
 */
function pollForPrint(feed: Feed, polls: number): Promise<void> {
  requestTimeoutMs = PRINT_REQUEST_TIMEOUT_MS
  feed.printTarget = Math.max(feed.printTarget, feed.printed + polls)
  feed.printing ??= (async () => {
    try {
      for (let first = true; feed.printed < feed.printTarget; first = false) {
        if (!first) await new Promise((resolve) => setTimeout(resolve, feed.intervalMs))
        await feed.poller.pollOnce()
        feed.printed += 1
      }
    } finally {
      feed.printing = undefined
    }
  })()
  return feed.printing
}

/** Incremental feed of a cursor-paged endpoint (spans or logs), merged into a bounded window. */
function cursorFeed<Item, Page extends { cursor: string }, Window>(
  url: string,
  pageSchema: Schema<Page>,
  intervalMs: number,
  itemsOf: (page: Page) => Item[],
  fromRecording: (recorded: Recording) => Item[],
  window: { empty: Window; fresh: (items: Item[]) => Window; merge: (existing: Window, incoming: Item[]) => Window },
) {
  const items = shallowRef<Window>(window.empty)
  const state = ref<LinkState>('reconnecting')
  let cursor = ''
  const poller = createPoller<Page>({
    intervalMs,
    // Parsed with the server's own schema: a malformed page is a failed poll, not a broken slide.
    request: async () => {
      const wait = cursor ? `&wait=${HELD_POLL_MS}` : ''
      return pageSchema.parse(await (await get(`${url}?after=${encodeURIComponent(cursor)}${wait}`)).json())
    },
    onData: (page) => {
      const incoming = itemsOf(page)
      // Leaving a recording: live data replaces it rather than mixing with it.
      items.value = poller.state === 'recorded' ? window.fresh(incoming) : incoming.length ? window.merge(items.value, incoming) : items.value
      cursor = page.cursor
    },
    onRecorded: () => void loadRecording().then((recorded) => poller.state === 'recorded' && (items.value = window.fresh(fromRecording(recorded))), ignore),
    onState: (next) => (state.value = next),
  })
  return { items, feed: { poller, state, intervalMs, printed: 0, printTarget: 0 } satisfies Feed }
}

// Each poll's window says what it added and evicted, for TraceIndex and the service map.
const spanFeed = cursorFeed<TelemetrySpan, { cursor: string; spans: TelemetrySpan[] }, SpanWindow>(endpoints.spans, spanPageSchema, CURSOR_POLL_INTERVAL_MS, (page) => page.spans, (recorded) => recorded.spans, {
  empty: freshWindow([], SPAN_CAPACITY),
  fresh: (spans) => freshWindow(spans, SPAN_CAPACITY),
  merge: (window, incoming) => advanceWindow(window, incoming, SPAN_CAPACITY),
})

const lastLogs = (logs: TelemetryLog[]) => logs.slice(-LOG_CAPACITY)
const logFeed = cursorFeed<TelemetryLog, { cursor: string; logs: TelemetryLog[] }, TelemetryLog[]>(endpoints.logs, logPageSchema, CURSOR_POLL_INTERVAL_MS, (page) => page.logs, (recorded) => recorded.logs, {
  empty: [],
  fresh: lastLogs,
  merge: (existing, incoming) => lastLogs([...existing, ...incoming]),
})

const scrapes = shallowRef<Scrape[]>([])
const metricsState = ref<LinkState>('reconnecting')
const METRICS_INTERVAL_MS = 1000
const metricsPoller = createPoller<Scrape>({
  intervalMs: METRICS_INTERVAL_MS,
  request: async () => {
    const text = await (await get(endpoints.metrics)).text()
    return toScrape(Date.now(), text)
  },
  onData: (scrape) => {
    const kept = metricsPoller.state === 'recorded' ? [] : scrapes.value
    scrapes.value = [...kept, scrape].slice(-SCRAPE_HISTORY)
  },
  onRecorded: () =>
    void loadRecording().then((recorded) => {
      if (metricsPoller.state === 'recorded') scrapes.value = recorded.scrapes.map((scrape) => toScrape(scrape.timeMs, scrape.text))
    }, ignore),
  onState: (next) => (metricsState.value = next),
})
const metricsFeed: Feed = { poller: metricsPoller, state: metricsState, intervalMs: METRICS_INTERVAL_MS, printed: 0, printTarget: 0 }

/**
 * A demo lever's state (local only: an attendee's deck is answered 403, and its slide shows the
 * rest without the switches). Nothing recorded: the slide's other data tells the story.
 */
function leverFeed<T>(url: string, schema: Schema<T>) {
  const value = shallowRef<{ timeMs: number; answer: T }[]>([])
  const forbidden = ref(false)
  const state = ref<LinkState>('reconnecting')
  const intervalMs = 1000
  const poller = createPoller<T>({
    intervalMs,
    request: async () => {
      // An attendee stays an attendee: once refused, never asked again.
      if (forbidden.value) throw new Error(`${url}: 403`)
      const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), cache: 'no-store' })
      forbidden.value = response.status === 403
      if (!response.ok) throw new Error(`${url}: ${response.status}`)
      return schema.parse(await response.json())
    },
    // The last two answers, stamped: a slide turns counters into rates.
    onData: (answer) => (value.value = [...value.value.slice(-1), { timeMs: Date.now(), answer }]),
    onRecorded: () => (value.value = []),
    onState: (next) => (state.value = next),
  })
  return { value, forbidden, state, poller, feed: { poller, state, intervalMs, printed: 0, printTarget: 0 } satisfies Feed }
}

const cardinalityLever = leverFeed<CardinalityAnswer>(endpoints.cardinality, cardinalityAnswerSchema)
const samplingLever = leverFeed<SamplingAnswer>(endpoints.sampling, samplingAnswerSchema)
const overheadLever = leverFeed<OverheadStatus>(endpoints.overhead, overheadStatusSchema)

let overheadReference: Promise<OverheadStatus> | undefined
/** The run `npm run bench:overhead -- --record` shipped (small, fetched once, only by the overhead slide). */
function loadOverheadReference(): Promise<OverheadStatus> {
  overheadReference ??= get(`${import.meta.env.BASE_URL}${OVERHEAD_RECORDING_PATH}`)
    .then(async (response) => overheadStatusSchema.parse(await response.json()))
    .catch((error: unknown) => {
      overheadReference = undefined
      throw error
    })
  return overheadReference
}

function useLever<T>(lever: ReturnType<typeof leverFeed<T>>, printPolls = 1) {
  usePollingWhileVisible(lever.feed, printPolls)
  const answers = whileVisible(lever.value)
  return {
    answers,
    latest: computed(() => answers.value.at(-1)?.answer),
    state: computed(() => lever.state.value),
    forbidden: computed(() => lever.forbidden.value),
    refresh: () => lever.poller.pollOnce(),
  }
}

// One counter read as delta and as cumulative by the demo's two readers (its last minute).
const NO_TEMPORALITY: TemporalityAnswer = { metric: 'http.server.request.duration', sdkEnabled: true, points: [] }
const temporality = shallowRef<TemporalityAnswer>(NO_TEMPORALITY)
const temporalityState = ref<LinkState>('reconnecting')
const TEMPORALITY_INTERVAL_MS = 1000
const temporalityPoller = createPoller<TemporalityAnswer>({
  intervalMs: TEMPORALITY_INTERVAL_MS,
  request: async () => temporalityAnswerSchema.parse(await (await get(endpoints.temporality)).json()),
  onData: (answer) => (temporality.value = answer),
  onRecorded: () =>
    void loadRecording().then((recorded) => {
      if (temporalityPoller.state === 'recorded' && recorded.temporality) temporality.value = recorded.temporality
    }, ignore),
  onState: (next) => (temporalityState.value = next),
})
const temporalityFeed: Feed = { poller: temporalityPoller, state: temporalityState, intervalMs: TEMPORALITY_INTERVAL_MS, printed: 0, printTarget: 0 }

/** Keeps the feed's poller running while the calling component's slide is on screen. */
function usePollingWhileVisible(feed: Feed, printPolls = 1): void {
  const isActive = useIsSlideActive()
  const { isPrintMode } = useNav()
  let release: (() => void) | undefined
  watch(
    [isActive, isPrintMode],
    ([active, print]) => {
      release?.()
      release = undefined
      if (print) void pollForPrint(feed, printPolls)
      else if (active) release = feed.poller.acquire()
    },
    { immediate: true },
  )
  onScopeDispose(() => release?.())
}

/**
 * The feed's data as the calling component should see it: Slidev keeps every slide mounted,
 * so components of slides off screen get no updates (nothing to recompute or re-render).
 */
function whileVisible<T>(source: Ref<T>): Readonly<Ref<T>> {
  const isActive = useIsSlideActive()
  const { isPrintMode } = useNav()
  const view = shallowRef(source.value)
  watch([source, isActive, isPrintMode], ([value, active, print]) => {
    if (active || print) view.value = value
  })
  return view
}

export function useSpans() {
  usePollingWhileVisible(spanFeed.feed)
  return { spans: whileVisible(spanFeed.items), state: computed(() => spanFeed.feed.state.value) }
}

export function useLogs() {
  usePollingWhileVisible(logFeed.feed)
  return { logs: whileVisible(logFeed.items), state: computed(() => logFeed.feed.state.value) }
}

/** `printScrapes`: how many scrapes, a second apart, the component needs to be printed. */
export function useMetrics({ printScrapes = 1 } = {}) {
  usePollingWhileVisible(metricsFeed, printScrapes)
  return { scrapes: whileVisible(scrapes), state: computed(() => metricsState.value) }
}

/** The state of the link to the demo, as the span feed (polled on every live slide) sees it. */
export function useDemoLink() {
  usePollingWhileVisible(spanFeed.feed)
  return { state: computed(() => spanFeed.feed.state.value) }
}

/** The cardinality lab and its flag; `refresh` after a switch, so the slide shows it at once. */
export function useCardinalityLab() {
  const lever = useLever(cardinalityLever)
  return { lab: lever.latest, state: lever.state, forbidden: lever.forbidden, refresh: lever.refresh }
}

/** Head and tail sampling, their counts (the last two answers, for rates) and drawErrors; printed, two polls for a rate. */
export function useSampling() {
  return useLever(samplingLever, 2)
}

/**
 * The overhead measurement (its state, polled every second while its slide is on screen), and
 * the reference run shipped with the deck: what the slide shows before any run, printed, or
 * to an attendee.
 */
export function useOverhead() {
  const lever = useLever(overheadLever)
  const reference = shallowRef<OverheadStatus>()
  // A busy machine can time the file out, and the slide would then show nothing once the demo
  // is gone: fetched again every few seconds until it comes.
  let retry: ReturnType<typeof setTimeout> | undefined
  let disposed = false
  onScopeDispose(() => {
    disposed = true
    clearTimeout(retry)
  })
  const load = (): void =>
    void loadOverheadReference().then(
      (run) => (reference.value = run),
      () => {
        if (!disposed) retry = setTimeout(load, REFERENCE_RETRY_MS)
      },
    )
  load()
  return { status: lever.latest, reference, state: lever.state, forbidden: lever.forbidden, refresh: lever.refresh }
}

export function useTemporality() {
  usePollingWhileVisible(temporalityFeed)
  return { temporality: whileVisible(temporality), state: computed(() => temporalityState.value) }
}
