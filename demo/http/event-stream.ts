// Server-Sent Events to every connected client. Bounded three times: a cap on attendees' streams
// (the speaker's machine is always served), a cap per client (budgets.ts), and a client too slow
// to drain what it was sent is dropped instead of buffering without end.
import type { ServerResponse } from 'node:http'
import type { Draw64Event, EventPublisher } from '../domain/events.ts'
import { sseClients } from '../instruments.ts'

const MAX_PENDING_BYTES = 1024 * 1024
const HEARTBEAT_MS = 15_000

function frame(event: Draw64Event): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`
}

/** `maxAttendeeStreams`: streams served at once to clients other than the speaker's machine. */
export function createEventStream(maxAttendeeStreams: number) {
  const clients = new Set<ServerResponse>()

  function send(client: ServerResponse, text: string): void {
    if (client.writableLength > MAX_PENDING_BYTES) {
      client.destroy()
      return
    }
    client.write(text)
  }

  function publish(event: Draw64Event): number {
    if (clients.size === 0) return 0
    const text = frame(event)
    for (const client of clients) send(client, text)
    return clients.size
  }

  function publishUserCount(): void {
    publish({ type: 'user_count_updated', data: { count: clients.size } })
  }

  const heartbeat = setInterval(() => {
    for (const client of clients) send(client, ': keep-alive\n\n')
  }, HEARTBEAT_MS)
  heartbeat.unref()

  /** Adopts the response as a live stream; false when attendees already hold too many. */
  function connect(response: ServerResponse, fromSpeaker = false): boolean {
    if (!fromSpeaker && clients.size >= maxAttendeeStreams) return false
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    response.flushHeaders()
    clients.add(response)
    sseClients.add(1)
    response.on('close', () => {
      if (clients.delete(response)) {
        sseClients.add(-1)
        publishUserCount()
      }
    })
    publishUserCount()
    return true
  }

  function close(): void {
    clearInterval(heartbeat)
    for (const client of clients) client.end()
  }

  const publisher: EventPublisher & { connect: typeof connect; close: typeof close } = {
    publish,
    connect,
    close,
    get clientCount() {
      return clients.size
    },
  }
  return publisher
}

export type EventStream = ReturnType<typeof createEventStream>
