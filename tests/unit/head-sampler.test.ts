import { afterEach, describe, expect, it, vi } from 'vitest'
import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api'
import { SamplingDecision } from '@opentelemetry/sdk-trace'
import { headSamplingFromEnv, SwitchableSampler } from '../../demo/telemetry/head-sampler.ts'

const decide = (sampler: SwitchableSampler, traceId: string, parent = context.active()) =>
  sampler.shouldSample(parent, traceId, 'span', SpanKind.SERVER, {}, []).decision

const LOW = '0'.repeat(24) + '10000000' // under any ratio above 0.07
const HIGH = '0'.repeat(24) + 'f0000000'

describe('SwitchableSampler', () => {
  it('switches between the SDK’s samplers live', () => {
    const sampler = new SwitchableSampler({ mode: 'parentbased_always_on', ratio: 1 })
    expect(decide(sampler, HIGH)).toBe(SamplingDecision.RECORD_AND_SAMPLED)
    sampler.set({ mode: 'always_off', ratio: 1 })
    expect(decide(sampler, HIGH)).toBe(SamplingDecision.NOT_RECORD)
    sampler.set({ mode: 'parentbased_traceidratio', ratio: 0.5 })
    expect([decide(sampler, LOW), decide(sampler, HIGH)]).toEqual([SamplingDecision.RECORD_AND_SAMPLED, SamplingDecision.NOT_RECORD])
    expect(sampler.toString()).toMatch(/ParentBased/)
  })

  it('at a ratio, follows a sampled remote parent whatever its trace id', () => {
    const sampler = new SwitchableSampler({ mode: 'parentbased_traceidratio', ratio: 0.01 })
    const parent = trace.setSpanContext(context.active(), { traceId: HIGH, spanId: '1'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true })
    expect(decide(sampler, HIGH, parent)).toBe(SamplingDecision.RECORD_AND_SAMPLED)
  })
})

describe('headSamplingFromEnv', () => {
  afterEach(() => vi.unstubAllEnvs())

  it('folds the standard OTEL_TRACES_SAMPLER values onto the three modes', () => {
    expect(headSamplingFromEnv()).toEqual({ mode: 'parentbased_always_on', ratio: 1 })
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'parentbased_traceidratio')
    vi.stubEnv('OTEL_TRACES_SAMPLER_ARG', '0.25')
    expect(headSamplingFromEnv()).toEqual({ mode: 'parentbased_traceidratio', ratio: 0.25 })
    vi.stubEnv('OTEL_TRACES_SAMPLER', 'always_off')
    expect(headSamplingFromEnv().mode).toBe('always_off')
  })
})
