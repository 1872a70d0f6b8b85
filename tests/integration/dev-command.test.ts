import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startDev } from '../../scripts/dev-process.ts'
import { freePort } from '../../demo/free-port.ts'

async function startDevOnFreePorts() {
  const draw64Port = await freePort()
  const dev = await startDev({
    DRAW64_PORT: String(draw64Port),
    OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
    DRAW64_DATA_DIR: mkdtempSync(join(tmpdir(), 'draw64-dev-')),
  })
  return { dev, draw64Port }
}

describe('npm run dev', () => {
  it('starts Draw64 and the slides, proxies the demo same-origin, and stops both on one Ctrl-C', async () => {
    const { dev, draw64Port } = await startDevOnFreePorts()
    try {
      expect((await fetch(`http://127.0.0.1:${draw64Port}/healthz`)).ok).toBe(true)
      expect(await (await fetch(`${dev.slidesUrl}/draw64/healthz`)).json()).toEqual({ status: 'ok' })
      expect(await (await fetch(`${dev.slidesUrl}/draw64-metrics`)).text()).toContain('# TYPE target_info gauge')
      expect(dev.output()).toContain(`Draw64    http://127.0.0.1:${draw64Port}/`)
    } finally {
      await dev.stop()
    }
    await expect(fetch(`http://127.0.0.1:${draw64Port}/healthz`)).rejects.toThrow()
    await expect(fetch(dev.slidesUrl)).rejects.toThrow()
  }, 120_000)

  it('leaves nothing running when the dev command itself is killed with SIGKILL: Draw64, its replica and Slidev go too', async () => {
    const { dev, draw64Port } = await startDevOnFreePorts()
    const replica = (await (await fetch(`http://127.0.0.1:${draw64Port}/api/demo/replicas`)).json()).replicas[0]
    await dev.kill()
    const gone = (url: string) => fetch(url).then(() => false, () => true)
    for (const url of [`http://127.0.0.1:${draw64Port}/healthz`, `http://127.0.0.1:${replica.port}/healthz`, dev.slidesUrl]) {
      await expect.poll(() => gone(url), { timeout: 10_000, interval: 200 }).toBe(true)
    }
  }, 120_000)
})
