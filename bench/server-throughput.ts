// npm run bench:server — draw throughput of Draw64 with full telemetry, with OTEL_SDK_DISABLED=true,
// and of its floor (bench/floor-server.ts: node:http, JSON, the same SQLite read and UPDATE in a
// transaction, nothing else), measured side by side: rounds alternate between the three servers
// so that a noisy neighbour hurts all of them alike. Prints req/s and the ratios.
// BENCH_BASELINE=<another checkout of this project, with its node_modules> adds that checkout's
// Draw64, on and off, to the same rounds: the cost of a change, side by side in one run. Each of
// them runs right beside its counterpart here, first on one round and second on the next, so
// that a neighbour's load drifting over a round weighs on both sides alike.
// The strokes move across the board (./moving-strokes.ts), each on pixels the one before did not
// touch, as in the room: a draw writes the pages of its new pixels and of their provenance.
// BENCH_STROKE=fixed sends the one 10-pixel stroke of the overhead slide again and again instead
// (pixels and provenance unchanged by each draw, the figures published before 2026-12-05).
import { spawn } from 'node:child_process'
import autocannon from 'autocannon'
import { STROKE_BODY } from '../demo/control/overhead.ts'
import { startDraw64, type Draw64Process } from '../demo/draw64-process.ts'
import { freePort } from '../demo/free-port.ts'
import { movingStrokeBodies } from './moving-strokes.ts'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const BASELINE = process.env.BENCH_BASELINE
const STROKE = process.env.BENCH_STROKE === 'fixed' ? 'fixed' : 'moving'
const BODIES = STROKE === 'fixed' ? [STROKE_BODY] : movingStrokeBodies()

interface Target {
  name: string
  url: string
  stop: () => Promise<void>
  rates: number[]
}

async function floorServer(): Promise<Target> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor-server.ts'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}/api/images/bench`
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(url, { method: 'PUT', body: STROKE_BODY })
      break
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return { name: 'floor (node:http + SQLite)', url, rates: [], stop: async () => void child.kill() }
}

async function draw64(name: string, env: Record<string, string>, root?: string): Promise<Target> {
  const server: Draw64Process = await startDraw64({ env, captureOutput: false, root })
  await fetch(`${server.baseUrl}/api/images/bench`, { method: 'POST' })
  return { name, url: `${server.baseUrl}/api/images/bench`, rates: [], stop: server.stop }
}

async function measure(target: Target, seconds: number): Promise<number> {
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

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

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
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const targets = [
  await draw64('Draw64, telemetry on', {}),
  await draw64('Draw64, OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' }),
  await floorServer(),
  ...(BASELINE
    ? [await draw64('baseline, telemetry on', {}, BASELINE), await draw64('baseline, OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' }, BASELINE)]
    : []),
]
/** A round's order: each baseline target beside its counterpart, the pair's order swapped every other round. */
function roundOrder(round: number): Target[] {
  if (!BASELINE) return targets
  const [on, off, floor, baselineOn, baselineOff] = targets as [Target, Target, Target, Target, Target]
  const pair = (mine: Target, theirs: Target) => (round % 2 ? [mine, theirs] : [theirs, mine])
  return [...pair(on, baselineOn), ...pair(off, baselineOff), floor]
}

try {
  for (const target of targets) await measure(target, 2) // warm-up: JIT, SQLite page cache
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of roundOrder(round)) {
      const rate = await measure(target, SECONDS)
      target.rates.push(rate)
      console.log(`round ${round}  ${target.name.padEnd(32)} ${rate.toFixed(0).padStart(7)} req/s`)
    }
  }
} finally {
  await Promise.all(targets.map((target) => target.stop()))
}

const [on, off, floor, baselineOn, baselineOff] = targets.map((target) => median(target.rates))
console.log(`\nmedian of ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, PUT of a 10-pixel draw, ${STROKE === 'fixed' ? 'always the same' : 'moving across the board'}`)
for (const target of targets) console.log(`  ${target.name.padEnd(32)} ${median(target.rates).toFixed(0).padStart(7)} req/s`)
console.log(`  telemetry on / off:      ${(on / off).toFixed(2)}  (goal ≥ 0.90)`)
console.log(`  telemetry off / floor:   ${(off / floor).toFixed(2)}  (goal ≥ 0.85)`)
console.log(`  telemetry on / floor:    ${(on / floor).toFixed(2)}  (goal ≥ 0.70)`)
if (BASELINE) {
  console.log(`  this checkout / ${BASELINE}:  telemetry on ${(on / baselineOn!).toFixed(2)}, off ${(off / baselineOff!).toFixed(2)}`)
  // Each round's ratio compares two servers measured one after the other; pooled: all rounds'
  // rates summed; geometric mean of the rounds' ratios with its 95 % interval (t, on the logs).
  const [mine, baseline] = [targets.slice(0, 2), targets.slice(3, 5)]
  for (const [n, label] of ['on', 'off'].entries()) {
    const perRound = mine[n]!.rates.map((rate, round) => rate / baseline[n]!.rates[round]!)
    const pooled = sum(mine[n]!.rates) / sum(baseline[n]!.rates)
    const { mean, low, high } = geometricInterval(perRound)
    console.log(`    telemetry ${label.padEnd(3)} per round ${perRound.map((ratio) => ratio.toFixed(2)).join(' ')}`)
    console.log(`                  pooled ${pooled.toFixed(3)}, geometric mean ${mean.toFixed(3)} (95 % interval ${low.toFixed(3)}–${high.toFixed(3)})`)
  }
}
