import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { identityOfAddress } from '../../demo/http/client-address.ts'

describe('identityOfAddress', () => {
  beforeAll(() => {
    process.env.DRAW64_DATA_DIR = mkdtempSync(join(tmpdir(), 'draw64-identity-'))
  })

  it('calls the local machine the speaker', () => {
    expect(identityOfAddress('127.0.0.1')).toEqual({ kind: 'speaker', id: 'speaker' })
    expect(identityOfAddress('::1')).toEqual({ kind: 'speaker', id: 'speaker' })
  })

  it('gives an attendee a short stable id that is not the address', () => {
    const first = identityOfAddress('192.168.1.23')
    expect(first.kind).toBe('attendee')
    expect(first.id).toMatch(/^a-[A-Za-z0-9_-]{8}$/)
    expect(first.id).not.toContain('192')
    expect(identityOfAddress('192.168.1.23')).toEqual(first)
    expect(identityOfAddress('192.168.1.24').id).not.toBe(first.id)
  })
})
