// The telemetry tax, measured: the same saturating load of draws against three Draw64
// processes started for it, each on its own free loopback port and data folder:
//   off      OTEL_SDK_DISABLED=true;
//   on       everything, as `npm run demo` runs;
//   sampled  everything, with head sampling parentbased_traceidratio at the chosen ratio.
// The load runs in 1 s slices taken in turn, so a noisy machine slows all three alike. Counts
// and latencies are the load tool's (autocannon); CPU time and RSS are each server's own,
// asked over IPC after each slice. `npm run bench:overhead` runs this in its own process; the
// slide's lever runs it in a worker (overhead-runner.ts), never in the demo's event loop.
import { rmSync } from 'node:fs'
import autocannon from 'autocannon'
import { emptyTally, figuresOf, type Tally } from '../../lib/overhead.ts'
import { OVERHEAD_VARIANT_IDS, type OverheadFigures, type OverheadVariantId } from '../../lib/wire.ts'
import { startDraw64, type Draw64Process } from '../draw64-process.ts'

/** A short stroke, as a pointer move on the board sends: ten pixels. */
export const STROKE_BODY = JSON.stringify({
  command: { command_type: 'draw', values: Array.from({ length: 10 }, (_, n) => [n, n, 200, 30, 30]) },
})
const IMAGE = 'overhead'
const SLICE_SECONDS = 1
// autocannon stops at its next 1 s sample: a shorter warm-up would last 1 s all the same.
const WARM_UP_SECONDS = 1
/** Enough connections to saturate one Draw64 on a laptop. */
export const OVERHEAD_CONNECTIONS = 16
/** Latencies kept per server: far more than a 12 s run answers, so a bound that never bites. */
const MAX_LATENCIES = 500_000

const VARIANT_ENV: Record<OverheadVariantId, (ratio: number) => Record<string, string>> = {
  off: () => ({ OTEL_SDK_DISABLED: 'true' }),
  on: () => ({}),
  sampled: (ratio) => ({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) }),
}

export interface OverheadProgress {
  phase: 'starting' | 'measuring'
  /** 0 to 1: the share of the measuring time done. */
  progress: number
  variants: OverheadFigures[]
}

export interface OverheadOptions {
  ratio: number
  /** Measuring time, all three servers together (start and warm-up aside). */
  seconds: number
  connections?: number
  onProgress?: (progress: OverheadProgress) => void
  signal?: AbortSignal
}

/** One slice of load against one server; adds its counts to `tally`. */
async function slice(server: Draw64Process, seconds: number, connections: number, tally: Tally | undefined, signal?: AbortSignal): Promise<void> {
  const before = tally && (await server.usage())
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url: `${server.baseUrl}/api/images/${IMAGE}`, method: 'PUT', headers: { 'content-type': 'application/json' }, body: STROKE_BODY, connections, duration: seconds },
      (error, done) => (error ? reject(error) : resolve(done)),
    )
    if (tally) {
      instance.on('response', (_client, status, _bytes, latencyMs) => {
        if (status < 300 && tally.latenciesMs.length < MAX_LATENCIES) tally.latenciesMs.push(latencyMs)
      })
    }
    signal?.addEventListener('abort', () => instance.stop(), { once: true })
  })
  if (!tally || !before) return
  const after = await server.usage()
  tally.requests += result['2xx']
  tally.failed += result.non2xx + result.errors
  tally.elapsedMs += result.duration * 1000
  tally.cpuMicros += after.cpuMicros - before.cpuMicros
  tally.peakRssBytes = Math.max(tally.peakRssBytes, after.rssBytes)
}

/** Starts the three servers, measures them in turn, stops them; resolves with their figures. */
export async function measureOverhead({ ratio, seconds, connections = OVERHEAD_CONNECTIONS, onProgress, signal }: OverheadOptions): Promise<OverheadFigures[]> {
  onProgress?.({ phase: 'starting', progress: 0, variants: [] })
  const started = await Promise.allSettled(
    OVERHEAD_VARIANT_IDS.map((id) => startDraw64({ env: VARIANT_ENV[id](ratio), cleanEnv: true, captureOutput: false, ipc: true })),
  )
  const servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []))
  try {
    const failure = started.find((outcome) => outcome.status === 'rejected')
    if (failure) throw failure.reason
    for (const server of servers) await fetch(`${server.baseUrl}/api/images/${IMAGE}`, { method: 'POST' })
    // Warm-up, not counted: the JIT, SQLite's page cache.
    for (const server of servers) await slice(server, WARM_UP_SECONDS, connections, undefined, signal)

    const tallies = OVERHEAD_VARIANT_IDS.map(emptyTally)
    const rounds = Math.max(1, Math.round(seconds / SLICE_SECONDS / servers.length))
    for (let round = 0; round < rounds; round++) {
      // Each round starts with the next server, so none is always measured first.
      for (let turn = 0; turn < servers.length; turn++) {
        if (signal?.aborted) throw new Error('stopped')
        const index = (round + turn) % servers.length
        await slice(servers[index]!, SLICE_SECONDS, connections, tallies[index], signal)
        const done = round * servers.length + turn + 1
        onProgress?.({ phase: 'measuring', progress: done / (rounds * servers.length), variants: tallies.filter((tally) => tally.elapsedMs > 0).map(figuresOf) })
      }
    }
    return tallies.map(figuresOf)
  } finally {
    await Promise.all(servers.map(async (server) => {
      await server.stop()
      rmSync(server.dataDir, { recursive: true, force: true })
    }))
  }
}
