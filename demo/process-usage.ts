// A Draw64 started with an IPC channel (the overhead measurement's servers, the HA replicas)
// answers "usage" with its own CPU time and resident memory, as Node counts them: the same on
// Linux and macOS, and the same whether its telemetry is on or off (OTEL_SDK_DISABLED=true
// leaves it no /metrics to read them from).

export const USAGE_REQUEST = 'draw64:usage'

export interface ProcessUsage {
  type: typeof USAGE_REQUEST
  /** User plus system CPU time since the process started, in microseconds. */
  cpuMicros: number
  rssBytes: number
}

export function answerUsageRequests(): void {
  process.on('message', (message) => {
    if (message !== USAGE_REQUEST) return
    const { user, system } = process.cpuUsage()
    process.send?.({ type: USAGE_REQUEST, cpuMicros: user + system, rssBytes: process.memoryUsage.rss() } satisfies ProcessUsage)
  })
}
