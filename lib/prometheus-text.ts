// Reads the Prometheus text exposition format 0.0.4, as served by @opentelemetry/exporter-prometheus:
// the numbers LiveMetrics charts, and the text PrometheusText shows (HELP, UNIT and TYPE lines, and
// each sample as written). Hand-written on purpose: the one parser on npm,
// parse-prometheus-text-format (1.1.1, 2024), returns neither UNIT lines nor the samples' text,
// and regroups histograms into its own shape, so the excerpt slide would need a second parser.
import type { HistogramBucket } from './metric-math.ts'

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export type Labels = Record<string, string>

export interface Sample {
  name: string
  labels: Labels
  value: number
  /** The value as written (`1.5e-05`, `+Inf`), and the whole line. */
  valueText: string
  raw: string
}

/** A `# HELP`, `# TYPE` or `# UNIT` line: its keyword and what follows the family name. */
export interface Descriptor {
  keyword: 'HELP' | 'TYPE' | 'UNIT'
  text: string
}

export interface MetricFamily {
  name: string
  type: MetricType
  help: string
  unit: string
  /** Its HELP, TYPE and UNIT lines, in the order they came. */
  descriptors: Descriptor[]
  samples: Sample[]
}

const METRIC_TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped']
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const TIMESTAMP = /^-?\d+$/
const DESCRIPTOR = /^#\s+(HELP|TYPE|UNIT)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:[ \t]+(.*))?$/
const LABEL_ESCAPES = new Map([['\\', '\\'], ['"', '"'], ['n', '\n']])

// Which sample-name suffixes belong to a family of each type (`_total` covers OpenMetrics-style counters).
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  summary: ['_sum', '_count', '_created'],
  untyped: [],
}

/** Every metric family in `text`, in order of appearance; malformed lines are skipped. */
export function parsePrometheusText(text: string): MetricFamily[] {
  const families = new Map<string, MetricFamily>()
  const familyNamed = (name: string): MetricFamily => {
    let family = families.get(name)
    if (!family) {
      family = { name, type: 'untyped', help: '', unit: '', descriptors: [], samples: [] }
      families.set(name, family)
    }
    return family
  }

  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim()
    if (line === '') continue
    if (line.startsWith('#')) {
      const descriptor = DESCRIPTOR.exec(line)
      if (!descriptor) continue
      const [, word, name, rest = ''] = descriptor
      const keyword = word as Descriptor['keyword']
      if (keyword === 'TYPE' && !METRIC_TYPES.includes(rest.trim())) continue
      const family = familyNamed(name!)
      family.descriptors.push({ keyword, text: rest })
      if (keyword === 'HELP') family.help = unescapeHelp(rest)
      else if (keyword === 'UNIT') family.unit = rest.trim()
      else family.type = rest.trim() as MetricType
      continue
    }
    const sample = parseSampleLine(line)
    if (sample) (familyOf(sample.name, families) ?? familyNamed(sample.name)).samples.push(sample)
  }
  return [...families.values()]
}

export function findFamily(families: readonly MetricFamily[], name: string): MetricFamily | undefined {
  return families.find((family) => family.name === name)
}

/**
 * Sum of the family's samples named `sampleName` (default: the family's own value samples)
 * whose labels pass `filter`. A missing family sums to 0: a series that never happened counts nothing.
 */
export function sumSamples(
  family: MetricFamily | undefined,
  filter: (labels: Labels) => boolean = () => true,
  sampleName?: string,
): number {
  return samplesOf(family, filter, sampleName).reduce((sum, sample) => sum + sample.value, 0)
}

/** The samples `sumSamples` adds up: the family's own (`_total` too for a counter), or `sampleName`'s. */
export function samplesOf(
  family: MetricFamily | undefined,
  filter: (labels: Labels) => boolean = () => true,
  sampleName?: string,
): Sample[] {
  if (!family) return []
  const names = sampleName
    ? [sampleName]
    : [family.name, ...(family.type === 'counter' ? [`${family.name}_total`] : [])]
  return family.samples.filter((sample) => names.includes(sample.name) && filter(sample.labels))
}

/** Cumulative buckets of a histogram family, summed over the series that pass `filter`, sorted by `le`. */
export function histogramBuckets(
  family: MetricFamily | undefined,
  filter: (labels: Labels) => boolean = () => true,
): HistogramBucket[] {
  if (!family) return []
  const counts = new Map<number, number>()
  for (const sample of family.samples) {
    if (sample.name !== `${family.name}_bucket` || !filter(sample.labels)) continue
    const le = parseValue(sample.labels.le ?? '')
    if (le === undefined || Number.isNaN(le)) continue
    counts.set(le, (counts.get(le) ?? 0) + sample.value)
  }
  return [...counts].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le)
}

function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const exact = families.get(sampleName)
  if (exact) return exact
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (!sampleName.endsWith(suffix)) continue
    const family = families.get(sampleName.slice(0, -suffix.length))
    if (family && SUFFIXES[family.type].includes(suffix)) return family
  }
  return undefined
}

// name{label="value",...} value [timestamp]
function parseSampleLine(line: string): Sample | undefined {
  const name = METRIC_NAME.exec(line)?.[0]
  if (!name) return undefined
  let rest = line.slice(name.length).trimStart()
  let labels: Labels = {}
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest)
    if (!parsed) return undefined
    labels = parsed.labels
    rest = rest.slice(parsed.length)
  }
  const tokens = rest.trim().split(/[ \t]+/)
  if (tokens.length > 2 || (tokens.length === 2 && !TIMESTAMP.test(tokens[1]!))) return undefined
  const value = parseValue(tokens[0]!)
  return value === undefined ? undefined : { name, labels, value, valueText: tokens[0]!, raw: line }
}

// Reads `{a="x",b="y"}` at the start of `text`; returns the labels and how many characters they took.
function parseLabels(text: string): { labels: Labels; length: number } | undefined {
  const labels: Labels = {}
  let i = 1
  const skipBlanks = () => {
    while (text[i] === ' ' || text[i] === '\t') i++
  }
  for (;;) {
    skipBlanks()
    if (text[i] === '}') return { labels, length: i + 1 }
    const labelName = LABEL_NAME.exec(text.slice(i))?.[0]
    if (!labelName || labelName in labels) return undefined
    i += labelName.length
    skipBlanks()
    if (text[i] !== '=') return undefined
    i++
    skipBlanks()
    if (text[i] !== '"') return undefined
    i++
    let value = ''
    while (text[i] !== '"') {
      if (i >= text.length) return undefined
      if (text[i] === '\\') {
        const escaped = LABEL_ESCAPES.get(text[i + 1] ?? '')
        if (escaped === undefined) return undefined
        value += escaped
        i += 2
      } else {
        value += text[i]
        i++
      }
    }
    i++
    labels[labelName] = value
    skipBlanks()
    if (text[i] === ',') i++
    else if (text[i] !== '}') return undefined
  }
}

function parseValue(token: string): number | undefined {
  const lower = token.toLowerCase()
  if (lower === 'nan') return Number.NaN
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY
  if (lower === '-inf') return Number.NEGATIVE_INFINITY
  return FLOAT.test(token) ? Number(token) : undefined
}

function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_, escaped: string) => (escaped === 'n' ? '\n' : '\\'))
}
