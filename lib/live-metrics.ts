// The charts of LiveMetrics, computed from Draw64's /metrics as @opentelemetry/exporter-prometheus
// serves it: the one place on the slides' side that knows Draw64's Prometheus metric names.
// Counters and histograms are read over the interval between two consecutive scrapes (PromQL's
// rate() and histogram_quantile() over a one-scrape window); gauges at the latest scrape.
import { bucketDeltas, counterIncrease, counterRate, histogramQuantile } from './metric-math.ts'
import { findFamily, histogramBuckets, samplesOf, sumSamples, type Labels, type MetricFamily, type Sample } from './prometheus-text.ts'

// The exporter drops the unit from histogram names (it goes to `# UNIT`) and adds `_total` to counters.
const HTTP_DURATION = 'http_server_request_duration'
const PIXELS_DRAWN = 'draw64_pixels_drawn_total'
const SSE_CLIENTS = 'draw64_sse_clients'
const RATE_LIMIT_REJECTIONS = 'draw64_rate_limit_rejections_total'
const DB_DURATION = 'db_client_operation_duration'
const HEAP_USED = 'v8js_memory_heap_used'
const EVENT_LOOP_DELAY_P50 = 'nodejs_eventloop_delay_p50'
const EVENT_LOOP_DELAY_P99 = 'nodejs_eventloop_delay_p99'
// Node's histogram measures whole timer ticks (10 ms here), so its minimum is the tick itself:
// the delay worth charting is what the loop adds on top of it.
const EVENT_LOOP_DELAY_MIN = 'nodejs_eventloop_delay_min'

/** The default excerpt of PrometheusText: Draw64's own metrics and the request counts. */
export const PROMETHEUS_EXCERPT_MATCH = 'draw64_|http_server_request_duration_count'

/** Seconds of history a chart shows on a live slide, and on a printed one (PDF export). */
export const LIVE_WINDOW_SECONDS = 60
export const PRINT_WINDOW_SECONDS = 6
/**
 * Points a printed chart waits for before the export captures it: a line, not the whole window.
 * Its scrapes come a second apart plus their round trip, so on a busy machine fewer than one a
 * second fall in the window, and a chart waiting for a full window would hold the export 30 s.
 */
export const PRINT_READY_POINTS = 3

/** A chart's name, as a slide asks for it (`<LiveMetrics :metrics="['latency']" />`). */
export type MetricKey = keyof typeof METRIC_CHARTS

/** What a chart reads of a scrape; the composable's `Scrape` fits. */
export interface ScrapeReading {
  timeMs: number
  families: readonly MetricFamily[]
}

/** Restricts the HTTP charts (rate, errors, latency) to one route and/or method. */
export interface HttpFilter {
  route?: string
  method?: string
}

export interface ChartSeries {
  label: string
  color: string
}

export interface MetricChart {
  label: string
  unit: string
  series: ChartSeries[]
  /** The series shown in big type next to the chart. */
  headline: number
  /** The chart reads the HTTP server requests, so an HttpFilter applies to it. */
  appliesHttpFilter?: true
  /** Counts of things: the y axis has whole numbers only. */
  integer?: true
  /** One value per series at `curr`; NaN when the window holds no data. Gauges ignore `prev`. */
  values(prev: ScrapeReading, curr: ScrapeReading, filter: HttpFilter): number[]
}

// Every series the charts draw, with one palette for every slide: p50 green, p95 amber, p99 and
// server errors red.
const SERIES = {
  p50: { label: 'p50', color: '#4ade80' },
  p95: { label: 'p95', color: '#fbbf24' },
  p99: { label: 'p99', color: '#f87171' },
  serverErrors: { label: '5xx', color: '#f87171' },
  clientErrors: { label: '4xx', color: '#c084fc' },
  requests: { label: 'requêtes', color: '#60a5fa' },
  pixels: { label: 'pixels', color: '#f472b6' },
  heap: { label: 'tas', color: '#38bdf8' },
  clients: { label: 'clients', color: '#2dd4bf' },
  refused: { label: 'refusées', color: '#fb923c' },
} satisfies Record<string, ChartSeries>

type LabelFilter = (labels: Labels) => boolean

const MS_PER_SECOND = 1000
const BYTES_PER_MB = 1_000_000

// In HA mode the balancer's /metrics also carries each replica's series, labelled with its
// service_name. The balancer sees every request once: the HTTP charts count its own series.
const ownSeries: LabelFilter = (labels) => labels.service_name === undefined

function httpLabels(filter: HttpFilter, status: (code: number) => boolean = () => true, processes: LabelFilter = ownSeries): LabelFilter {
  return (labels) =>
    processes(labels) &&
    (filter.route === undefined || labels.http_route === filter.route) &&
    (filter.method === undefined || labels.http_request_method === filter.method) &&
    status(Number(labels.http_response_status_code))
}

// Per-second rate of a counter between two scrapes; a series absent from `prev` counts from 0.
function rate(prev: ScrapeReading, curr: ScrapeReading, name: string, filter?: LabelFilter, sampleName?: string): number {
  const read = (scrape: ScrapeReading) => ({
    timeMs: scrape.timeMs,
    value: sumSamples(findFamily(scrape.families, name), filter, sampleName),
  })
  return counterRate(read(prev), read(curr))
}

// Over several processes that come and go (replicas), each series' increase on its own, then
// summed, as PromQL's sum(rate(…)): a replica that stops takes its series with it, and read on
// the sum that drop was a counter reset, the other replicas' whole counts coming back as a spike.
// `rate` reads one process, whose restart resets every series at once: the sum shows it better.
function seriesRate(prev: ScrapeReading, curr: ScrapeReading, name: string, filter?: LabelFilter, sampleName?: string): number {
  const seconds = (curr.timeMs - prev.timeMs) / 1000
  if (!(seconds > 0)) return Number.NaN
  const samples = (scrape: ScrapeReading) => samplesOf(findFamily(scrape.families, name), filter, sampleName)
  const before = new Map(samples(prev).map((sample) => [seriesKey(sample), sample.value]))
  // A series new since prev (a replica just started) counted up from 0.
  const increase = samples(curr).reduce((sum, sample) => sum + counterIncrease(before.get(seriesKey(sample)) ?? 0, sample.value), 0)
  return increase / seconds
}

const seriesKey = (sample: Sample) => `${sample.name}${JSON.stringify(sample.labels)}`

// Quantiles (in ms) of the observations a histogram received between the two scrapes.
function quantilesMs(prev: ScrapeReading, curr: ScrapeReading, name: string, quantiles: number[], filter?: LabelFilter) {
  const buckets = (scrape: ScrapeReading) => histogramBuckets(findFamily(scrape.families, name), filter)
  const window = bucketDeltas(buckets(prev), buckets(curr))
  return quantiles.map((q) => histogramQuantile(q, window) * MS_PER_SECOND)
}

// A gauge that is not exposed yet has no value (NaN), unlike an up-down counter never touched.
function gauge(curr: ScrapeReading, name: string): number {
  const family = findFamily(curr.families, name)
  return family ? sumSamples(family) : Number.NaN
}

/**
 * A gauge of each process (the balancer's own, each replica's) above another gauge of the same
 * process, in ms: the worst process, the one a fault slows down, is the one worth seeing.
 */
function worstProcessAboveMs(curr: ScrapeReading, name: string, floorName: string): number {
  const byProcess = (family: MetricFamily | undefined) =>
    new Map(family?.samples.map((sample) => [sample.labels.service_name ?? '', sample.value]))
  const values = byProcess(findFamily(curr.families, name))
  const floors = byProcess(findFamily(curr.families, floorName))
  const above = [...values].map(([process, value]) => Math.max(0, value - (floors.get(process) ?? 0)) * MS_PER_SECOND)
  return above.length === 0 ? Number.NaN : Math.max(...above)
}

/** A chart of one counter's rate per second. */
function counterRateChart(label: string, unit: string, series: ChartSeries, counter: string): MetricChart {
  return { label, unit, series: [series], headline: 0, values: (prev, curr) => [rate(prev, curr, counter)] }
}

/** Every live chart: adding one is one entry here. */
export const METRIC_CHARTS = {
  requestRate: {
    label: 'Requêtes HTTP',
    unit: 'req/s',
    series: [SERIES.requests],
    headline: 0,
    appliesHttpFilter: true,
    values: (prev, curr, filter) => [rate(prev, curr, HTTP_DURATION, httpLabels(filter), `${HTTP_DURATION}_count`)],
  },
  errorRate: {
    label: 'Taux d’erreur',
    unit: '%',
    series: [SERIES.serverErrors, SERIES.clientErrors],
    headline: 0,
    appliesHttpFilter: true,
    values: (prev, curr, filter) => {
      const count = (status?: (code: number) => boolean) =>
        rate(prev, curr, HTTP_DURATION, httpLabels(filter, status), `${HTTP_DURATION}_count`)
      const total = count()
      return [count((code) => code >= 500), count((code) => code >= 400 && code < 500)].map(
        (errors) => (100 * errors) / total,
      )
    },
  },
  latency: {
    label: 'Durée des requêtes HTTP',
    unit: 'ms',
    series: [SERIES.p50, SERIES.p95, SERIES.p99],
    headline: 1,
    appliesHttpFilter: true,
    values: (prev, curr, filter) => quantilesMs(prev, curr, HTTP_DURATION, [0.5, 0.95, 0.99], httpLabels(filter)),
  },
  pixelsRate: counterRateChart('Pixels dessinés', 'px/s', SERIES.pixels, PIXELS_DRAWN),
  eventLoopDelay: {
    label: 'Retard de la boucle d’événements (au-delà du tic)',
    unit: 'ms',
    series: [SERIES.p50, SERIES.p99],
    headline: 1,
    values: (_, curr) => [EVENT_LOOP_DELAY_P50, EVENT_LOOP_DELAY_P99].map((name) => worstProcessAboveMs(curr, name, EVENT_LOOP_DELAY_MIN)),
  },
  heap: {
    label: 'Tas V8 utilisé',
    unit: 'Mo',
    series: [SERIES.heap],
    headline: 0,
    values: (_, curr) => [gauge(curr, HEAP_USED) / BYTES_PER_MB],
  },
  sqliteLatency: {
    label: 'Durée des requêtes SQLite (p95)',
    unit: 'ms',
    series: [SERIES.p95],
    headline: 0,
    values: (prev, curr) => quantilesMs(prev, curr, DB_DURATION, [0.95]),
  },
  sseClients: {
    label: 'Clients connectés (SSE)',
    unit: '',
    series: [SERIES.clients],
    headline: 0,
    integer: true,
    // The up-down counter is exposed only once a client has connected: absent means none.
    values: (_, curr) => [sumSamples(findFamily(curr.families, SSE_CLIENTS))],
  },
  // The counter appears with the first refusal: absent means none refused.
  rateLimited: counterRateChart('Requêtes refusées (429, limite par client)', 'req/s', SERIES.refused, RATE_LIMIT_REJECTIONS),
} satisfies Record<string, MetricChart>

/** How a chart splits the whole system's requests: one line per replica, or per deployed version. */
export type SplitBy = 'replica' | 'version'

/** The HTTP charts that split, and the one value each draws per replica or version. */
const SPLIT_VALUES = {
  requestRate: (prev, curr, labels) => seriesRate(prev, curr, HTTP_DURATION, labels, `${HTTP_DURATION}_count`),
  errorRate: (prev, curr, labels) => {
    const count = (status?: (code: number) => boolean) => seriesRate(prev, curr, HTTP_DURATION, (l) => labels(l) && (!status || status(Number(l.http_response_status_code))), `${HTTP_DURATION}_count`)
    return (100 * count((code) => code >= 500)) / count()
  },
  latency: (prev, curr, labels) => quantilesMs(prev, curr, HTTP_DURATION, [0.95], labels)[0]!,
} satisfies Partial<Record<MetricKey, (prev: ScrapeReading, curr: ScrapeReading, labels: LabelFilter) => number>>

export type SplitChart = keyof typeof SPLIT_VALUES
export const SPLIT_CHARTS = Object.keys(SPLIT_VALUES) as SplitChart[]

// The replicas' series carry the replica's service_name and service_version (the balancer's own
// carry neither): a split reads those, a request counted once, where a replica served it.
const SPLIT_LABEL = { replica: 'service_name', version: 'service_version' } as const satisfies Record<SplitBy, string>
// Distinct from the quantiles' green, amber and red: the lines are processes, not percentiles.
const SPLIT_COLORS = ['#60a5fa', '#f472b6', '#2dd4bf', '#c084fc', '#facc15', '#fb923c']
// A replica pushes its counters every second, and the slides scrape every second, out of step:
// between two scrapes a replica's series may not have moved at all, and in the next moved twice.
// A split line reads each point over the last three scrapes, so that every point holds a push.
const SPLIT_LOOKBACK_SCRAPES = 3

/** `draw64-replica-2` → `réplique 2`, `2` → `v2`: short enough for a legend. */
export function splitLabel(by: SplitBy, group: string): string {
  return by === 'replica' ? group.replace(/^draw64-replica-/, 'réplique ') : `v${group}`
}

/** Sorted by their number where they have one: réplique 2 before réplique 10, v1 before v2. */
const byNumber = (a: string, b: string) => a.localeCompare(b, 'fr', { numeric: true })

/**
 * A chart split into one line per replica or version, over the same window as chartTimeline. The
 * lines are the groups seen in the window: a killed replica's line stops, a new one's starts.
 */
export function splitTimeline(
  key: SplitChart, scrapes: readonly ScrapeReading[], by: SplitBy, filter: HttpFilter = {}, windowMs = 60_000,
): { series: ChartSeries[]; timeline: Timeline } {
  const label = SPLIT_LABEL[by]
  const since = (scrapes[scrapes.length - 1]?.timeMs ?? 0) - windowMs
  const inWindow = scrapes.filter((scrape, i) => i > 0 && scrape.timeMs >= since)
  const groups = new Set<string>()
  for (const scrape of inWindow) {
    for (const sample of findFamily(scrape.families, HTTP_DURATION)?.samples ?? []) {
      const group = sample.labels.service_name !== undefined ? sample.labels[label] : undefined
      if (group !== undefined) groups.add(group)
    }
  }
  const sorted = [...groups].sort(byNumber)
  const timeline: Timeline = { times: [], values: sorted.map(() => []) }
  for (let i = 1; i < scrapes.length; i++) {
    const curr = scrapes[i]!
    if (curr.timeMs < since) continue
    timeline.times.push(curr.timeMs)
    sorted.forEach((group, g) => {
      const labels = httpLabels(filter, undefined, (l) => l.service_name !== undefined && l[label] === group)
      timeline.values[g]!.push(SPLIT_VALUES[key](scrapes[Math.max(0, i - SPLIT_LOOKBACK_SCRAPES)]!, curr, labels))
    })
  }
  const series = sorted.map((group, g) => ({ label: splitLabel(by, group), color: SPLIT_COLORS[g % SPLIT_COLORS.length]! }))
  return { series, timeline }
}

/** A chart's points: `times[i]` (ms) and, for each series, `values[series][i]`. */
export interface Timeline {
  times: number[]
  values: number[][]
}

/** The chart's points over the last `windowMs` before the latest scrape, one per pair of scrapes. */
export function chartTimeline(
  key: MetricKey, scrapes: readonly ScrapeReading[], filter: HttpFilter = {}, windowMs = 60_000,
): Timeline {
  const chart = METRIC_CHARTS[key]
  const timeline: Timeline = { times: [], values: chart.series.map(() => []) }
  const since = (scrapes[scrapes.length - 1]?.timeMs ?? 0) - windowMs
  for (let i = 1; i < scrapes.length; i++) {
    const curr = scrapes[i]!
    if (curr.timeMs < since) continue
    timeline.times.push(curr.timeMs)
    chart.values(scrapes[i - 1]!, curr, filter).forEach((value, s) => timeline.values[s]!.push(value))
  }
  return timeline
}

const numberFormats = [
  { below: 1, format: new Intl.NumberFormat('fr-FR', { maximumSignificantDigits: 2 }) },
  { below: 10, format: new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }) },
  { below: Number.POSITIVE_INFINITY, format: new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 }) },
]

/** `42 req/s`, `1,3 ms`, `0,25 %`; `—` when there is no value (no data in the window). */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—'
  const { format } = numberFormats.find(({ below }) => Math.abs(value) < below)!
  return unit ? `${format.format(value)}\u00a0${unit}` : format.format(value)
}

/** The big-type text of a chart: its headline series, named when the chart has several. */
export function formatHeadline(key: MetricKey, values: readonly number[]): string {
  const chart = METRIC_CHARTS[key]
  const value = formatValue(values[chart.headline] ?? Number.NaN, chart.unit)
  return chart.series.length > 1 ? `${chart.series[chart.headline]!.label} ${value}` : value
}

/** A split chart's big type: the whole system's rate, or the worst replica's (or version's) errors or p95. */
export function formatSplitHeadline(key: SplitChart, series: readonly ChartSeries[], latest: readonly number[]): string {
  const unit = METRIC_CHARTS[key].unit
  if (key === 'requestRate') return formatValue(latest.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0), unit)
  let worst = -1
  latest.forEach((value, i) => Number.isFinite(value) && (worst < 0 || value > latest[worst]!) && (worst = i))
  // A replica is named only when it stands out: with none above zero, the value alone.
  if (worst < 0 || latest[worst] === 0) return formatValue(worst < 0 ? Number.NaN : 0, unit)
  return `${series[worst]!.label} ${formatValue(latest[worst]!, unit)}`
}
