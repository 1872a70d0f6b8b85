// One poller per endpoint, shared by every component that reads it: reference-counted, one
// request in flight at a time, backing off while the demo is down, and reporting whether the
// data on screen is live, stale (reconnecting) or a recording.

export type LinkState = 'live' | 'reconnecting' | 'recorded'

export interface PollerOptions<T> {
  /** One request; throws (or rejects) when the demo cannot answer. */
  request: () => Promise<T>
  onData: (data: T) => void
  /** Called once, the first time the poller falls back to recorded telemetry. */
  onRecorded: () => void
  onState: (state: LinkState) => void
  intervalMs: number
  /** Ceiling of the back-off, so a returning demo is seen again within this delay (a second: a
   *  failed poll through the local proxy costs next to nothing). */
  maxBackoffMs?: number
  /** How long a demo that was live may stay unreachable before showing the recording. */
  recordedAfterMs?: number
  now?: () => number
}

export interface Poller {
  /** Starts polling if nobody was; returns the function that gives the reference back. */
  acquire: () => () => void
  /** One request now, then stop (print and export: render once, then let the page settle). */
  pollOnce: () => Promise<void>
  readonly state: LinkState
}

export function createPoller<T>(options: PollerOptions<T>): Poller {
  const { intervalMs, maxBackoffMs = 1000, recordedAfterMs = 10_000, now = Date.now } = options
  let users = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let inFlight: Promise<void> | undefined
  let failures = 0
  let lastSuccess: number | undefined
  let state: LinkState = 'reconnecting'
  let recordedLoaded = false

  function setState(next: LinkState): void {
    if (next === 'recorded' && !recordedLoaded) {
      recordedLoaded = true
      options.onRecorded()
    }
    if (next !== state) {
      state = next
      options.onState(next)
    }
  }

  async function pollOnce(): Promise<void> {
    if (inFlight) return inFlight
    inFlight = (async () => {
      try {
        const data = await options.request()
        failures = 0
        lastSuccess = now()
        options.onData(data)
        setState('live')
      } catch {
        failures += 1
        const neverLive = lastSuccess === undefined
        setState(neverLive || now() - lastSuccess! > recordedAfterMs ? 'recorded' : 'reconnecting')
      } finally {
        inFlight = undefined
      }
    })()
    return inFlight
  }

  function delay(): number {
    return failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, maxBackoffMs)
  }

  async function loop(): Promise<void> {
    timer = undefined
    await pollOnce()
    if (users > 0 && timer === undefined) timer = setTimeout(loop, delay())
  }

  function acquire(): () => void {
    users += 1
    if (users === 1) void loop()
    let released = false
    return () => {
      if (released) return
      released = true
      users -= 1
      if (users === 0 && timer !== undefined) {
        clearTimeout(timer)
        timer = undefined
      }
    }
  }

  return {
    acquire,
    pollOnce,
    get state() {
      return state
    },
  }
}
