// The two-tier tail sampling of stack/collector/tail-sampling/, checked without a Collector as
// the other stack configurations are: pipelines complete, spans routed by trace id to the
// samplers' port, and the samplers' policies the same as the demo's in-process one.
import { describe, expect, it } from 'vitest'
import { createTailSampler } from '../../demo/telemetry/tail-sampling.ts'
import { pipelineProblems, portOf, readYaml } from '../support/stack-config.ts'

const gateway = readYaml('collector/tail-sampling/gateway.yaml')
const sampler = readYaml('collector/tail-sampling/sampler.yaml')

describe('stack/collector/tail-sampling', () => {
  it('has complete pipelines on both tiers, every component used', () => {
    expect(pipelineProblems(gateway)).toEqual([])
    expect(pipelineProblems(sampler)).toEqual([])
  })

  it('routes every span of a trace to one sampler: load_balancing by traceID onto the samplers’ OTLP port', () => {
    const { loadbalancing } = gateway.exporters
    expect(loadbalancing.routing_key).toBe('traceID')
    expect(Object.keys(loadbalancing.resolver)).toHaveLength(1)
    expect(loadbalancing.resolver.k8s.ports).toEqual([portOf(sampler.receivers.otlp.protocols.grpc.endpoint)])
    expect(gateway.service.pipelines.traces.exporters).toEqual(['loadbalancing'])
  })

  it('samples on the second tier only, after the memory limiter', () => {
    expect(sampler.service.pipelines.traces.processors).toEqual(['memory_limiter', 'tail_sampling'])
    expect(gateway.service.pipelines.traces.processors).not.toContain('tail_sampling')
  })

  it('keeps what the demo’s policy keeps: errors, traces over its latency threshold, its ratio of the rest', () => {
    const demo = createTailSampler(() => undefined).policy()
    const policies = Object.fromEntries(sampler.processors.tail_sampling.policies.map((policy: any) => [policy.type, policy[policy.type]]))
    expect(policies).toEqual({
      status_code: { status_codes: ['ERROR'] },
      latency: { threshold_ms: demo.latencyMs },
      probabilistic: { sampling_percentage: demo.ratio * 100 },
    })
    expect(sampler.processors.tail_sampling.num_traces).toBeGreaterThan(0)
  })
})
