// Who started each recent trace this server took part in: the client whose request carried the
// trace's `traceparent` (a browser tracing its stroke), or the server itself when the trace
// began here. Browser spans may only join a trace their own client started (browser-spans.ts),
// so nobody can graft spans onto the speaker's traces. Bounded: it remembers more traces than
// the span buffer can show, least recently noted forgotten first, and per client who asked:
// the traces noted for each attendee's requests are that attendee's to churn, at most
// PER_ATTENDEE of them, so that no phone can flood the others' out, the speaker's least.
import type { ClientIdentity } from '../http/client-address.ts'

const MAX_TRACES = 20_000
const PER_ATTENDEE = 500

export const SERVER_OWNER = 'server'

/** The speaker's machine's requests (the slides, the load generator, the balancer's calls). */
const notedForSpeaker = new Map<string, string>()
/** Every attendee's, and for each attendee the traces noted for them, oldest first. */
const notedForAttendees = new Map<string, { owner: string; attendee: string }>()
const tracesOfAttendee = new Map<string, Set<string>>()

function forgetAttendeeTrace(traceId: string): void {
  const noted = notedForAttendees.get(traceId)
  if (!noted) return
  notedForAttendees.delete(traceId)
  const traces = tracesOfAttendee.get(noted.attendee)!
  traces.delete(traceId)
  if (traces.size === 0) tracesOfAttendee.delete(noted.attendee)
}

const oldest = <T>(items: Map<T, unknown> | Set<T>): T => items.keys().next().value!

/**
 * `owner`: the client id that sent the traceparent (client-address.ts), or SERVER_OWNER;
 * `requester`: whose request it is, whose share of the memory it takes.
 */
export function noteTraceOwner(traceId: string, owner: string, requester: ClientIdentity): void {
  if (traceOwner(traceId) !== undefined) return
  if (requester.kind === 'speaker') {
    if (notedForSpeaker.size >= MAX_TRACES) notedForSpeaker.delete(oldest(notedForSpeaker))
    notedForSpeaker.set(traceId, owner)
    return
  }
  const traces = tracesOfAttendee.get(requester.id) ?? new Set<string>()
  tracesOfAttendee.set(requester.id, traces)
  if (traces.size >= PER_ATTENDEE) forgetAttendeeTrace(oldest(traces))
  else if (notedForAttendees.size >= MAX_TRACES) forgetAttendeeTrace(oldest(notedForAttendees))
  notedForAttendees.set(traceId, { owner, attendee: requester.id })
  traces.add(traceId)
}

/** undefined: a trace this server never served (a browser's own, not yet sent anywhere). */
export function traceOwner(traceId: string): string | undefined {
  return notedForSpeaker.get(traceId) ?? notedForAttendees.get(traceId)?.owner
}
