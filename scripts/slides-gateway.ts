// The room's way into the slides in LAN mode (`npm run dev -- --lan`). Slidev's dev server is
// made for one trusted machine: any client may POST a slide's new text (saved to slides.md and
// shown on the projector at once), move everyone's slides (its shared navigation state), call
// its MCP tools, open files in the speaker's editor, and send on its WebSocket. So Slidev
// listens on loopback only, and this gateway serves the LAN in front of it. The speaker's
// machine passes through untouched. An attendee may read (GET, HEAD) and receive on the
// WebSocket, which is all following the deck takes, and reach Draw64 through the slides' proxy
// as they would on its own port: Draw64 budgets and checks every request itself. Hand-made on
// node:http: no proxy library passes a WebSocket in one direction only.
import http from 'node:http'
import net from 'node:net'
import type { Duplex } from 'node:stream'
import { clientIdentity, forwardedFor } from '../demo/http/client-address.ts'
import { DRAW64_PROXY_PATH, METRICS_PROXY_PATH } from '../lib/demo-endpoints.ts'

const READS = new Set(['GET', 'HEAD'])
// The endpoints of Vite and Slidev that act on a GET: open a file in the speaker's editor, and
// Slidev's MCP server (its tools move the slides). Matched as connect matches its routes, by a
// case-insensitive prefix.
const ACTING_ON_GET = /^\/(__open-in-editor|__mcp)([/.]|$)/i
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

export interface SlidesGateway {
  close(): Promise<void>
}

/** Why an attendee may not send this request, or undefined: the speaker's machine may send anything. */
function refusal(request: http.IncomingMessage): string | undefined {
  if (clientIdentity(request).kind === 'speaker') return undefined
  // As Vite's proxy matches them: on the URL as sent, before any of Slidev's handlers.
  let path = (request.url ?? '/').split('?', 1)[0]
  if (path.startsWith(`${DRAW64_PROXY_PATH}/`) || path.startsWith(METRICS_PROXY_PATH)) return undefined
  if (!READS.has(request.method ?? '')) return `${request.method} is the speaker's only: the room reads the slides`
  try {
    path = decodeURIComponent(path)
  } catch {
    return 'the URL is not correctly percent-encoded'
  }
  if (ACTING_ON_GET.test(path.replace(/\/{2,}/g, '/'))) return `${path} is the speaker's only`
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

/** Listens on host:port and forwards to Slidev at target (loopback). */
export function startSlidesGateway(host: string, port: number, target: { host: string; port: number }): Promise<SlidesGateway> {
  const holdSocket = holdCounter(GATEWAY_LIMITS.sockets, 'WebSockets')
  const holdRequest = holdCounter(GATEWAY_LIMITS.requests, 'requests in flight')

  const server = http.createServer((request, response) => {
    const refused = refusal(request)
    if (refused) {
      request.resume()
      return refuseHttp(response, 403, refused)
    }
    const client = clientIdentity(request)
    if (client.kind === 'attendee') {
      const hold = holdRequest(client.id)
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
    const refused = refusal(request)
    if (refused) return refuseUpgrade(socket, 403, refused)
    const client = clientIdentity(request)
    const fromRoom = client.kind === 'attendee'
    if (fromRoom) {
      const hold = holdSocket(client.id)
      if (!('release' in hold)) return refuseUpgrade(socket, hold.status, hold.error)
      socket.once('close', hold.release)
    }
    const upstream = net.connect(target.port, target.host, () => {
      const headers = Object.entries({ ...request.headers, 'x-forwarded-for': forwardedFor(request) })
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}\r\n`)
        .join('')
      upstream.write(`${request.method} ${request.url} HTTP/1.1\r\n${headers}\r\n`)
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
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () =>
      resolve({
        close: () =>
          new Promise((closed) => {
            server.close(() => closed())
            server.closeAllConnections()
          }),
      }),
    )
  })
}
