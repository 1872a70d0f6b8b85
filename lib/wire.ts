// The JSON Draw64 serves and accepts, as zod schemas: the server types its answers and parses
// requests with them, and the slides and scripts parse its answers with the same ones, instead
// of casting. Browser-safe: zod and nothing from Node.
import { z } from 'zod'

// ---- demo control: fault flags ----

export const faultStateSchema = z.object({
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
  presets: z.array(z.number()).readonly(),
})
export type FaultState = z.infer<typeof faultStateSchema>
export type FaultSpec = Omit<FaultState, 'enabled' | 'value'>

export const faultListSchema = z.object({ faults: z.record(z.string(), faultStateSchema) })
export const faultAnswerSchema = z.object({ fault: faultStateSchema })

/** The body of PUT /api/demo/faults/:name, bounded by the flag's spec. */
export function faultChangeSchema({ unit, min, max }: Pick<FaultSpec, 'unit' | 'min' | 'max'>) {
  return z.strictObject({
    enabled: z.boolean({ error: 'enabled must be true or false' }),
    value: z.number({ error: `value must be a number of ${unit} from ${min} to ${max}` }).min(min).max(max).optional(),
  })
}
export type FaultChange = z.infer<ReturnType<typeof faultChangeSchema>>

// ---- demo control: load generator ----

export const MAX_LOAD_RATE = 1000
export const MAX_LOAD_SECONDS = 600

export const loadRequestSchema = z.strictObject({
  rate: z.int({ error: `rate must be an integer from 1 to ${MAX_LOAD_RATE} (requests per second)` }).min(1).max(MAX_LOAD_RATE),
  durationSeconds: z.int({ error: `durationSeconds must be an integer from 1 to ${MAX_LOAD_SECONDS}` }).min(1).max(MAX_LOAD_SECONDS),
})
export type LoadRequest = z.infer<typeof loadRequestSchema>

export const loadStatusSchema = z.object({
  running: z.boolean(),
  rateAsked: z.number(),
  rateAchieved: z.number(),
  /** ISO time while running, null otherwise. */
  endsAt: z.string().nullable(),
})
export type LoadStatus = z.infer<typeof loadStatusSchema>
