// A minimal Server-Sent Events client over fetch, to listen to /api/events as a browser would.

export interface SseEvent {
  event: string
  data: any
}

export interface SseClient {
  next: (type: string, matching?: (data: any) => boolean) => Promise<SseEvent>
  close: () => void
}

/** `headers`: for instance an X-Forwarded-For, to connect as an attendee through a local proxy. */
export async function connectEvents(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController()
  const response = await fetch(url, { signal: controller.signal, headers })
  if (!response.ok || !response.body) throw new Error(`events: ${response.status}`)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  const received: SseEvent[] = []
  let buffer = ''
  let waiter: (() => void) | undefined

  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(block)?.[1]
          const data = /^data: (.*)$/m.exec(block)?.[1]
          if (event && data) received.push({ event, data: JSON.parse(data) })
          waiter?.()
        }
      }
    } catch {
      // aborted
    }
  })()

  async function next(type: string, matching: (data: any) => boolean = () => true): Promise<SseEvent> {
    const deadline = Date.now() + 5000
    for (;;) {
      const index = received.findIndex((event) => event.event === type && matching(event.data))
      if (index >= 0) return received.splice(index, 1)[0]
      if (Date.now() > deadline) throw new Error(`no ${type} event within 5 s`)
      await new Promise<void>((resolve) => {
        waiter = resolve
        setTimeout(resolve, 100)
      })
    }
  }

  return { next, close: () => controller.abort() }
}
