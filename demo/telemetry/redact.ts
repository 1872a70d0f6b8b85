// What the telemetry endpoints show a caller other than this machine. Spans and logs name the
// client of each request (its address, its browser); attendees reading them through the
// slides' proxy must not learn each other's. Addresses become the client's anonymous id (the
// same one image ownership uses), user agents and peer ports are left out.
import { identityOfAddress } from '../http/client-address.ts'

const ADDRESS_KEYS = new Set(['client.address', 'network.peer.address', 'http.client_ip', 'net.peer.ip', 'net.sock.peer.addr'])
const DROPPED_KEYS = new Set(['client.port', 'network.peer.port', 'net.peer.port', 'net.sock.peer.port', 'user_agent.original', 'http.user_agent'])

type Attributes = Record<string, unknown>

function redactedAttributes(attributes: Attributes): Attributes | undefined {
  if (!Object.keys(attributes).some((key) => ADDRESS_KEYS.has(key) || DROPPED_KEYS.has(key))) return undefined
  const kept: Attributes = {}
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_KEYS.has(key)) continue
    kept[key] = ADDRESS_KEYS.has(key) ? identityOfAddress(String(value)).id : value
  }
  return kept
}

/** The item as others may see it: itself when it names no client, else a redacted copy. */
export function redactForAudience<T extends { attributes: object; events?: { attributes?: object }[] }>(item: T): T {
  const attributes = redactedAttributes(item.attributes as Attributes)
  const events = item.events?.map((event) => {
    const redacted = event.attributes && redactedAttributes(event.attributes as Attributes)
    return redacted ? { ...event, attributes: redacted } : event
  })
  const eventsChanged = events?.some((event, index) => event !== item.events![index])
  if (!attributes && !eventsChanged) return item
  return { ...item, attributes: attributes ?? item.attributes, ...(eventsChanged ? { events } : {}) }
}
