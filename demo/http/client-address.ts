// Who is asking: the one place that reads X-Forwarded-For. Only proxies on this machine (the
// slides' Vite proxy, the HA balancer) are trusted to forward it; anyone else could write
// whatever they like in it.
import { createHmac, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

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

/** Who drew, as others may see it: the speaker, or an attendee by a short id that is not their address. */
export interface ClientIdentity {
  kind: 'speaker' | 'attendee'
  id: string
}

// One key for the talk: set once here, so the HA replicas this process starts inherit it and
// name an attendee alike. Keyed, so that an id cannot be turned back into an address by hashing
// the few hundred addresses of a LAN.
const IDENTITY_KEY = (process.env.DRAW64_CLIENT_ID_KEY ??= randomBytes(16).toString('hex'))

export function clientIdentity(request: IncomingMessage): ClientIdentity {
  const address = clientAddress(request)
  if (isLoopback(address)) return { kind: 'speaker', id: 'speaker' }
  return { kind: 'attendee', id: createHmac('sha256', IDENTITY_KEY).update(address).digest('base64url').slice(0, 8) }
}
