import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { ClientIdentity } from '../../demo/http/client-address.ts'
import { noteTraceOwner, SERVER_OWNER, SHOWN_PER_ATTENDEE, slideShareOf, traceOwner } from '../../demo/telemetry/trace-owners.ts'

const speaker: ClientIdentity = { kind: 'speaker', id: 'speaker' }
const attendee = (id: string): ClientIdentity => ({ kind: 'attendee', id })
const newTrace = () => randomBytes(16).toString('hex')

/** What an attendee's phone does to flood the memory: requests with fresh traceparents, which it then owns. */
function flood(phone: ClientIdentity, traces: number): string[] {
  return Array.from({ length: traces }, () => {
    const traceId = newTrace()
    noteTraceOwner(traceId, phone.id, phone)
    return traceId
  })
}

describe('trace owners', () => {
  it('remembers who started a trace, first noted first served', () => {
    const traceId = newTrace()
    noteTraceOwner(traceId, SERVER_OWNER, speaker)
    noteTraceOwner(traceId, 'a-intruder', attendee('a-intruder'))
    expect(traceOwner(traceId)).toBe(SERVER_OWNER)
    expect(traceOwner(newTrace())).toBeUndefined()
  })

  it("keeps the speaker's traces through an attendee's flood of 25 000 requests", () => {
    const speakers = newTrace()
    noteTraceOwner(speakers, SERVER_OWNER, speaker)
    flood(attendee('a-flooder'), 25_000)
    expect(traceOwner(speakers)).toBe(SERVER_OWNER)
  })

  it("keeps another attendee's traces too: a phone churns only its own 500", () => {
    const [victims] = flood(attendee('a-victim'), 1)
    const flooded = flood(attendee('a-flooder-2'), 25_000)
    expect(traceOwner(victims!)).toBe('a-victim')
    expect(flooded.filter((traceId) => traceOwner(traceId) !== undefined)).toEqual(flooded.slice(-500))
  })

  it('holds at most 20 000 attendee traces in all, the oldest forgotten first', () => {
    const first = flood(attendee('a-many-0'), 500)
    for (let phone = 1; phone <= 40; phone++) flood(attendee(`a-many-${phone}`), 500)
    expect(first.some((traceId) => traceOwner(traceId) !== undefined)).toBe(false)
  })

  it("puts the speaker's traces and unknown ones in the speaker's share, an attendee's first traces in the attendees', the rest nowhere", () => {
    const speakers = newTrace()
    noteTraceOwner(speakers, SERVER_OWNER, speaker)
    const looped = flood(attendee('a-loop'), 400)
    const [neighbours] = flood(attendee('a-neighbour'), 1)
    expect(slideShareOf(speakers)).toBe('speaker')
    expect(slideShareOf(newTrace())).toBe('speaker')
    expect(slideShareOf(neighbours!)).toBe('attendees')
    const shown = looped.filter((traceId) => slideShareOf(traceId) === 'attendees').length
    expect(shown).toBeGreaterThanOrEqual(SHOWN_PER_ATTENDEE.burst)
    expect(shown).toBeLessThan(SHOWN_PER_ATTENDEE.burst + SHOWN_PER_ATTENDEE.perSecond)
    expect(looped.slice(-100).every((traceId) => slideShareOf(traceId) === 'hidden')).toBe(true)
  })
})
