import { describe, expect, it } from 'vitest'
import { autoscalerLine, DEFAULT_FAULTS, errorMessage, faultRows, loadFigures, nextChoice, nextVersion, replicaErrorMessage, secondsLeft } from '../../lib/control-panel.ts'
import { DemoControlError } from '../../lib/demo-control-api.ts'
import type { AutoscalerStatus, LoadStatus } from '../../lib/wire.ts'
import { DEFAULT_POLICY } from '../../demo/ha/autoscaler.ts'

const stopped: LoadStatus = { running: false, rateAsked: 0, rateAchieved: 0, endsAt: null }

describe('errorMessage', () => {
  it('says the demo is unreachable when nothing or a proxy error answers', () => {
    expect(errorMessage(new DemoControlError(0, 'fetch failed'))).toBe('démo injoignable')
    expect(errorMessage(new DemoControlError(502, 'HTTP 502'))).toBe('démo injoignable')
    expect(errorMessage(new Error('boom'))).toBe('démo injoignable')
  })

  it('explains a 403 and a 409 in French, and shows the server’s message of a 400', () => {
    expect(errorMessage(new DemoControlError(403, 'local only'))).toMatch(/speaker/)
    expect(errorMessage(new DemoControlError(409, 'load already running'))).toBe('Une charge tourne déjà')
    expect(errorMessage(new DemoControlError(400, 'rate must be 1–1000'))).toBe('rate must be 1–1000')
  })
})

describe('faultRows', () => {
  it('lists the flags in the catalogue’s order, each with its French description', () => {
    const zeta = { ...DEFAULT_FAULTS.drawLatency!, description: 'new flag' }
    const rows = faultRows({ ...DEFAULT_FAULTS, zeta })
    expect(rows.map((row) => row.name)).toEqual(['drawLatency', 'drawErrors', 'slowDatabase', 'highCardinality', 'zeta'])
    expect(rows[2]!.description).toMatch(/SQLite/)
    expect(rows[3]!.description).toMatch(/identifiant/)
    expect(rows[4]!.description).toBe('new flag')
  })

  it('starts every flag off at its default, as the server does', () => {
    expect(Object.values(DEFAULT_FAULTS).map((flag) => [flag.enabled, flag.value])).toEqual([[false, 300], [false, 50], [false, 20], [false, 100]])
  })

  it('writes a latency as an added delay and an error share as a percentage', () => {
    const [latency, errors] = faultRows(DEFAULT_FAULTS)
    expect(latency!.valueText).toBe('+300\u202fms')
    expect(errors!.valueText).toBe('50\u202f%')
  })
})

describe('nextChoice', () => {
  it('cycles through a flag’s presets and back to the first', () => {
    const { presets } = DEFAULT_FAULTS.slowDatabase!
    expect(nextChoice(presets, 20)).toBe(50)
    expect(nextChoice(presets, 50)).toBe(100)
    expect(nextChoice(presets, 100)).toBe(20)
  })

  it('moves a value set elsewhere to the next choice above it, and leaves a value with no choices alone', () => {
    expect(nextChoice(DEFAULT_FAULTS.drawErrors!.presets, 30)).toBe(50)
    expect(nextChoice([], 7)).toBe(7)
    expect(nextChoice([30, 60, 120], 120)).toBe(30)
  })
})

describe('secondsLeft', () => {
  const now = Date.parse('2026-11-21T10:00:00.000Z')

  it('counts whole seconds until the end, rounding up, and never below zero', () => {
    expect(secondsLeft({ ...stopped, running: true, endsAt: '2026-11-21T10:00:41.200Z' }, now)).toBe(42)
    expect(secondsLeft({ ...stopped, running: true, endsAt: '2026-11-21T09:59:59.000Z' }, now)).toBe(0)
  })

  it('is undefined when no load runs or the end time is unreadable', () => {
    expect(secondsLeft(stopped, now)).toBeUndefined()
    expect(secondsLeft({ ...stopped, running: true, endsAt: 'soon' }, now)).toBeUndefined()
  })
})

describe('loadFigures', () => {
  const now = Date.parse('2026-11-21T10:00:00.000Z')
  const next = { rate: 200, durationSeconds: 60 }
  const values = (load: LoadStatus) => loadFigures(load, next, now).map((figure) => `${figure.label} ${figure.value}${figure.unit}`)

  it('shows the rate asked, the rate achieved and the seconds left of a running load', () => {
    const running = { running: true, rateAsked: 100, rateAchieved: 97.6, endsAt: '2026-11-21T10:00:42.000Z' }
    expect(values(running)).toEqual(['demandé 100/s', 'obtenu 98/s', 'restantes 42\u202fs'])
  })

  it('shows what the next load would ask while none runs', () => {
    expect(values(stopped)).toEqual(['demandé 200/s', 'obtenu 0/s', 'durée 60\u202fs'])
  })
})

describe('nextVersion', () => {
  const replica = (version: string) => ({ name: 'draw64-replica-1', state: 'ready' as const, version, port: 1 })

  it('goes one past the highest version running, even mid-rollout', () => {
    expect(nextVersion([replica('1'), replica('1')])).toBe('2')
    expect(nextVersion([replica('1'), replica('2')])).toBe('3')
  })

  it('starts at 1 with no numbered version', () => {
    expect(nextVersion([])).toBe('1')
    expect(nextVersion([replica('canary')])).toBe('1')
  })
})

describe('replicaErrorMessage', () => {
  it('says in French why the balancer refused a replica action', () => {
    expect(replicaErrorMessage(new DemoControlError(409, 'at most 4 replicas'))).toBe('Quatre répliques au plus')
    expect(replicaErrorMessage(new DemoControlError(409, 'draw64-replica-2 is the last replica running: the demo keeps at least 1'))).toMatch(/dernière réplique/)
    expect(replicaErrorMessage(new DemoControlError(409, 'a rollout to version 2 is under way'))).toBe('Un déploiement est en cours')
    expect(replicaErrorMessage(new DemoControlError(0, 'fetch failed'))).toBe('démo injoignable')
  })
})

describe('autoscalerLine', () => {
  const status = (enabled: boolean, lastDecision: AutoscalerStatus['lastDecision']): AutoscalerStatus => ({ enabled, policy: DEFAULT_POLICY, lastDecision })

  it('says the last decision, how long ago and why, for the room', () => {
    const reason = 'p95 340 ms > 200 ms pendant 10 s → +1 réplique'
    const line = autoscalerLine(status(true, { time: '2026-12-05T10:00:00.000Z', change: 1, reason }), Date.parse('2026-12-05T10:00:12.400Z'))
    expect(line).toBe(`Auto allumé, décision il y a 12\u00a0s\u00a0: ${reason}`)
  })

  it('says whether it is on before any decision, and nothing without an autoscaler', () => {
    expect(autoscalerLine(status(false, null), 0)).toBe('Auto éteint\u00a0: aucune décision encore')
    expect(autoscalerLine(undefined, 0)).toBeUndefined()
  })
})
