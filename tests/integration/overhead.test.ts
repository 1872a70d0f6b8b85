// The overhead lever against a real Draw64: three real Draw64 processes, a real load, figures
// that come back, one load at a time, and nothing left running once it is over or stopped.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { overheadStatusSchema, type OverheadStatus } from '../../lib/wire.ts'
import { json } from '../support/http.ts'

let server: Draw64Process
let url: string
/** What runs under Draw64 on its own (tsx's esbuild service): a run must leave exactly that. */
let resting: number[]

beforeAll(async () => {
  server = await startDraw64()
  url = `${server.baseUrl}/api/demo/overhead`
  resting = ps(server.pid)
})
afterAll(() => server.stop())

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
const status = async (): Promise<OverheadStatus> => overheadStatusSchema.parse(await json(await fetch(url)))

function children(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((child) => child > 0)
  } catch {
    return [] // ps exits 1 when it lists nothing
  }
}

/** Every process under `pid`, its children's children too (Linux `ps`). */
const ps = (pid: number): number[] => children(pid).flatMap((child) => [child, ...ps(child)])

async function settled(): Promise<OverheadStatus> {
  await expect.poll(async () => (await status()).running, { timeout: 25_000, interval: 250 }).toBe(false)
  return status()
}

describe('the overhead measurement (POST /api/demo/overhead)', { timeout: 60_000 }, () => {
  it('refuses bad input with 400 and an attendee with 403, and starts nothing', async () => {
    for (const body of [{}, { ratio: 0 }, { ratio: 2 }, { ratio: '0.1' }, { ratio: 0.1, seconds: 60 }, { ratio: 0.1, seconds: 2.5 }, { ratio: 0.1, extra: 1 }, []]) {
      const response = await post(body)
      expect(response.status, JSON.stringify(body)).toBe(400)
      expect((await json(response)).error).toMatch(/ratio|seconds|unknown field|JSON object/)
    }
    expect((await post({ ratio: 0.1 }, { 'x-forwarded-for': '192.168.1.20' })).status).toBe(403)
    expect((await fetch(url, { headers: { 'x-forwarded-for': '192.168.1.20' } })).status).toBe(403)
    expect(await status()).toMatchObject({ phase: 'idle', running: false })
    expect(ps(server.pid)).toEqual(resting)
  })

  it('measures off, on and sampled side by side from real servers, then leaves nothing running', async () => {
    const started = await post({ ratio: 0.1, seconds: 3 })
    expect(started.status).toBe(202)
    expect(await json(started)).toMatchObject({ phase: 'starting', running: true, ratio: 0.1, seconds: 3 })
    // While it runs, no second load of either kind.
    const again = await post({ ratio: 0.5 })
    expect(again.status).toBe(409)
    expect((await json(again)).error).toMatch(/overhead measurement is already running/)
    const load = await fetch(`${server.baseUrl}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 10, durationSeconds: 5 }) })
    expect(load.status).toBe(409)
    // A worker and its three Draw64 servers, under the demo.
    await expect.poll(() => ps(server.pid).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(resting.length + 4)

    const done = await settled()
    expect(done.error).toBeNull()
    expect(done.phase).toBe('done')
    expect(done.variants.map((entry) => entry.id)).toEqual(['off', 'on', 'sampled'])
    for (const entry of done.variants) {
      expect(entry.failed).toBe(0)
      expect(entry.requests).toBeGreaterThan(100)
      expect(entry.seconds).toBeGreaterThan(0.5)
      expect(entry.requestsPerSecond).toBeCloseTo(entry.requests / entry.seconds, -1)
      expect(entry.p99Ms).toBeGreaterThanOrEqual(entry.p50Ms)
      expect(entry.p50Ms).toBeGreaterThan(0)
      expect(entry.cpuSecondsPer1000).toBeGreaterThan(0)
      expect(entry.rssMiB).toBeGreaterThan(20)
    }
    await expect.poll(() => ps(server.pid), { timeout: 10_000 }).toEqual(resting)
    // The lock is free again: a load may start.
    const after = await fetch(`${server.baseUrl}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 5, durationSeconds: 1 }) })
    expect(after.status).toBe(202)
    await fetch(`${server.baseUrl}/api/demo/load`, { method: 'DELETE' })
  })

  it('is refused while a load runs', async () => {
    await expect.poll(async () => (await json(await fetch(`${server.baseUrl}/api/demo/load`))).running, { timeout: 5000 }).toBe(false)
    expect((await fetch(`${server.baseUrl}/api/demo/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rate: 5, durationSeconds: 30 }) })).status).toBe(202)
    const refused = await post({ ratio: 0.1 })
    expect(refused.status).toBe(409)
    expect((await json(refused)).error).toMatch(/a load is already running/)
    await fetch(`${server.baseUrl}/api/demo/load`, { method: 'DELETE' })
  })

  it('stops on DELETE: the worker and its servers are gone, the figures so far kept', async () => {
    await expect.poll(async () => (await post({ ratio: 0.5, seconds: 12 })).status, { timeout: 5000 }).toBe(202)
    await expect.poll(async () => (await status()).phase, { timeout: 20_000, interval: 200 }).toBe('measuring')
    const stopped = await json(await fetch(url, { method: 'DELETE' }))
    expect(stopped.phase).toBe('stopped')
    const final = await settled()
    expect(final.phase).toBe('stopped')
    await expect.poll(() => ps(server.pid), { timeout: 10_000 }).toEqual(resting)
  })
})
