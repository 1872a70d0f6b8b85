// What bench:server and bench:ablation share: the servers they start, the load they send (the
// strokes of ./moving-strokes.ts, or BENCH_STROKE=fixed for the overhead slide's one stroke again
// and again), and the statistics of side-by-side rounds.
import { spawn } from 'node:child_process'
import autocannon from 'autocannon'
import { STROKE_BODY } from '../demo/control/overhead.ts'
import { startDraw64, type Draw64Process } from '../demo/draw64-process.ts'
import { freePort } from '../demo/free-port.ts'
import { movingStrokeBodies } from './moving-strokes.ts'

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
export const STROKE = process.env.BENCH_STROKE === 'fixed' ? 'fixed' : 'moving'
const BODIES = STROKE === 'fixed' ? [STROKE_BODY] : movingStrokeBodies()

export interface Target {
  name: string
  url: string
  stop: () => Promise<void>
  rates: number[]
}

/** A server of this checkout's bench/ in its own process (`script`, with PORT set), once it answers a draw. */
export async function benchServer(name: string, script: string, env: Record<string, string> = {}): Promise<Target> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env, PORT: String(port) }, stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}/api/images/bench`
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(url, { method: 'PUT', body: STROKE_BODY })
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { name, url, rates: [], stop: async () => void child.kill() }
}

/** bench/floor-server.ts: node:http, JSON, the same SQLite read and UPDATE in a transaction, nothing else. */
export const floorServer = () => benchServer('floor (node:http + SQLite)', 'bench/floor-server.ts')

/** A Draw64 with `env` on top of the usual one, from this checkout or from `root`, with its image created. */
export async function draw64(name: string, env: Record<string, string>, root?: string): Promise<Target> {
  const server: Draw64Process = await startDraw64({ env, captureOutput: false, root })
  await fetch(`${server.baseUrl}/api/images/bench`, { method: 'POST' })
  return { name, url: `${server.baseUrl}/api/images/bench`, rates: [], stop: server.stop }
}

/** Draws at saturation for `seconds`; the mean rate of 2xx answers (any other answer is an error). */
export async function measure(target: Target, seconds: number): Promise<number> {
  // Each target starts the cycle of strokes from its beginning: all draw the same strokes.
  let next = 0
  const result = await autocannon({
    url: target.url,
    headers: { 'content-type': 'application/json' },
    requests: [{ method: 'PUT', setupRequest: (request) => ({ ...request, body: BODIES[next++ % BODIES.length] }) }],
    connections: CONNECTIONS,
    duration: seconds,
  })
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${target.name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`)
  }
  return result.requests.average
}

/** Warms every target up (JIT, SQLite page cache), then runs the rounds in `order(round)`, and stops them all. */
export async function runRounds(targets: Target[], order: (round: number) => Target[]): Promise<void> {
  try {
    for (const target of targets) await measure(target, 2)
    for (let round = 1; round <= ROUNDS; round++) {
      for (const target of order(round)) {
        const rate = await measure(target, SECONDS)
        target.rates.push(rate)
        console.log(`round ${round}  ${target.name.padEnd(36)} ${rate.toFixed(0).padStart(7)} req/s`)
      }
    }
  } finally {
    await Promise.all(targets.map((target) => target.stop()))
  }
}

export const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)
export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

// Student's t at 97.5 % for 1–30 degrees of freedom, then the normal's 1.96.
const T_975 = [12.71, 4.3, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.2, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.1, 2.09, 2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05, 2.04]

/** The geometric mean of ratios and its 95 % confidence interval. */
function geometricInterval(ratios: number[]): { mean: number; low: number; high: number } {
  const logs = ratios.map(Math.log)
  const mean = sum(logs) / logs.length
  if (logs.length < 2) return { mean: Math.exp(mean), low: NaN, high: NaN }
  const spread = Math.sqrt(sum(logs.map((value) => (value - mean) ** 2)) / (logs.length - 1)) / Math.sqrt(logs.length)
  const t = T_975[logs.length - 2] ?? 1.96
  return { mean: Math.exp(mean), low: Math.exp(mean - t * spread), high: Math.exp(mean + t * spread) }
}

/** Each round's rate of `mine` over that of `theirs`, measured in the same round: the ratios, their geometric mean and its 95 % interval. */
export function pairedRatio(mine: Target, theirs: Target): { ratios: number[]; mean: number; low: number; high: number } {
  const ratios = mine.rates.map((rate, round) => rate / theirs.rates[round]!)
  return { ratios, ...geometricInterval(ratios) }
}
