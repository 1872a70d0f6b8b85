// Nothing of the HA topology outlives its balancer: stopped politely, and promptly, or killed
// with SIGKILL (the replicas then learn it from their IPC channel closing).
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startDraw64 } from '../../demo/draw64-process.ts'
import { freePort } from '../../demo/free-port.ts'
import { spawnDraw64 } from '../../demo/ha/draw64-command.ts'
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

  it('stops cleanly on SIGTERM while its first replica is still starting: exit 0, no failure logged', async () => {
    const port = await freePort()
    const child = spawnDraw64(['--replicas', '1'], {
      env: {
        ...process.env,
        DRAW64_PORT: String(port),
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
        DRAW64_DATA_DIR: mkdtempSync(join(tmpdir(), 'draw64-test-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = once(child, 'exit')
    // The balancer answers /healthz at once; /readyz says 503 until its replica is ready.
    await expect.poll(() => fetch(`http://127.0.0.1:${port}/healthz`).then((answer) => answer.ok, () => false), { timeout: 20_000, interval: 20 }).toBe(true)
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503)
    child.kill('SIGTERM')
    const [code] = await exited
    expect(code).toBe(0)
    expect(output).not.toMatch(/did not (start|get ready)/)
  }, 60_000)
})
