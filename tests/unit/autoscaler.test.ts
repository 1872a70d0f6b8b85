import { describe, expect, it } from 'vitest'
import { decide, DEFAULT_POLICY, type Memory, type Reading } from '../../demo/ha/autoscaler.ts'

const POLICY = { ...DEFAULT_POLICY, p95Ms: 200, loopDelayMs: 100, sustainSeconds: 10, idleRate: 1, idleSeconds: 15, cooldownSeconds: 20 }
const quiet: Omit<Reading, 'timeMs'> = { p95Ms: 20, loopDelayMs: 2, requestRate: 50, replicas: 2, min: 1, max: 4 }

/** Feeds one reading a second from t = 0 and returns every decision that changed something. */
function run(seconds: number, reading: (second: number) => Partial<Reading>, memory: Memory = {}) {
  const changes: { second: number; change: number; reason?: string }[] = []
  let replicas = reading(0).replicas ?? quiet.replicas
  for (let second = 0; second <= seconds; second++) {
    const decision = decide({ ...quiet, ...reading(second), replicas, timeMs: second * 1000 }, POLICY, memory)
    memory = decision.memory
    if (decision.change !== 0) {
      changes.push({ second, change: decision.change, reason: decision.reason })
      replicas += decision.change
    }
  }
  return changes
}

describe('decide', () => {
  it('adds a replica once p95 has stayed above the threshold for the sustain time, saying why in French', () => {
    expect(run(12, () => ({ p95Ms: 340 }))).toEqual([{ second: 10, change: 1, reason: 'p95 340 ms > 200 ms pendant 10 s → +1 réplique' }])
  })

  it('starts counting again when p95 dips under the threshold', () => {
    expect(run(20, (s) => ({ p95Ms: s === 5 ? 100 : 340 })).map((change) => change.second)).toEqual([16])
  })

  it('adds one for a blocked event loop too', () => {
    expect(run(10, () => ({ loopDelayMs: 150 }))[0]?.reason).toBe('retard de boucle 150 ms > 100 ms pendant 10 s → +1 réplique')
  })

  it('waits for the cooldown between two changes, and stops at the maximum', () => {
    const changes = run(120, () => ({ p95Ms: 500 }))
    expect(changes.map((change) => change.second)).toEqual([10, 30])
    expect(changes.every((change) => change.change === 1)).toBe(true)
  })

  it('removes one when the load has gone, down to the minimum', () => {
    const changes = run(120, () => ({ requestRate: 0, p95Ms: Number.NaN, replicas: 3 }))
    expect(changes.map((change) => [change.second, change.change])).toEqual([[15, -1], [35, -1]])
    expect(changes[0]!.reason).toBe('0 req/s < 1 req/s pendant 15 s → −1 réplique')
  })

  it('changes nothing under a steady, healthy load', () => {
    expect(run(120, () => ({}))).toEqual([])
  })
})
