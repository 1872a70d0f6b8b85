import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { identityOfAddress } from '../../demo/http/client-address.ts'
import { redactForAudience } from '../../demo/telemetry/redact.ts'
import { testSpan } from '../support/spans.ts'

describe('redactForAudience', () => {
  beforeAll(() => {
    process.env.DRAW64_DATA_DIR = mkdtempSync(join(tmpdir(), 'draw64-redact-'))
  })

  it('returns a span that names no client as it is, the same object', () => {
    const span = testSpan('t', 's', 'apply command', 0, 1, { attributes: { 'draw64.image.id': 'talk' } })
    expect(redactForAudience(span)).toBe(span)
  })

  it('turns addresses into the anonymous id and leaves out user agents and ports, in attributes and events', () => {
    const span = testSpan('t', 's', 'PUT /api/images/:id', 0, 1, {
      attributes: { 'client.address': '192.168.1.23', 'user_agent.original': 'Mozilla/5.0 (Pixel 8)', 'network.peer.port': 51234, 'http.route': '/api/images/:id' },
      events: [{ name: 'e', timeUnixNano: '1', attributes: { 'network.peer.address': '192.168.1.23' } }],
    })
    const redacted = redactForAudience(span)
    expect(redacted.attributes).toEqual({ 'client.address': identityOfAddress('192.168.1.23').id, 'http.route': '/api/images/:id' })
    expect(redacted.events[0]!.attributes).toEqual({ 'network.peer.address': identityOfAddress('192.168.1.23').id })
    expect(JSON.stringify(redacted)).not.toContain('192.168')
    expect(span.attributes['client.address']).toBe('192.168.1.23')
  })

  it('shows the speaker’s loopback address as "speaker"', () => {
    const log = { timeUnixNano: '1', severityText: 'info', body: 'x', traceId: '', spanId: '', attributes: { 'client.address': '127.0.0.1' } }
    expect(redactForAudience(log).attributes).toEqual({ 'client.address': 'speaker' })
  })
})
