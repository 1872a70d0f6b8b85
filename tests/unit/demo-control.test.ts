import { describe, expect, it } from 'vitest'
import {
  createDemoControlApi, DEFAULT_FAULTS, DemoControlError, errorMessage, faultRows, loadFigures, nextChoice, nextPreset, secondsLeft,
  stopLoadOnUnload, type LoadStatus,
} from '../../lib/demo-control.ts'

interface Call {
  url: string
  init?: RequestInit
}

/** A fetch that records its calls and answers with the given status and JSON body. */
function fakeFetch(status: number, body: unknown) {
  const calls: Call[] = []
  const fetcher = async (url: string, init?: RequestInit) => {
    calls.push({ url, init })
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  }
  return { calls, fetcher }
}

const stopped: LoadStatus = { running: false, rateAsked: 0, rateAchieved: 0, endsAt: null }

describe('createDemoControlApi', () => {
  it('reads the flags through the slides’ proxy', async () => {
    const { calls, fetcher } = fakeFetch(200, { faults: DEFAULT_FAULTS })
    expect(await createDemoControlApi(fetcher).faults()).toEqual(DEFAULT_FAULTS)
    expect(calls[0]!.url).toBe('/draw64/api/demo/faults')
  })

  it('switches a flag with a JSON PUT of enabled and value, and returns the flag', async () => {
    const flag = { enabled: true, value: 200, unit: 'ms' }
    const { calls, fetcher } = fakeFetch(200, { fault: flag })
    expect(await createDemoControlApi(fetcher).setFault('slowDatabase', { enabled: true, value: 200 })).toEqual(flag)
    expect(calls[0]!.url).toBe('/draw64/api/demo/faults/slowDatabase')
    expect(calls[0]!.init?.method).toBe('PUT')
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ enabled: true, value: 200 })
    expect(calls[0]!.init?.headers).toEqual({ 'content-type': 'application/json' })
  })

  it('starts the load with a POST of rate and duration, and stops it with a DELETE', async () => {
    const { calls, fetcher } = fakeFetch(202, { ...stopped, running: true, rateAsked: 100 })
    const api = createDemoControlApi(fetcher)
    expect((await api.startLoad({ rate: 100, durationSeconds: 60 })).rateAsked).toBe(100)
    await api.stopLoad()
    expect(calls.map((call) => [call.init?.method, call.url])).toEqual([
      ['POST', '/draw64/api/demo/load'],
      ['DELETE', '/draw64/api/demo/load'],
    ])
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ rate: 100, durationSeconds: 60 })
  })

  it('throws the status and the server’s error message of a refused call', async () => {
    const { fetcher } = fakeFetch(403, { error: 'demo control is local only' })
    const error = await createDemoControlApi(fetcher).load().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DemoControlError)
    expect(error).toMatchObject({ status: 403, message: 'demo control is local only', forbidden: true })
  })

  it('throws status 0 when the demo cannot be reached', async () => {
    const api = createDemoControlApi(async () => Promise.reject(new TypeError('fetch failed')))
    await expect(api.faults()).rejects.toMatchObject({ status: 0 })
  })
})

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
  it('lists the known flags in a fixed order with a French description, then the others', () => {
    const rows = faultRows({ zeta: { enabled: false, value: 1, unit: 'ms', description: 'new flag' }, ...DEFAULT_FAULTS })
    expect(rows.map((row) => row.name)).toEqual(['drawLatency', 'drawErrors', 'slowDatabase', 'zeta'])
    expect(rows[2]!.description).toMatch(/SQLite/)
    expect(rows[3]!.description).toBe('new flag')
  })

  it('writes a latency as an added delay and an error share as a percentage', () => {
    const [latency, errors] = faultRows(DEFAULT_FAULTS)
    expect(latency!.valueText).toBe('+300\u202fms')
    expect(errors!.valueText).toBe('50\u202f%')
  })
})

describe('nextPreset and nextChoice', () => {
  it('cycles through a flag’s presets and back to the first', () => {
    expect(nextPreset('slowDatabase', 20)).toBe(50)
    expect(nextPreset('slowDatabase', 50)).toBe(100)
    expect(nextPreset('slowDatabase', 100)).toBe(20)
  })

  it('moves a value set elsewhere to the next preset above it, and leaves an unknown flag alone', () => {
    expect(nextPreset('drawErrors', 30)).toBe(50)
    expect(nextPreset('unknownFlag', 7)).toBe(7)
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

describe('stopLoadOnUnload', () => {
  it('sends a DELETE that outlives the page (keepalive), ignoring failures', async () => {
    const calls: Call[] = []
    stopLoadOnUnload(async (url, init) => {
      calls.push({ url, init })
      throw new TypeError('page gone')
    })
    await Promise.resolve()
    expect(calls).toEqual([{ url: '/draw64/api/demo/load', init: { method: 'DELETE', keepalive: true } }])
  })
})
