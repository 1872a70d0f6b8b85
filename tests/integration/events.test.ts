import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, putCommand } from '../support/http.ts'
import { connectEvents } from '../support/sse.ts'

let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
})
afterAll(() => server.stop())

describe('live events', () => {
  it('tells every client about created, updated and deleted images, with the command', async () => {
    const alice = await connectEvents(`${base}/api/events`)
    const bob = await connectEvents(`${base}/api/events`)

    await fetch(`${base}/api/images/live`, { method: 'POST' })
    expect((await bob.next('image_created')).data.image.id).toBe('live')

    const command = { command_type: 'draw', values: [[4, 5, 6, 7, 8]] }
    await putCommand(base, 'live', command)
    for (const client of [alice, bob]) {
      expect((await client.next('image_updated')).data).toEqual({ id: 'live', command })
    }

    await fetch(`${base}/api/images/live`, { method: 'DELETE' })
    expect((await alice.next('image_deleted')).data).toEqual({ id: 'live' })
    alice.close()
    bob.close()
  })

  it('counts connected users and tells everyone when one leaves', async () => {
    const first = await connectEvents(`${base}/api/events`)
    await first.next('user_count_updated', (data) => data.count === 1)
    const second = await connectEvents(`${base}/api/events`)
    await first.next('user_count_updated', (data) => data.count === 2)
    expect((await json(await fetch(`${base}/api/statistics`))).connectedUsers).toBe(2)

    second.close()
    await first.next('user_count_updated', (data) => data.count === 1)
    first.close()
  })

  it('does not count a rejected command as an update', async () => {
    const client = await connectEvents(`${base}/api/events`)
    await fetch(`${base}/api/images/quiet`, { method: 'POST' })
    await putCommand(base, 'quiet', { command_type: 'draw', values: [[99, 0, 0, 0, 0]] })
    await putCommand(base, 'quiet', { command_type: 'clear_canvas' })
    expect((await client.next('image_updated')).data.command.command_type).toBe('clear_canvas')
    expect((await json(await fetch(`${base}/api/images/quiet`))).image.updateCount).toBe(1)
    client.close()
  })
})
