// The JSON Draw64 serves and accepts, as zod schemas: the server types its answers and parses
// requests with them, and the slides and scripts parse its answers with the same ones, instead
// of casting. Browser-safe: zod and nothing from Node. zod/mini, zod's functional form, because
// the slides bundle this: a few kilobytes, where the chained form brings every check and locale.
import * as z from 'zod/mini'
import en from 'zod/v4/locales/en.js'
import { BOARD_SIZE, MAX_DRAW_VALUES, type Command, type PixelValue } from '../demo/domain/board.js'
import type { Draw64Event } from '../demo/domain/events.ts'
import type { ImageMeta } from '../demo/domain/image.ts'
import type { PixelOrigin } from '../demo/domain/provenance.ts'

// The messages zod writes itself (bounds, unknown keys) in English, as the chained form does.
z.config(en())

/** A schema that parses to T: what parseBody and the clients accept. */
export type Schema<T> = z.ZodMiniType<T>

// ---- images, commands and live events ----

// A draw's values are checked in one plain loop, not as a zod tuple of five bounded integers:
// zod's per-number checks took 7 µs of every draw (each stroke is parsed once by the server and
// once by every board that receives it), the loop about 1 µs, with the same messages.
const PIXEL_FIELDS = [['x', BOARD_SIZE - 1], ['y', BOARD_SIZE - 1], ['r', 255], ['g', 255], ['b', 255]] as const
const PIXEL_FIELD_MESSAGES = PIXEL_FIELDS.map(([name, max]) => `${name} must be an integer from 0 to ${max}`)

/** The first wrong value as a zod issue at its path (`[3]` or `[3, 0]`), or nothing. */
const everyValueIsAPixel = z.check<PixelValue[]>((payload) => {
  const values = payload.value
  for (let index = 0; index < values.length; index++) {
    const value: unknown = values[index]
    if (!Array.isArray(value) || value.length !== PIXEL_FIELDS.length) {
      payload.issues.push({ code: 'custom', message: 'each value must be an array [x, y, r, g, b]', input: value, path: [index] })
      return
    }
    for (let field = 0; field < PIXEL_FIELDS.length; field++) {
      const number: unknown = value[field]
      if (!Number.isInteger(number) || (number as number) < 0 || (number as number) > PIXEL_FIELDS[field]![1]) {
        payload.issues.push({ code: 'custom', message: PIXEL_FIELD_MESSAGES[field]!, input: number, path: [index, field] })
        return
      }
    }
  }
})

const commandSchema = z.discriminatedUnion('command_type', [
  z.strictObject({
    command_type: z.literal('draw'),
    values: z.array(z.custom<PixelValue>(), { error: 'values must be an array of [x, y, r, g, b]' }).check(
      z.minLength(1, { error: 'values must hold at least one [x, y, r, g, b]' }),
      z.maxLength(MAX_DRAW_VALUES, { error: `values must hold at most ${MAX_DRAW_VALUES} pixels per command` }),
      everyValueIsAPixel,
    ),
  }),
  z.strictObject({ command_type: z.literal('clear_canvas') }),
], {
  error: (issue) =>
    issue.input === undefined || typeof issue.input !== 'object'
      ? 'command must be an object with a command_type'
      : 'command_type must be "draw" or "clear_canvas"',
}) satisfies Schema<Command>

/** The body of PUT /api/images/:id; each message names what is wrong. */
export const commandBodySchema = z.strictObject(
  {
    command: commandSchema,
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.join(', ')}`
        : 'the body must be a JSON object {"command": {...}}',
  },
)

const imageMetaSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updateCount: z.number(),
}) satisfies Schema<ImageMeta>

/** GET /api/images/:id/provenance: who last painted a pixel (demo/domain/provenance.ts). */
export const pixelOriginSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  time: z.string(),
  commandType: z.enum(['draw', 'clear_canvas']),
  client: z.string(),
}) satisfies Schema<PixelOrigin>

export const imageListSchema = z.object({ images: z.array(imageMetaSchema) })
export const imageAnswerSchema = z.object({ image: imageMetaSchema })

/** GET /api/join: the URL a phone opens to draw (demo/lan.ts). */
export const joinAnswerSchema = z.object({ lan: z.boolean(), url: z.string() })

/** The data of each Server-Sent Event of /api/events, by event name. */
const eventDataSchemas = {
  image_created: z.object({ image: imageMetaSchema }),
  image_updated: z.object({ id: z.string(), command: commandSchema }),
  image_deleted: z.object({ id: z.string() }),
  user_count_updated: z.object({ count: z.number() }),
} as const satisfies { [Type in Draw64Event['type']]: Schema<Extract<Draw64Event, { type: Type }>['data']> }

/** An event as the stream or the replicas' event log carries it: its name and its JSON data. */
export function parseDraw64Event(type: string, data: unknown): Draw64Event | undefined {
  if (!Object.hasOwn(eventDataSchemas, type)) return undefined
  const parsed = eventDataSchemas[type as Draw64Event['type']].safeParse(data)
  return parsed.success ? ({ type, data: parsed.data } as Draw64Event) : undefined
}

// ---- demo control: fault flags ----

const faultStateSchema = z.object({
  enabled: z.boolean(),
  /** Milliseconds for latencies, percent for errors (see `unit`). */
  value: z.number(),
  unit: z.enum(['ms', '%']),
  min: z.number(),
  max: z.number(),
  defaultValue: z.number(),
  /** What the flag does, in French, short enough for one line of the panel. */
  description: z.string(),
  /** The values a click on the value cycles through. */
  presets: z.readonly(z.array(z.number())),
})
export type FaultState = z.infer<typeof faultStateSchema>
export type FaultSpec = Omit<FaultState, 'enabled' | 'value'>

export const faultListSchema = z.object({
  faults: z.record(z.string(), faultStateSchema),
  /** HA mode: each running replica's flags (a flag may be on in one replica only). */
  byReplica: z.optional(z.record(z.string(), z.record(z.string(), faultStateSchema))),
})
export const faultAnswerSchema = z.object({ fault: faultStateSchema })

/** The body of PUT /api/demo/faults/:name, bounded by the flag's spec. */
export function faultChangeSchema({ unit, min, max }: Pick<FaultSpec, 'unit' | 'min' | 'max'>) {
  return z.strictObject({
    enabled: z.boolean({ error: 'enabled must be true or false' }),
    value: z.optional(z.number({ error: `value must be a number of ${unit} from ${min} to ${max}` }).check(z.gte(min), z.lte(max))),
  })
}
export type FaultChange = z.infer<ReturnType<typeof faultChangeSchema>>

// ---- demo control: the cardinality lab (demo/telemetry/cardinality-lab.ts) ----

export const cardinalityLabStateSchema = z.object({
  /** The counter the highCardinality flag spoils, as the SDK names it (draw64.draws). */
  metric: z.string(),
  /** The per-request attribute the flag adds, and the View drops. */
  attribute: z.string(),
  /** The counter's cardinality limit, its overflow series included. */
  limit: z.number(),
  viewDropsRequestId: z.boolean(),
  /** false under OTEL_SDK_DISABLED=true: nothing is counted. */
  sdkEnabled: z.boolean(),
})
export type CardinalityLabState = z.infer<typeof cardinalityLabStateSchema>

/** GET and PUT /api/demo/cardinality: the lab and the flag that spoils it, for one poll of the slide. */
export const cardinalityAnswerSchema = z.object({ lab: cardinalityLabStateSchema, highCardinality: faultStateSchema })
export type CardinalityAnswer = z.infer<typeof cardinalityAnswerSchema>

/** The body of PUT /api/demo/cardinality: the View on or off. */
export const cardinalityChangeSchema = z.strictObject({
  viewDropsRequestId: z.boolean({ error: 'viewDropsRequestId must be true or false' }),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'the body must be a JSON object {"viewDropsRequestId": true|false}') })
export type CardinalityChange = z.infer<typeof cardinalityChangeSchema>

// ---- demo control: sampling, head and tail (demo/telemetry/sampling.ts) ----

const ratioSchema = (name: string) => z.number({ error: `${name} must be a number from 0 to 1` }).check(z.gte(0, { error: `${name} must be from 0 to 1` }), z.lte(1, { error: `${name} must be from 0 to 1` }))
const HEAD_MODES = ['parentbased_always_on', 'parentbased_traceidratio', 'always_off'] as const
const headModeSchema = z.enum(HEAD_MODES, { error: `mode must be one of ${HEAD_MODES.join(', ')}` })
const MAX_TAIL_LATENCY_MS = 60_000

const headSamplingSchema = z.object({ mode: headModeSchema, ratio: z.number() })
export type HeadSampling = z.infer<typeof headSamplingSchema>

const tailPolicySchema = z.object({ enabled: z.boolean(), latencyMs: z.number(), ratio: z.number() })

export const samplingStateSchema = z.object({
  /** false under OTEL_SDK_DISABLED=true: no span at all. */
  sdkEnabled: z.boolean(),
  head: headSamplingSchema,
  tail: tailPolicySchema,
  /** Since start: traces decided by the tail policy, and spans in and out of it. */
  counts: z.object({
    seen: z.number(), kept: z.number(), dropped: z.number(), errorTracesSeen: z.number(), errorTracesKept: z.number(),
    spansSeen: z.number(), spansKept: z.number(), pending: z.number(),
  }),
})
export type SamplingState = z.infer<typeof samplingStateSchema>

/** GET and PUT /api/demo/sampling: the sampling and the flag that makes error traces, for one poll of the slide. */
export const samplingAnswerSchema = z.object({ sampling: samplingStateSchema, drawErrors: faultStateSchema })
export type SamplingAnswer = z.infer<typeof samplingAnswerSchema>

/** The body of PUT /api/demo/sampling: what changes, the rest stays. */
export const samplingChangeSchema = z.strictObject({
  head: z.optional(z.strictObject({ mode: headModeSchema, ratio: z.optional(ratioSchema('head.ratio')) })),
  tail: z.optional(z.strictObject({
    enabled: z.optional(z.boolean({ error: 'tail.enabled must be true or false' })),
    latencyMs: z.optional(z.int({ error: `tail.latencyMs must be an integer from 1 to ${MAX_TAIL_LATENCY_MS}` }).check(z.gte(1), z.lte(MAX_TAIL_LATENCY_MS))),
    ratio: z.optional(ratioSchema('tail.ratio')),
  })),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'the body must be a JSON object {"head": {...}, "tail": {...}}') })
  .check(z.refine((body) => body.head !== undefined || body.tail !== undefined, { error: 'give head, tail or both' }))
export type SamplingChange = z.infer<typeof samplingChangeSchema>

// ---- demo control: load generator ----

const MAX_LOAD_RATE = 1000
const MAX_LOAD_SECONDS = 600

export const loadRequestSchema = z.strictObject({
  rate: z.int({ error: `rate must be an integer from 1 to ${MAX_LOAD_RATE} (requests per second)` }).check(z.gte(1), z.lte(MAX_LOAD_RATE)),
  durationSeconds: z.int({ error: `durationSeconds must be an integer from 1 to ${MAX_LOAD_SECONDS}` }).check(z.gte(1), z.lte(MAX_LOAD_SECONDS)),
})
export type LoadRequest = z.infer<typeof loadRequestSchema>

export const loadStatusSchema = z.object({
  running: z.boolean(),
  rateAsked: z.number(),
  rateAchieved: z.number(),
  /** ISO time while running, null otherwise. */
  endsAt: z.nullable(z.string()),
})
export type LoadStatus = z.infer<typeof loadStatusSchema>

// ---- demo control: the telemetry tax, measured (demo/control/overhead.ts) ----

export const OVERHEAD_VARIANT_IDS = ['off', 'on', 'sampled'] as const
export type OverheadVariantId = (typeof OVERHEAD_VARIANT_IDS)[number]
/** Measuring time, all three servers together: at most 12 s, so that a run with its start stays within 20 s. */
export const OVERHEAD_SECONDS = { min: 3, max: 12, default: 9 } as const

export const overheadRequestSchema = z.strictObject({
  ratio: ratioSchema('ratio').check(z.gt(0, { error: 'ratio must be above 0 (0 would be telemetry off, already measured)' })),
  seconds: z.optional(
    z.int({ error: `seconds must be an integer from ${OVERHEAD_SECONDS.min} to ${OVERHEAD_SECONDS.max}` }).check(z.gte(OVERHEAD_SECONDS.min), z.lte(OVERHEAD_SECONDS.max)),
  ),
}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'the body must be a JSON object {"ratio": 0.1}') })
export type OverheadRequest = z.infer<typeof overheadRequestSchema>

/** One server's figures so far: the load tool's counts and latencies, the process's own CPU and RSS. */
export const overheadFiguresSchema = z.object({
  id: z.enum(OVERHEAD_VARIANT_IDS),
  /** 2xx answers, and the others (there should be none). */
  requests: z.number(),
  failed: z.number(),
  seconds: z.number(),
  requestsPerSecond: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  cpuSecondsPer1000: z.number(),
  rssMiB: z.number(),
})
export type OverheadFigures = z.infer<typeof overheadFiguresSchema>

export const OVERHEAD_PHASES = ['idle', 'starting', 'measuring', 'done', 'stopped', 'failed'] as const
export const overheadStatusSchema = z.object({
  phase: z.enum(OVERHEAD_PHASES),
  running: z.boolean(),
  /** The head-sampling ratio of the third server. */
  ratio: z.number(),
  seconds: z.number(),
  connections: z.number(),
  /** 0 to 1: the share of the measuring time done. */
  progress: z.number(),
  startedAt: z.nullable(z.string()),
  /** Empty until the first slice is measured, then one entry per server, in OVERHEAD_VARIANT_IDS order. */
  variants: z.array(overheadFiguresSchema),
  error: z.nullable(z.string()),
})
export type OverheadStatus = z.infer<typeof overheadStatusSchema>

// ---- demo control: HA replicas (demo/ha/) ----

const replicaSchema = z.object({
  name: z.string(),
  state: z.enum(['starting', 'ready', 'unhealthy', 'draining', 'crashed']),
  version: z.string(),
  port: z.number(),
})
export type ReplicaInfo = z.infer<typeof replicaSchema>

/** GET /api/demo/replicas: the replicas, their bounds, and the version being rolled out, if any. */
export const replicaListSchema = z.object({
  replicas: z.array(replicaSchema),
  min: z.number(),
  max: z.number(),
  rollingOut: z.nullable(z.string()),
})
export type ReplicaList = z.infer<typeof replicaListSchema>

export const REPLICA_NAME_PATTERN = /^draw64-replica-[1-9]\d?$/

/** POST /api/demo/replicas and DELETE /api/demo/replicas/:name take no options: no body, or {}. */
export const emptyBodySchema = z.strictObject({}, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'the body must be empty or {}') })

/** POST /api/demo/rollout: the version the replicas are replaced by. */
export const rolloutRequestSchema = z.strictObject({
  version: z.string({ error: 'version must be a string such as "2"' }).check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,19}$/, { error: 'version must be 1 to 20 letters, digits, dots, dashes or pluses, such as "2"' }),
  ),
})

/** A fault flag switched on one replica only: PUT /api/demo/faults/:name on the balancer. */
export const replicaScopeSchema = z.optional(z.string({ error: 'replica must be a replica name such as "draw64-replica-2"' }).check(
  z.regex(REPLICA_NAME_PATTERN, { error: 'replica must be a replica name such as "draw64-replica-2"' }),
))

// ---- demo control: the HA autoscaler (demo/ha/autoscaler.ts) ----

const bounded = (name: string, min: number, max: number, unit: string) =>
  z.number({ error: `${name} must be a number from ${min} to ${max}${unit}` }).check(z.gte(min, { error: `${name} must be a number from ${min} to ${max}${unit}` }), z.lte(max, { error: `${name} must be a number from ${min} to ${max}${unit}` }))

const autoscalerPolicyShape = {
  /** Add a replica when the replicas' p95 stays above this (ms)… */
  p95Ms: bounded('p95Ms', 1, 60_000, ' ms'),
  /** … or the worst event-loop delay p99 does (ms)… */
  loopDelayMs: bounded('loopDelayMs', 1, 60_000, ' ms'),
  /** … for this long (s). */
  sustainSeconds: bounded('sustainSeconds', 1, 600, ' s'),
  /** Remove one when they serve fewer requests per second than this… */
  idleRate: bounded('idleRate', 0, 10_000, ' req/s'),
  /** … for this long (s). */
  idleSeconds: bounded('idleSeconds', 1, 600, ' s'),
  /** No change sooner than this after the last one (s). */
  cooldownSeconds: bounded('cooldownSeconds', 0, 600, ' s'),
}
export const autoscalerPolicySchema = z.object(autoscalerPolicyShape)
export type AutoscalerPolicy = z.infer<typeof autoscalerPolicySchema>

/** PUT /api/demo/autoscaler: on or off, and any thresholds to change. */
export const autoscalerChangeSchema = z.strictObject({
  enabled: z.boolean({ error: 'enabled must be true or false' }),
  ...Object.fromEntries(Object.entries(autoscalerPolicyShape).map(([key, schema]) => [key, z.optional(schema)])) as { [Key in keyof typeof autoscalerPolicyShape]: z.ZodMiniOptional<(typeof autoscalerPolicyShape)[Key]> },
})

export const autoscalerStatusSchema = z.object({
  enabled: z.boolean(),
  policy: autoscalerPolicySchema,
  lastDecision: z.nullable(z.object({ time: z.string(), change: z.number(), reason: z.string() })),
})
export type AutoscalerStatus = z.infer<typeof autoscalerStatusSchema>

// ---- telemetry: /api/telemetry/spans and /logs, and the recording made of them ----

/** OpenTelemetry's AnyValue, as JSON carries it: the API types it `unknown`, so does the wire. */
const attributesSchema = z.record(z.string(), z.unknown())
export type AttributeValue = unknown

/** A finished span; nanosecond times are decimal strings (they exceed 2^53). */
const telemetrySpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  /** Empty or absent for a root span. */
  parentSpanId: z.optional(z.string()),
  name: z.string(),
  /** OTel SpanKind: 0 internal, 1 server, 2 client, 3 producer, 4 consumer. */
  kind: z.number(),
  serviceName: z.string(),
  /** The resource's `service.version`, '' when it has none; absent from recordings made before it. */
  serviceVersion: z._default(z.string(), ''),
  startTimeUnixNano: z.string(),
  endTimeUnixNano: z.string(),
  attributes: attributesSchema,
  /** OTel SpanStatusCode: 0 unset, 1 ok, 2 error. */
  status: z.object({ code: z.number(), message: z.optional(z.string()) }),
  events: z.array(z.object({ name: z.string(), timeUnixNano: z.string(), attributes: z.optional(attributesSchema) })),
})
export type TelemetrySpan = z.infer<typeof telemetrySpanSchema>
export type SpanEvent = TelemetrySpan['events'][number]

const telemetryLogSchema = z.object({
  timeUnixNano: z.string(),
  severityText: z.string(),
  body: z.unknown(),
  traceId: z.string(),
  spanId: z.string(),
  attributes: z.record(z.string(), z.unknown()),
})
export type TelemetryLog = z.infer<typeof telemetryLogSchema>

export const spanPageSchema = z.object({ cursor: z.string(), spans: z.array(telemetrySpanSchema) })
export const logPageSchema = z.object({ cursor: z.string(), logs: z.array(telemetryLogSchema) })

/** One data point of a counter as a reader got it from the SDK: its window and its value. */
const counterReadingSchema = z.object({ startMs: z.number(), endMs: z.number(), value: z.number() })

/** The same counter read by both readers at the same tick (demo/telemetry/temporality.ts). */
const temporalityPointSchema = z.object({ timeMs: z.number(), delta: counterReadingSchema, cumulative: counterReadingSchema })
export type TemporalityPoint = z.infer<typeof temporalityPointSchema>

/** GET /api/telemetry/temporality: the newest last. */
export const temporalityAnswerSchema = z.object({ metric: z.string(), sdkEnabled: z.boolean(), points: z.array(temporalityPointSchema) })
export type TemporalityAnswer = z.infer<typeof temporalityAnswerSchema>

/** A real run of Draw64, captured by scripts/capture-recording.ts and shipped under public/. */
export const recordingSchema = z.object({
  capturedAt: z.string(),
  spans: z.array(telemetrySpanSchema),
  logs: z.array(telemetryLogSchema),
  scrapes: z.array(z.object({ timeMs: z.number(), text: z.string() })),
  /** The board at capture time: its id and its 12 288 RGB bytes in base64. */
  image: z.object({ id: z.string(), pixelsBase64: z.string() }),
  /** Added with the Temporality slide: absent from recordings made before it. */
  temporality: z.optional(temporalityAnswerSchema),
})
export type Recording = z.infer<typeof recordingSchema>
