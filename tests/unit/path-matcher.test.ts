import { describe, expect, it } from 'vitest'
import { pathMatcher } from '../../demo/http/router.ts'

describe('pathMatcher (which requests the bootstrap leaves untraced)', () => {
  const untraced = pathMatcher(['/healthz', '/api/images/:id/events', '/favicon.ico'])

  it('matches a template with its parameter, with or without a query', () => {
    expect(untraced('/healthz')).toBe(true)
    expect(untraced('/api/images/cat/events')).toBe(true)
    expect(untraced('/api/images/cat/events?since=3')).toBe(true)
    expect(untraced('/favicon.ico')).toBe(true)
  })

  it('matches whole paths only, and reads no template into the query', () => {
    expect(untraced('/api/images/cat')).toBe(false)
    expect(untraced('/healthz/more')).toBe(false)
    expect(untraced('/x/healthz')).toBe(false)
    expect(untraced('/api/images//events')).toBe(false)
    expect(untraced('/api/images/?x/events')).toBe(false)
    expect(untraced('/favicon-ico')).toBe(false)
    expect(untraced('/api/images/cat/events/../../cat')).toBe(false)
  })
})
