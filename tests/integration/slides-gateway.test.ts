// The slides on the LAN (`npm run dev -- --lan`): the room reads and follows the deck through the
// gateway, and changes nothing. Attendees are played as a loopback peer with X-Forwarded-For;
// every request goes to loopback.
import { randomBytes } from 'node:crypto'
import { rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../demo/free-port.ts'
import { GATEWAY_LIMITS } from '../../scripts/slides-gateway.ts'
import { startDev, type DevProcess } from '../../scripts/dev-process.ts'
import { json } from '../support/http.ts'

let dev: DevProcess
let dataDir: string

beforeAll(async () => {
  // Inside the project, as `npm run dev`'s own ./data is.
  dataDir = join('data', `gateway-test-${process.pid}`)
  dev = await startDev(
    {
      DRAW64_PORT: String(await freePort()),
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      DRAW64_DATA_DIR: dataDir,
      // Past the gateway's own limit on requests in flight, so that it is the one that refuses.
      DRAW64_RATE_LIMIT_BURST: String(2 * GATEWAY_LIMITS.requests.perAttendee),
    },
    ['--lan'],
  )
}, 120_000)
afterAll(async () => {
  await dev?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const phone = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` })
const slides = (path: string, init: RequestInit = {}) => fetch(`${dev.slidesUrl}${path}`, init)
const NAV = '/@server-reactive/nav'
const ENV_FILE = `.env.gateway-test-${process.pid}`

/** Vite's WebSocket, as the page opens it (the token is in Vite's client), as someone. */
async function hmrSocket(headers: Record<string, string>): Promise<{ socket: WebSocket; messages: any[] }> {
  const token = /const wsToken = "([^"]+)"/.exec(await (await slides('/@vite/client')).text())![1]
  const socket = new WebSocket(`${dev.slidesUrl.replace('http', 'ws')}/?token=${token}`, { protocols: ['vite-hmr'], headers } as any)
  const messages: any[] = []
  socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data))))
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve)
    socket.addEventListener('error', reject)
  })
  return { socket, messages }
}

describe('the slides through the LAN gateway', () => {
  it('serves the deck to the room', async () => {
    const page = await slides('/', { headers: phone(1) })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="app"')
    const client = await slides('/@vite/client', { headers: phone(1) })
    expect(client.status).toBe(200)
    // A failure the room's requests cause shows on no page as Vite's overlay: not on the projector.
    expect(await client.text()).toMatch(/const enableOverlay = false/)
    expect((await slides('/__slidev/slides/1.json', { headers: phone(1) })).status).toBe(200)
    expect((await slides('/__uno.css', { headers: phone(1) })).status).toBe(200)
    // And Draw64 through the slides' proxy knows the phone as an attendee, not as this machine.
    const control = await slides('/draw64/api/demo/faults', { headers: phone(1) })
    expect(control.status).toBe(403)
  })

  it("refuses the room every write of Slidev's dev server: a slide's text, the shared navigation, MCP, the editor", async () => {
    const attempts: [string, RequestInit][] = [
      ['/__slidev/slides/1.json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
      [NAV, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { page: 3, clicks: 0 } }) }],
      ['/__mcp', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
      ['/__mcp', {}],
      ['/__open-in-editor?file=README.md', {}],
      ['//__OPEN-IN-EDITOR?file=README.md', {}],
      ['/%5F%5Fopen-in-editor?file=README.md', {}],
      ['/__open-in-editor.x?file=README.md', {}],
    ]
    for (const [path, init] of attempts) {
      const answer = await slides(path, { ...init, headers: { ...phone(2), ...(init.headers as Record<string, string>) } })
      expect(answer.status, path).toBe(403)
      expect((await json(answer)).error).toMatch(/speaker's only/)
    }
  })

  it('refuses what connect or UnoCSS would act on however it is written: absolute targets, bodies on reads, the devtools endpoint', async () => {
    const host = new URL(dev.slidesUrl).host
    const attempts = [
      `GET http://${host}/__open-in-editor?file=package.json HTTP/1.1\r\nHost: ${host}\r\n`,
      `GET /@unocss-devtools-update HTTP/1.1\r\nHost: ${host}\r\n`,
      `GET /__uno.css HTTP/1.1\r\nHost: ${host}\r\ncontent-length: 2\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\r\ntransfer-encoding: chunked\r\n`,
    ]
    for (const head of attempts) expect(await statusOf(`${head}x-forwarded-for: 198.51.100.2\r\n\r\n`), head).toBe(403)
    const tooLong = await slides(`/lib/demo-endpoints.ts?${'x'.repeat(4096)}`, { headers: phone(2) })
    expect(tooLong.status).toBe(403)
  })

  it('serves the room only what the deck loads from the project: not the server, the scripts, the tests or .git', async () => {
    for (const path of ['/demo/domain/board.js', '/components/LiveTraces.vue', '/lib/demo-endpoints.ts']) {
      expect((await slides(path, { headers: phone(10) })).status, path).toBe(200)
    }
    const project = resolve('.')
    const elsewhere = [
      ...['/demo/logger.ts', '/demo/control/load-generator.ts', '/scripts/stack.ts', '/scripts/dev', '/tests/support/http.ts', '/package.json', '/.git/config'],
      // Other spellings of the same, and Vite's own prefixes for modules.
      ...['/components/../demo/logger.ts', `/@fs${project}/demo/logger.ts`, '/@id/./demo/logger.ts', '/@id/%2E/demo/logger.ts', `/@id/${project}/demo/logger.ts`],
      // A package the deck does not use (Vite would bundle it, then reload every page), a source map.
      ...['/@id/zod', '/node_modules/zod/package.json', '/node_modules/.vite/deps/vue.js.map'],
      // Slidev's type loader walks any folder it is given, and serves what it finds.
      '/@slidev-monaco-types/load?root=/tmp&name=x',
    ]
    for (const path of elsewhere) {
      expect((await slides(path, { headers: phone(10) })).status, path).toBe(403)
    }
    // And nobody, the speaker included, gets what Vite keeps back by default: .git, keys, .env.
    writeFileSync(ENV_FILE, 'SECRET=1\n')
    try {
      for (const path of ['/.git/config', `/${ENV_FILE}`]) expect((await slides(path)).status, path).toBe(403)
    } finally {
      rmSync(ENV_FILE)
    }
  })

  it('answers 429 past an attendee’s rate of requests', async () => {
    let refused: Response | undefined
    for (let n = 0; n < 1200 && !refused; n += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => slides('/favicon.svg', { method: 'HEAD', headers: phone(11) })))
      refused = answers.find((answer) => answer.status === 429)
    }
    expect(refused?.headers.get('content-type')).toMatch(/json/)
    expect((await slides('/favicon.svg', { method: 'HEAD', headers: phone(12) })).status).toBe(200)
  })

  it("serves nobody Draw64's data folder, which sits inside the project Vite serves", async () => {
    expect((await slides('/draw64/api/images', { method: 'POST', headers: phone(3) })).status).toBe(201)
    for (const file of ['draw64.sqlite', 'draw64.log', 'client-id.key']) {
      for (const headers of [phone(3), {}]) {
        expect((await slides(`/${dataDir}/${file}`, { headers })).status, file).toBe(403)
        expect((await slides(`/@fs${resolve(dataDir)}/${file}`, { headers })).status, file).toBe(403)
      }
    }
  })

  it("lets the room follow the speaker's slides on the WebSocket", async () => {
    const room = await hmrSocket(phone(4))
    try {
      const moved = await slides(NAV, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { page: 2, clicks: 0, lastUpdate: { id: 'test', type: 'presenter', time: Date.now() } } }) })
      expect(moved.status).toBe(200)
      await expect.poll(() => room.messages.some((message) => message.event === 'vue-server-ref' && message.data.key === 'nav' && message.data.data.page === 2), { timeout: 5000 }).toBe(true)
    } finally {
      room.socket.close()
    }
  })

  it("sends no page the failures the room's requests cause: Vite's error messages stay in the terminal", async () => {
    const speaker = await hmrSocket({})
    try {
      for (let n = 0; n < 5; n++) {
        const failed = await slides(`/components/QrCode.vue?vue&type=style&index=9&lang.css&n=${n}`, { headers: phone(14) })
        expect(failed.status).toBe(500)
      }
      await new Promise((resolve) => setTimeout(resolve, 1000))
      expect(speaker.messages.filter((message) => message.type === 'error')).toEqual([])
    } finally {
      speaker.socket.close()
    }
  })

  it('drops what the room sends on the WebSocket: a ping reaches Slidev from the speaker only', async () => {
    const token = /const wsToken = "([^"]+)"/.exec(await (await slides('/@vite/client')).text())![1]
    const pongs = await Promise.all([{}, phone(7)].map((headers) => pongAfterPing(new URL(dev.slidesUrl), token, headers)))
    expect(pongs).toEqual([true, false])
  })

  it('holds each attendee to so many requests in flight: a phone that never finishes its uploads gets 429 past them', async () => {
    const url = new URL(dev.slidesUrl)
    const hanging = await Promise.all(Array.from({ length: GATEWAY_LIMITS.requests.perAttendee }, async () => {
      const socket = connect(Number(url.port), url.hostname)
      await once(socket, 'connect')
      // Through the slides' proxy to Draw64, which waits for the rest of a body that never comes.
      socket.write(`PUT /draw64/api/images/x HTTP/1.1\r\nHost: ${url.host}\r\nx-forwarded-for: 198.51.100.8\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{`)
      return socket
    }))
    try {
      // Their headers are read as they arrive; nothing else of this phone's is in flight.
      await new Promise((resolve) => setTimeout(resolve, 500))
      const refused = await slides('/', { headers: phone(8) })
      expect(refused.status).toBe(429)
      expect((await json(refused)).error).toContain(`already holds ${GATEWAY_LIMITS.requests.perAttendee} requests in flight`)
      expect((await slides('/', { headers: phone(9) })).status).toBe(200)
    } finally {
      for (const socket of hanging) socket.destroy()
    }
    await expect.poll(async () => (await slides('/', { headers: phone(8) })).status, { timeout: 5000 }).toBe(200)
  })

  it('holds each attendee to a few WebSockets, each freed when the attendee leaves, and to Vite’s own', async () => {
    const open: WebSocket[] = []
    try {
      for (let n = 0; n < GATEWAY_LIMITS.sockets.perAttendee; n++) open.push((await hmrSocket(phone(5))).socket)
      await expect(hmrSocket(phone(5))).rejects.toBeTruthy()
      open.push((await hmrSocket(phone(6))).socket)
    } finally {
      for (const socket of open) socket.close()
    }
    // A phone reloading: its side closes, and its place is free again at once.
    const host = new URL(dev.slidesUrl).host
    const token = /const wsToken = "([^"]+)"/.exec(await (await slides('/@vite/client')).text())![1]
    const upgrade = (protocol: string) =>
      `GET /?token=${token} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\nx-forwarded-for: 198.51.100.13\r\n\r\n`
    for (let n = 0; n < 3 * GATEWAY_LIMITS.sockets.perAttendee; n++) expect(await statusOf(upgrade('vite-hmr'))).toBe(101)
    expect(await statusOf(upgrade('something-else'))).toBe(403)
  })
})

/**
 * A WebSocket opened by hand, to send what a browser cannot: a ping frame, which the server
 * answers with a pong if it ever receives it. Resolves whether a pong came back within a second.
 */
function pongAfterPing(url: URL, token: string, headers: Record<string, string>): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname)
    let received = Buffer.alloc(0)
    let upgraded = false
    socket.on('error', reject)
    socket.on('connect', () => {
      const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
      socket.write(
        `GET /?token=${token} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: vite-hmr\r\n${extra}\r\n`,
      )
    })
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n')
        if (end < 0) return
        if (!received.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return reject(new Error(received.toString()))
        upgraded = true
        received = received.subarray(end + 4)
        // FIN + ping, masked (as every client frame must be), payload "ping".
        const mask = randomBytes(4)
        const payload = Buffer.from('ping').map((byte, i) => byte ^ mask[i % 4])
        socket.write(Buffer.concat([Buffer.from([0x89, 0x80 | payload.length]), mask, payload]))
        setTimeout(() => {
          socket.destroy()
          resolve(false)
        }, 1000)
      }
      if (upgraded && hasPong(received)) {
        socket.destroy()
        resolve(true)
      }
    })
  })
}

/** Walks the server's (unmasked, short) frames for a pong. */
function hasPong(frames: Buffer): boolean {
  let at = 0
  while (at + 2 <= frames.length) {
    const opcode = frames[at]! & 0x0f
    let length = frames[at + 1]! & 0x7f
    let header = 2
    if (length === 126) {
      if (at + 4 > frames.length) return false
      length = frames.readUInt16BE(at + 2)
      header = 4
    }
    if (opcode === 0x0a) return true
    at += header + length
  }
  return false
}

/** Sends a raw request head, half-closes, and resolves with the status code of the answer. */
function statusOf(head: string): Promise<number> {
  const url = new URL(dev.slidesUrl)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(head))
    socket.once('data', (chunk: Buffer) => {
      resolve(Number(chunk.toString().split(' ')[1]))
      socket.end()
    })
    socket.on('error', reject)
  })
}
