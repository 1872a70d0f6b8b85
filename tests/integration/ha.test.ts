import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../scripts/draw64-process.ts'
import { json, putCommand, randomTraceparent, spansOfTrace, traceIdOf } from '../support/http.ts'
import { connectEvents } from '../support/sse.ts'

let balancer: Draw64Process
let base: string
let replicas: { name: string; url: string }[]

beforeAll(async () => {
  balancer = await startDraw64({ args: ['--replicas', '2'] })
  base = balancer.baseUrl
  replicas = (await json(await fetch(`${base}/api/demo/replicas`))).replicas
  await fetch(`${base}/api/images/shared`, { method: 'POST' })
}, 60_000)
afterAll(() => balancer.stop())

describe('HA topology: a balancer in front of two replicas', () => {
  it('makes one trace of a stroke, across the balancer and a replica', async () => {
    const traceparent = randomTraceparent()
    const traceId = traceIdOf(traceparent)
    const response = await fetch(`${base}/api/images/shared`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[3, 3, 3, 3, 3]] } }),
    })
    expect(response.status).toBe(200)
    const replica = response.headers.get('x-draw64-replica')!

    await expect.poll(async () => (await spansOfTrace(base, traceId)).length, { timeout: 5000 }).toBeGreaterThanOrEqual(9)
    const spans = await spansOfTrace(base, traceId)
    expect(new Set(spans.map((span) => span.serviceName))).toEqual(new Set(['draw64-lb', replica]))

    const edge = spans.find((span) => span.serviceName === 'draw64-lb' && span.kind === 2)!
    const replicaServer = spans.find((span) => span.serviceName === replica && span.kind === 1)!
    expect(replicaServer.name).toBe('PUT /api/images/:id')
    expect(replicaServer.parentSpanId).toBe(edge.spanId)
    expect(spans.find((span) => span.serviceName === 'draw64-lb' && span.kind === 1)?.name).toBe('PUT /api/images/:id')
  })

  it('serves the logs of the replicas on the balancer, with their trace ids', async () => {
    await putCommand(base, 'shared', { command_type: 'clear_canvas' })
    await expect
      .poll(async () => (await json(await fetch(`${base}/api/telemetry/logs`))).logs.some((log: any) => log.body === 'clear_canvas applied to shared' && log.traceId), { timeout: 5000 })
      .toBe(true)
  })

  it('tells the clients of both replicas about every stroke, whichever replica took it', async () => {
    const clients = await Promise.all(replicas.map((replica) => connectEvents(`${replica.url}/api/events`)))
    const takenBy = new Set<string>()
    for (let n = 0; n < 6; n++) {
      const response = await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 10, 50, 50, 50]] })
      takenBy.add(response.headers.get('x-draw64-replica')!)
    }
    expect(takenBy.size).toBe(2)
    for (const client of clients) {
      for (let n = 0; n < 6; n++) {
        const event = await client.next('image_updated', (data) => data.command.values?.[0]?.[0] === n && data.command.values[0][1] === 10)
        expect(event.data.id).toBe('shared')
      }
      client.close()
    }
  })

  it('keeps draws succeeding when a replica stops, routing around it', async () => {
    expect((await fetch(`${base}/api/demo/replicas/draw64-replica-1`, { method: 'DELETE' })).status).toBe(202)
    const served = new Set<string>()
    for (let n = 0; n < 10; n++) {
      const response = await putCommand(base, 'shared', { command_type: 'draw', values: [[n, 20, 9, 9, 9]] })
      expect(response.status).toBe(200)
      served.add(response.headers.get('x-draw64-replica')!)
    }
    expect(served).toEqual(new Set(['draw64-replica-2']))
    expect((await fetch(`${base}/api/demo/replicas/draw64-replica-1`, { method: 'POST' })).status).toBe(202)
  })
})
