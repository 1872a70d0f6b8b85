// The demo's sampling, head and tail, as one lever for the SamplingControl slide: the head
// sampler NodeSDK calls for every new span, and the tail policy between the SDK and the slides'
// span buffer. Metrics are never sampled: the request rate on /metrics stays complete.
import type { HeadSampling, SamplingChange, SamplingState } from '../../lib/wire.ts'
import { pushServerSpan } from './buffers.ts'
import { headSamplingFromEnv, SwitchableSampler } from './head-sampler.ts'
import type { TelemetrySpanJson } from './serialize.ts'
import { createTailSampler } from './tail-sampling.ts'

const SWEEP_MS = 100

export const headSampler = new SwitchableSampler(headSamplingFromEnv())
export const tailSampler = createTailSampler(pushServerSpan)
let started = false

/** Called by the bootstrap: tail decisions are taken on a timer, as traces complete. */
export function startTailSampling(): void {
  started = true
  setInterval(() => tailSampler.sweep(), SWEEP_MS).unref()
}

/** Spans other processes sent over OTLP (HA replicas): never a local root, the trace's root is here. */
export function addIngestedSpans(spans: TelemetrySpanJson[]): void {
  for (const span of spans) tailSampler.offer(span, false)
}

export function samplingState(): SamplingState {
  return { sdkEnabled: started, head: headSampler.get(), tail: tailSampler.policy(), counts: tailSampler.counts() }
}

export function changeSampling({ head, tail }: SamplingChange): SamplingState {
  if (head) {
    const next: HeadSampling = { mode: head.mode, ratio: head.ratio ?? headSampler.get().ratio }
    headSampler.set(next)
  }
  if (tail) tailSampler.setPolicy({ ...tailSampler.policy(), ...Object.fromEntries(Object.entries(tail).filter(([, value]) => value !== undefined)) })
  return samplingState()
}
