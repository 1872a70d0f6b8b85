import { afterEach, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, putCommand, randomTraceparent, traceIdOf } from '../support/http.ts'

let server: Draw64Process | undefined
afterEach(() => server?.stop())

const provenance = (id: string, x: number | string, y: number | string) =>
  fetch(`${server!.baseUrl}/api/images/${id}/provenance?x=${x}&y=${y}`)

function draw(id: string, values: number[][], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server!.baseUrl}/api/images/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ command: { command_type: 'draw', values } }),
  })
}

describe('GET /api/images/:id/provenance', () => {
  it('names the trace, span, time, command and client that last painted a pixel', async () => {
    server = await startDraw64()
    await fetch(`${server.baseUrl}/api/images/prov`, { method: 'POST' })
    const first = randomTraceparent()
    const second = randomTraceparent()
    expect((await draw('prov', [[3, 4, 1, 2, 3], [5, 6, 1, 2, 3]], { traceparent: first })).status).toBe(200)
    expect((await draw('prov', [[5, 6, 9, 9, 9]], { traceparent: second })).status).toBe(200)

    const answer = await provenance('prov', 3, 4)
    expect(answer.status).toBe(200)
    const origin = await json(answer)
    expect(origin).toEqual({ traceId: traceIdOf(first), spanId: expect.stringMatching(/^[0-9a-f]{16}$/), time: expect.any(String), commandType: 'draw', client: 'speaker' })
    expect(Date.parse(origin.time)).toBeGreaterThan(Date.now() - 60_000)
    // The pixel painted over belongs to the second stroke; the first keeps its other pixel.
    expect((await json(await provenance('prov', 5, 6))).traceId).toBe(traceIdOf(second))
  })

  it('answers 404 for a pixel never painted, and for every pixel after a clear', async () => {
    server = await startDraw64()
    await fetch(`${server.baseUrl}/api/images/cleared`, { method: 'POST' })
    const notPainted = await provenance('cleared', 0, 0)
    expect(notPainted.status).toBe(404)
    expect((await json(notPainted)).error).toMatch(/not painted/)

    await draw('cleared', [[0, 0, 1, 1, 1]])
    expect((await provenance('cleared', 0, 0)).status).toBe(200)
    await putCommand(server.baseUrl, 'cleared', { command_type: 'clear_canvas' })
    expect((await provenance('cleared', 0, 0)).status).toBe(404)
    await draw('cleared', [[1, 1, 1, 1, 1]])
    expect((await provenance('cleared', 0, 0)).status).toBe(404)
    expect((await provenance('cleared', 1, 1)).status).toBe(200)
  })

  it('refuses coordinates off the board with 400, and an unknown image with 404', async () => {
    server = await startDraw64()
    await fetch(`${server.baseUrl}/api/images/edges`, { method: 'POST' })
    for (const [x, y] of [[64, 0], [0, 64], [-1, 0], ['1.5', 0], ['', 3], ['x', 'y']]) {
      const answer = await provenance('edges', x!, y!)
      expect(answer.status, `x=${x} y=${y}`).toBe(400)
      expect((await json(answer)).error).toMatch(/^[xy] must be an integer from 0 to 63$/)
    }
    expect((await fetch(`${server.baseUrl}/api/images/edges/provenance?y=2`)).status).toBe(400)
    expect((await provenance('nowhere', 1, 1)).status).toBe(404)
    expect((await provenance('edges', 63, 63)).status).toBe(404)
  })

  it('names an attendee by a short id that is stable and is not their address', async () => {
    server = await startDraw64()
    await fetch(`${server.baseUrl}/api/images/room`, { method: 'POST' })
    // The slides' proxy (loopback) forwards an attendee's address.
    await draw('room', [[1, 1, 0, 0, 0]], { 'x-forwarded-for': '192.168.1.50' })
    await draw('room', [[2, 2, 0, 0, 0]], { 'x-forwarded-for': '192.168.1.50' })
    await draw('room', [[3, 3, 0, 0, 0]], { 'x-forwarded-for': '192.168.1.51' })
    const clients = await Promise.all([1, 2, 3].map(async (n) => (await json(await provenance('room', n, n))).client))
    expect(clients[0]).toMatch(/^a-[\w-]{8}$/)
    expect(clients[0]).not.toBe('speaker')
    expect(clients[1]).toBe(clients[0])
    expect(clients[2]).not.toBe(clients[0])
    expect(clients.join(' ')).not.toMatch(/192|168/)
  })

  it('is stored with the pixels and survives a restart', async () => {
    server = await startDraw64()
    const { dataDir } = server
    await fetch(`${server.baseUrl}/api/images/kept`, { method: 'POST' })
    const traceparent = randomTraceparent()
    await draw('kept', [[7, 8, 10, 20, 30]], { traceparent })
    const before = await json(await provenance('kept', 7, 8))
    await server.stop()

    server = await startDraw64({ dataDir })
    expect(await json(await provenance('kept', 7, 8))).toEqual(before)
    expect(before.traceId).toBe(traceIdOf(traceparent))
  })
})
