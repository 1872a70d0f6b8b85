// Nothing of the HA topology outlives its balancer: stopped politely, and promptly, or killed
// with SIGKILL (the replicas then learn it from their IPC channel closing).
import { describe, expect, it } from 'vitest'
import { startDraw64 } from '../../demo/draw64-process.ts'
import { json } from '../support/http.ts'

async function answering(ports: number[]): Promise<number[]> {
  const alive = await Promise.all(ports.map((port) => fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false)))
  return ports.filter((_, i) => alive[i])
}

describe('HA shutdown', () => {
  it('stops a balancer and its replicas on SIGTERM without waiting for the 3 s cut-off', async () => {
    const balancer = await startDraw64({ args: ['--replicas', '2'] })
    const ports: number[] = (await json(await fetch(`${balancer.baseUrl}/api/demo/replicas`))).replicas.map((replica: { port: number }) => replica.port)
    const stopping = performance.now()
    await balancer.stop()
    // The balancer's server receives the replicas' last telemetry: closed before they had left,
    // it made their exporters retry until every process was cut off at 3 s.
    expect(performance.now() - stopping).toBeLessThan(2000)
    expect(await answering(ports)).toEqual([])
  }, 60_000)

  it('takes the replicas down with a balancer killed by SIGKILL', async () => {
    const balancer = await startDraw64({ args: ['--replicas', '2'] })
    const ports: number[] = (await json(await fetch(`${balancer.baseUrl}/api/demo/replicas`))).replicas.map((replica: { port: number }) => replica.port)
    expect(await answering(ports)).toEqual(ports)
    await balancer.kill()
    await expect.poll(() => answering(ports), { timeout: 10_000, interval: 250 }).toEqual([])
  }, 60_000)
})
