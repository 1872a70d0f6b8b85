// Who started each recent trace this server took part in: the client whose request carried the
// trace's `traceparent` (a browser tracing its stroke), or the server itself when the trace
// began here. Browser spans may only join a trace their own client started (browser-spans.ts),
// so nobody can graft spans onto the speaker's traces. Bounded: it remembers more traces than
// the span buffer can show, least recently noted forgotten first.
const MAX_TRACES = 20_000
const owners = new Map<string, string>()

export const SERVER_OWNER = 'server'

/** `owner`: the client id that sent the traceparent (client-address.ts), or SERVER_OWNER. */
export function noteTraceOwner(traceId: string, owner: string): void {
  if (owners.has(traceId)) return
  if (owners.size >= MAX_TRACES) owners.delete(owners.keys().next().value!)
  owners.set(traceId, owner)
}

/** undefined: a trace this server never served (a browser's own, not yet sent anywhere). */
export function traceOwner(traceId: string): string | undefined {
  return owners.get(traceId)
}
