import { describe, expect, it } from 'vitest'
import { DEFAULT_REPLICAS, replicasFromArgv, serviceName } from '../../demo/config.ts'

const argv = (...args: string[]) => ['node', 'demo/main.ts', ...args]

describe('how many replicas Draw64 starts with', () => {
  it('runs the balancer and one replica by default, as `npm run dev` does', () => {
    expect(DEFAULT_REPLICAS).toBe(1)
    expect(replicasFromArgv(argv(), {})).toBe(1)
    expect(serviceName({}, argv())).toBe('draw64-lb')
  })

  it('takes --replicas before DRAW64_REPLICAS, and 0 for one Draw64 without a balancer', () => {
    expect(replicasFromArgv(argv('--replicas', '3'), { DRAW64_REPLICAS: '0' })).toBe(3)
    expect(replicasFromArgv(argv(), { DRAW64_REPLICAS: '0' })).toBe(0)
    expect(serviceName({ DRAW64_REPLICAS: '0' }, argv())).toBe('draw64')
    expect(serviceName({ OTEL_SERVICE_NAME: 'draw64-replica-2', DRAW64_REPLICAS: '0' }, argv())).toBe('draw64-replica-2')
  })

  it('refuses a count it cannot run, naming where it came from', () => {
    expect(() => replicasFromArgv(argv('--replicas', '5'), {})).toThrow('--replicas takes 0 (one Draw64, no balancer) or a number from 1 to 4, got "5"')
    expect(() => replicasFromArgv(argv('--replicas'), {})).toThrow('got "undefined"')
    expect(() => replicasFromArgv(argv(), { DRAW64_REPLICAS: '1.5' })).toThrow('DRAW64_REPLICAS takes')
    expect(() => replicasFromArgv(argv(), { DRAW64_REPLICAS: '-1' })).toThrow('DRAW64_REPLICAS takes')
  })
})
