// Who is asking: the one place that reads X-Forwarded-For. Only proxies on this machine (the
// slides' Vite proxy, the HA balancer) are trusted to forward it; anyone else could write
// whatever they like in it.
import { createHmac, randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'

const IPV4_MAPPED = /^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/

export function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address)
}

/**
 * The address of the client at the origin of the request: walking the forwarded chain from the
 * right, the first address that is not a local proxy. A client may prepend anything to the
 * header, but the entry a local proxy appended is always to the right of it.
 */
export function clientAddress(request: IncomingMessage): string {
  const peer = (request.socket.remoteAddress ?? '').replace(IPV4_MAPPED, '')
  if (!isLoopback(peer)) return peer
  const header = request.headers['x-forwarded-for']
  const chain = (Array.isArray(header) ? header.join(',') : header ?? '')
    .split(',')
    .map((entry) => entry.trim().replace(IPV4_MAPPED, ''))
    .filter(Boolean)
  return chain.reverse().find((address) => !isLoopback(address)) ?? peer
}

/** The speaker's machine: the peer and every address it forwards for are loopback. */
export function isLocalRequest(request: IncomingMessage): boolean {
  return isLoopback(clientAddress(request))
}

/** The X-Forwarded-For a local proxy sends on: the incoming chain plus its own peer. */
export function forwardedFor(request: IncomingMessage): string {
  const header = request.headers['x-forwarded-for']
  const previous = Array.isArray(header) ? header.join(', ') : header
  const peer = (request.socket.remoteAddress ?? '').replace(IPV4_MAPPED, '')
  return previous ? `${previous}, ${peer}` : peer
}

/**
 * Who the client is, as the rest of the server may keep and show it: the speaker's machine, or
 * an attendee known by a short anonymous id. The id is a keyed hash of the address, stable for
 * the same address (across replicas and restarts, the key lives in the data folder) and never
 * the address itself, so it can be stored (image owner, pixel provenance) and shown to others.
 */
export interface ClientIdentity {
  kind: 'speaker' | 'attendee'
  id: string
}

export function clientIdentity(request: IncomingMessage): ClientIdentity {
  return identityOfAddress(clientAddress(request))
}

export function identityOfAddress(address: string): ClientIdentity {
  if (isLoopback(address)) return { kind: 'speaker', id: 'speaker' }
  return { kind: 'attendee', id: `a-${createHmac('sha256', identityKey()).update(address).digest('base64url').slice(0, 8)}` }
}

let key: Buffer | undefined

/**
 * DRAW64_CLIENT_ID_KEY if set, else a random key created once in the data folder. Replicas
 * share that folder: the first to start writes the key (link() makes it appear whole or not at
 * all), the others read it.
 */
function identityKey(): Buffer {
  if (key) return key
  if (process.env.DRAW64_CLIENT_ID_KEY) return (key = Buffer.from(process.env.DRAW64_CLIENT_ID_KEY))
  const dir = process.env.DRAW64_DATA_DIR || 'data'
  const file = join(dir, 'client-id.key')
  try {
    return (key = readFileSync(file))
  } catch {
    mkdirSync(dir, { recursive: true })
    const draft = `${file}.${process.pid}`
    writeFileSync(draft, randomBytes(32), { mode: 0o600 })
    try {
      linkSync(draft, file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    } finally {
      rmSync(draft, { force: true })
    }
    return (key = readFileSync(file))
  }
}
