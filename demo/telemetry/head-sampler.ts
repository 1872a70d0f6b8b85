// Head sampling switched live (chapter 6): the SDK's own samplers behind a small wrapper the
// bootstrap gives to NodeSDK, so that the slide can change the decision on the running demo.
// It starts as OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG say, folded onto its three modes
// (always_on and parentbased_always_on: parentbased_always_on, the SDK's default; always_off and
// parentbased_always_off: always_off; traceidratio and parentbased_traceidratio:
// parentbased_traceidratio). Parent-based but "always_off": the slide's "nothing" means nothing.
// In HA mode the replicas keep the default and follow the balancer's decision.
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api'
import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core'
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace'
import type { HeadSampling } from '../../lib/wire.ts'

function samplerFor({ mode, ratio }: HeadSampling): Sampler {
  if (mode === 'always_off') return new AlwaysOffSampler()
  return new ParentBasedSampler({ root: mode === 'parentbased_always_on' ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio) })
}

export function headSamplingFromEnv(): HeadSampling {
  const name = getStringFromEnv('OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on'
  const arg = getNumberFromEnv('OTEL_TRACES_SAMPLER_ARG')
  const ratio = arg !== undefined && arg >= 0 && arg <= 1 ? arg : 1
  if (name.endsWith('always_off')) return { mode: 'always_off', ratio }
  if (name.endsWith('traceidratio')) return { mode: 'parentbased_traceidratio', ratio }
  return { mode: 'parentbased_always_on', ratio }
}

export class SwitchableSampler implements Sampler {
  private current: Sampler
  private setting: HeadSampling

  constructor(initial: HeadSampling) {
    this.setting = { ...initial }
    this.current = samplerFor(initial)
  }

  get(): HeadSampling {
    return { ...this.setting }
  }

  /** Applies to the spans started from now on; a trace already under way follows its root's decision. */
  set(next: HeadSampling): HeadSampling {
    this.setting = { ...next }
    this.current = samplerFor(next)
    return this.get()
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    return this.current.shouldSample(context, traceId, spanName, spanKind, attributes, links)
  }

  toString(): string {
    return `SwitchableSampler{${this.current.toString()}}`
  }
}
