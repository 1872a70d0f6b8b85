import { describe, expect, it } from 'vitest'
import { DEFAULT_FAULTS } from '../../lib/control-panel.ts'
import { createDemoControlApi, DemoControlError } from '../../lib/demo-control-api.ts'
import type { LoadStatus } from '../../lib/wire.ts'

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
    expect(await createDemoControlApi({ fetcher }).faults()).toEqual(DEFAULT_FAULTS)
    expect(calls[0]!.url).toBe('/draw64/api/demo/faults')
  })

  it('switches a flag with a JSON PUT of enabled and value, and returns the flag', async () => {
    const flag = { ...DEFAULT_FAULTS.slowDatabase!, enabled: true, value: 200 }
    const { calls, fetcher } = fakeFetch(200, { fault: flag })
    expect(await createDemoControlApi({ fetcher }).setFault('slowDatabase', { enabled: true, value: 200 })).toEqual(flag)
    expect(calls[0]!.url).toBe('/draw64/api/demo/faults/slowDatabase')
    expect(calls[0]!.init?.method).toBe('PUT')
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ enabled: true, value: 200 })
    expect(calls[0]!.init?.headers).toEqual({ 'content-type': 'application/json' })
  })

  it('starts the load with a POST of rate and duration, and stops it with a DELETE', async () => {
    const { calls, fetcher } = fakeFetch(202, { ...stopped, running: true, rateAsked: 100 })
    const api = createDemoControlApi({ fetcher })
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
    const error = await createDemoControlApi({ fetcher }).load().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DemoControlError)
    expect(error).toMatchObject({ status: 403, message: 'demo control is local only', forbidden: true })
  })

  it('throws status 0 when the demo cannot be reached', async () => {
    const api = createDemoControlApi({ fetcher: async () => Promise.reject(new TypeError('fetch failed')) })
    await expect(api.faults()).rejects.toMatchObject({ status: 0 })
  })

  it('refuses an answer that is not the shape the server promises, rather than casting it', async () => {
    const { fetcher } = fakeFetch(200, { running: 'yes' })
    await expect(createDemoControlApi({ fetcher }).load()).rejects.toBeInstanceOf(DemoControlError)
  })

  it('reaches a demo at another base, as the scripts do', async () => {
    const { calls, fetcher } = fakeFetch(200, stopped)
    await createDemoControlApi({ base: 'http://127.0.0.1:8064', fetcher }).load()
    expect(calls[0]!.url).toBe('http://127.0.0.1:8064/api/demo/load')
  })
})

describe('stopLoadOnUnload', () => {
  it('sends a DELETE that outlives the page (keepalive), ignoring failures', async () => {
    const calls: Call[] = []
    createDemoControlApi({
      fetcher: async (url, init) => {
        calls.push({ url, init })
        throw new TypeError('page gone')
      },
    }).stopLoadOnUnload()
    await Promise.resolve()
    expect(calls).toEqual([{ url: '/draw64/api/demo/load', init: { method: 'DELETE', keepalive: true } }])
  })
})
