// What Draw64 exposes by default: loopback only, LAN as an explicit opt-in, no CORS.
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../demo/config.ts'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'

/** Local addresses of the sockets listening on `port`, read from the kernel's table (no traffic sent). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  return ['/proc/net/tcp', '/proc/net/tcp6']
    .filter((table) => existsSync(table))
    .flatMap((table) => readFileSync(table, 'utf8').trim().split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter(([, local, , state]) => state === '0A' && local.endsWith(`:${hexPort}`))
    .map(([, local]) => local.split(':')[0])
}

describe('configuration defaults', () => {
  it('binds the API and /metrics to loopback unless LAN mode is asked for', () => {
    expect(loadConfig({})).toMatchObject({ host: '127.0.0.1', metricsHost: '127.0.0.1', port: 8064, metricsPort: 9464 })
    expect(loadConfig({ DRAW64_LAN: '1' })).toMatchObject({ host: '0.0.0.0', metricsHost: '0.0.0.0' })
  })

  it('refuses a port that is not a port', () => {
    expect(() => loadConfig({ DRAW64_PORT: 'http' })).toThrow('DRAW64_PORT')
  })
})

describe('a server started with the defaults', () => {
  let server: Draw64Process
  beforeAll(async () => {
    // Empty values fall back to the defaults, as if nothing were set.
    server = await startDraw64({ env: { DRAW64_HOST: '', OTEL_EXPORTER_PROMETHEUS_HOST: '' } })
  })
  afterAll(() => server.stop())

  it.runIf(existsSync('/proc/net/tcp'))('listens on 127.0.0.1 only, for the API and for /metrics', () => {
    for (const url of [server.baseUrl, server.metricsUrl]) {
      const addresses = listeningAddresses(Number(new URL(url).port))
      expect(addresses.length, url).toBeGreaterThan(0)
      expect(new Set(addresses), url).toEqual(new Set(['0100007F'])) // 127.0.0.1, little-endian hex
    }
  })

  it('sends no Access-Control-Allow-Origin header, to any origin', async () => {
    const origin = { origin: 'http://attacker.example' }
    for (const path of ['/api/images', '/api/telemetry/spans', '/api/demo/faults', '/healthz']) {
      const response = await fetch(`${server.baseUrl}${path}`, { headers: origin })
      expect(response.headers.get('access-control-allow-origin'), path).toBeNull()
    }
    const preflight = await fetch(`${server.baseUrl}/api/images/x`, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': 'PUT' } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })
})
