// Who started each recent trace this server took part in: the client whose request carried the
// trace's `traceparent` (a browser tracing its stroke), or the server itself when the trace
// began here. Browser spans may only join a trace their own client started (browser-spans.ts),
// so nobody can graft spans onto the speaker's traces. Bounded: it remembers more traces than
// the span buffer can show, least recently noted forgotten first, and per client who asked:
// the traces noted for each attendee's requests are that attendee's to churn, at most
// PER_ATTENDEE of them, so that no phone can flood the others' out, the speaker's least.
//
// It also says which share of the slides' buffers a trace's spans and log records go to
// (buffers.ts): the speaker's traces and this server's own work in one, the attendees' in
// another, and of each attendee's traces only as many as SHOWN_PER_ATTENDEE lets through. A
// refused request is still traced and logged; without that bound, a phone in a loop (429s,
// 404s) would fill the slides' views with its own requests.
import type { ClientIdentity } from '../http/client-address.ts'
import { createRateLimiter } from '../http/rate-limit.ts'

const MAX_TRACES = 20_000
const PER_ATTENDEE = 500

export const SERVER_OWNER = 'server'

/** An attendee's traces the slides show: a phone drawing at its whole writes budget, not one in a loop. */
export const SHOWN_PER_ATTENDEE = { perSecond: 20, burst: 60 }
const shownTraces = createRateLimiter(SHOWN_PER_ATTENDEE)

/** The speaker's machine's requests (the slides, the load generator, the balancer's calls). */
const notedForSpeaker = new Map<string, string>()
/** Every attendee's, and for each attendee the traces noted for them, oldest first. */
const notedForAttendees = new Map<string, { owner: string; attendee: string; shown: boolean }>()
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
  notedForAttendees.set(traceId, { owner, attendee: requester.id, shown: shownTraces.take(requester.id).allowed })
  traces.add(traceId)
}

/** undefined: a trace this server never served (a browser's own, not yet sent anywhere). */
export function traceOwner(traceId: string): string | undefined {
  return notedForSpeaker.get(traceId) ?? notedForAttendees.get(traceId)?.owner
}

/**
 * Where the slides' buffers keep a trace's spans and log records: with the speaker's (the
 * speaker's requests, and work no request started), with the attendees', or nowhere, past the
 * attendee's SHOWN_PER_ATTENDEE. They are exported as usual either way.
 */
export type SlideShare = 'speaker' | 'attendees' | 'hidden'

export function slideShareOf(traceId: string): SlideShare {
  const noted = notedForAttendees.get(traceId)
  if (!noted) return 'speaker'
  return noted.shown ? 'attendees' : 'hidden'
}
