// The room's way into the slides in LAN mode (`npm run dev -- --lan`). Slidev's dev server is
// made for one trusted machine: any client may POST a slide's new text (saved to slides.md and
// shown on the projector at once), move everyone's slides (its shared navigation state), call
// its MCP tools, open files in the speaker's editor, and send on its WebSocket. So Slidev
// listens on loopback only, and this gateway serves the LAN in front of it. The speaker's
// machine passes through untouched. An attendee may read what a deck asks for and receive on
// the WebSocket, which is all following the deck takes, and reach Draw64 through the slides'
// proxy as on its own port: Draw64 budgets and checks every request itself. Hand-made on
// node:http: no proxy library passes a WebSocket in one direction only.
import { readdirSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { join, posix } from 'node:path'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { clientIdentity, forwardedFor } from '../demo/http/client-address.ts'
import { createRateLimiter } from '../demo/http/rate-limit.ts'
import { DRAW64_PROXY_PATH, METRICS_PROXY_PATH } from '../lib/demo-endpoints.ts'

const READS = new Set(['GET', 'HEAD'])
// A deck's module URLs are short; a long one only grows Vite's module graph.
const MAX_URL_LENGTH = 2048
const PROJECT = fileURLToPath(new URL('..', import.meta.url))
const PROJECT_ENTRIES = new Set(readdirSync(PROJECT))
/**
 * What a deck asks the slides' server for, measured: every request of the play, presenter,
 * print and overview views (the audience browser test loads the print view as the room, and
 * fails on any refusal). Nothing else is the room's. Vite compiles what it serves on request:
 * the server's code or a package the deck does not use makes it bundle dependencies again and
 * reload every page, the projector's too, and some of Slidev's own endpoints act on a GET
 * (opening a file in the speaker's editor, MCP tools, UnoCSS's devtools, a type loader that
 * walks any folder it is given).
 */
const DECK_PATHS = [
  /^\/node_modules\/(\.vite|\.slidev|@slidev|@vue|vue|mermaid|@shikijs|markdown-it-github-alerts|@antfu|@unocss|vite|vite-plugin-vue-server-ref|klona|uplot)\//,
  /^\/(pages|components|composables|lib)\/[^/]/,
  /^\/global-bottom\.vue$/,
  /^\/slides\.md__slidev_\d+\.(md|frontmatter)$/,
  /^\/demo\/(domain|web)\/[\w-]+\.js$/,
  /^\/demo\/control\/faults\.ts$/,
  /^\/@(vite|slidev|server-reactive|server-ref)\//,
  /^\/@id\/(__x00__|~icons\/)/,
  /^\/__slidev\/slides\/\d+\.json$/,
  /^\/__uno(_[a-z]+)?\.css$/,
]
// The public folder is served from the root.
const PUBLIC_ENTRIES = new Set(readdirSync(join(PROJECT, 'public')))
const HANDSHAKE_TIMEOUT_MS = 5000
/** Requests per attendee: a deck's first load is some 500 of them, in a few seconds. */
const ATTENDEE_RATE = { perSecond: 50, burst: 1000 }

// Headers that describe one hop, not the message: each side of the gateway has its own.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']

/**
 * What the room may hold open through the gateway at once. WebSockets: a deck holds one; a
 * phone, a few tabs. Requests in flight: a browser loads a page on six connections at most.
 */
export const GATEWAY_LIMITS = {
  sockets: { perAttendee: 4, attendees: 500 },
  requests: { perAttendee: 32, attendees: 2000 },
}

type Hold = { release: () => void } | { status: 429 | 503; error: string }

/** Counts what each attendee holds open at once, and the room in all; past a limit, why not. */
function holdCounter(limits: { perAttendee: number; attendees: number }, what: string): (client: string) => Hold {
  const heldBy = new Map<string, number>()
  let held = 0
  return (client) => {
    const mine = heldBy.get(client) ?? 0
    if (mine >= limits.perAttendee) return { status: 429, error: `client ${client} already holds ${mine} ${what} to the slides` }
    if (held >= limits.attendees) return { status: 503, error: `the room holds as many ${what} to the slides as it may` }
    heldBy.set(client, mine + 1)
    held += 1
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        held -= 1
        const left = (heldBy.get(client) ?? 1) - 1
        if (left > 0) heldBy.set(client, left)
        else heldBy.delete(client)
      },
    }
  }
}

/** A path the deck asks for: one of DECK_PATHS, a public file, or one of Slidev's routes (`/3`, `/presenter/3`). */
function isDeckPath(path: string): boolean {
  // Vite serves a project file as /@fs/<absolute path> too.
  if (path.startsWith('/@fs/')) return path.startsWith(`/@fs${PROJECT}`) && isDeckPath(path.slice(`/@fs${PROJECT}`.length - 1))
  if (path.endsWith('.map')) return false
  if (DECK_PATHS.some((pattern) => pattern.test(path))) return true
  const [first = '', ...rest] = path.slice(1).split('/')
  if (PUBLIC_ENTRIES.has(first)) return true
  // A route: words of letters, digits and dashes (not Vite's `@` or `__` prefixes), naming no file
  // of the project (Vite would resolve /scripts/dev to scripts/dev.ts).
  const segment = /^([a-z0-9][\w-]*)?$/i
  return segment.test(first) && !PROJECT_ENTRIES.has(first) && rest.every((each) => segment.test(each))
}

/** Why an attendee may not send this request, or undefined. */
function refusal(request: http.IncomingMessage): string | undefined {
  const target = request.url ?? ''
  // Origin form only: connect routes an absolute URL (http://host/__open-in-editor) by its path.
  if (!target.startsWith('/')) return 'the request target must be a path'
  // As Vite's proxy matches them: on the URL as sent, before any of Slidev's handlers.
  const rawPath = target.split('?', 1)[0]
  if (rawPath.startsWith(`${DRAW64_PROXY_PATH}/`) || rawPath.startsWith(METRICS_PROXY_PATH)) return undefined
  if (!READS.has(request.method ?? '')) return `${request.method} is the speaker's only: the room reads the slides`
  if (request.headers['transfer-encoding'] || Number(request.headers['content-length'] ?? 0) > 0) return 'a read carries no body'
  if (target.length > MAX_URL_LENGTH) return `the URL is longer than ${MAX_URL_LENGTH} characters`
  let path: string
  try {
    path = posix.normalize(decodeURIComponent(rawPath))
  } catch {
    return 'the URL is not correctly percent-encoded'
  }
  if (!isDeckPath(path)) return `${path} is the speaker's only`
  return undefined
}

function forwardedHeaders(request: http.IncomingMessage): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...request.headers, 'x-forwarded-for': forwardedFor(request) }
  for (const name of HOP_BY_HOP) delete headers[name]
  return headers
}

function refuseHttp(response: http.ServerResponse, status: number, error: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
  response.end(JSON.stringify({ error }))
}

/** A refused upgrade is answered on the raw socket: there is no ServerResponse for it. */
function refuseUpgrade(socket: Duplex, status: number, error: string): void {
  const body = JSON.stringify({ error })
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
}

/** Listens on host:port and forwards to Slidev at target (loopback); resolves once listening. */
export function startSlidesGateway(host: string, port: number, target: { host: string; port: number }): Promise<void> {
  const holdSocket = holdCounter(GATEWAY_LIMITS.sockets, 'WebSockets')
  const holdRequest = holdCounter(GATEWAY_LIMITS.requests, 'requests in flight')
  const rate = createRateLimiter(ATTENDEE_RATE)

  /** Why not, for an attendee's request: its rate, then what it asks. */
  function check(client: string, request: http.IncomingMessage): { status: number; error: string } | undefined {
    const decision = rate.take(client)
    if (!decision.allowed) return { status: 429, error: `too many requests from client ${client}: at most ${ATTENDEE_RATE.perSecond} a second (bursts of ${ATTENDEE_RATE.burst}); retry in ${decision.retryAfterSeconds} s` }
    const refused = refusal(request)
    return refused ? { status: 403, error: refused } : undefined
  }

  const server = http.createServer((request, response) => {
    const client = clientIdentity(request)
    if (client.kind === 'attendee') {
      const refused = check(client.id, request)
      const hold = refused ?? holdRequest(client.id)
      if (!('release' in hold)) {
        request.resume()
        return refuseHttp(response, hold.status, hold.error)
      }
      response.once('close', hold.release)
    }
    const upstream = http.request({ ...target, method: request.method, path: request.url, headers: forwardedHeaders(request) }, (answer) => {
      const headers = { ...answer.headers }
      for (const name of HOP_BY_HOP) delete headers[name]
      response.writeHead(answer.statusCode ?? 502, headers)
      answer.pipe(response)
    })
    upstream.on('error', () => (response.headersSent ? response.destroy() : refuseHttp(response, 502, 'the slides server does not answer')))
    response.on('close', () => upstream.destroy())
    request.pipe(upstream)
  })

  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const client = clientIdentity(request)
    const fromRoom = client.kind === 'attendee'
    if (fromRoom) {
      // Vite's own WebSocket only, at /: Vite leaves any other upgrade open, unanswered.
      const notVite = !/^\/(\?|$)/.test(request.url ?? '') || !/\bvite-hmr\b/.test(String(request.headers['sec-websocket-protocol'] ?? ''))
      const refused = notVite ? { status: 403, error: "only the slides' own WebSocket" } : check(client.id, request)
      const hold = refused ?? holdSocket(client.id)
      if (!('release' in hold)) return refuseUpgrade(socket, hold.status, hold.error)
      socket.once('close', hold.release)
      // The attendee's side half-closed (a reload, a tab closed): nothing more will come from it.
      socket.once('end', () => socket.destroy())
    }
    const upstream = net.connect(target.port, target.host, () => {
      const headers = Object.entries({ ...request.headers, 'x-forwarded-for': forwardedFor(request) })
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}\r\n`)
        .join('')
      upstream.write(`${request.method} ${request.url} HTTP/1.1\r\n${headers}\r\n`)
      // An upgrade Slidev does not answer at once is not one it serves.
      const unanswered = setTimeout(() => socket.destroy(), HANDSHAKE_TIMEOUT_MS)
      upstream.once('data', () => clearTimeout(unanswered))
      upstream.pipe(socket)
      if (fromRoom) {
        // What an attendee's deck sends on its WebSocket goes nowhere; what Slidev sends
        // (navigation, reloads) reaches it.
        socket.resume()
      } else {
        if (head.length > 0) upstream.write(head)
        socket.pipe(upstream)
      }
    })
    upstream.on('error', () => socket.destroy())
    socket.on('close', () => upstream.destroy())
    upstream.on('close', () => socket.destroy())
  })

  server.headersTimeout = 10_000
  server.requestTimeout = 60_000
  // It lives as long as the dev command: nothing closes it but the process leaving.
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
}
