// npm run bench:telemetry-parts — what each part of the telemetry costs per draw: the same
// operations timed in two processes started with the real bootstrap, one with the SDK on and one
// with OTEL_SDK_DISABLED=true, alternating for BENCH_ROUNDS rounds (a noisy neighbour hurts
// both alike). Prints µs of CPU per operation, on minus off, and times the count of each in one draw.
import { spawnSync } from 'node:child_process'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

// How many times one draw (PUT /api/images/:id) does each part: spans validate command,
// apply command, SELECT images, persist image, UPDATE images, broadcast image_updated; one log
// line; commands and pixels counters; two database durations; three context switches per span.
const PER_DRAW: Record<string, number> = {
  'HTTP request, server side': 1,
  'manual span': 4,
  'SQLite statement, traced minus raw': 2,
  'pino line (+ log bridge when on)': 1,
  'counter add': 1,
  'counter add, no attributes': 1,
  'histogram record': 0,
  'context switch': 0,
  'span → buffer JSON': 7,
}

function run(disabled: boolean): Record<string, number> {
  const { stderr: output } = spawnSync(process.execPath, ['--import', 'tsx', '--import', './demo/instrumentation.ts', 'bench/telemetry-parts-worker.ts'], {
    env: { ...process.env, OTEL_SDK_DISABLED: String(disabled), OTEL_EXPORTER_PROMETHEUS_PORT: '0' },
    // The worker's pino lines go to stdout, thrown away as a benchmark's should; its figures come on stderr.
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  })
  return JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number>
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const on: Record<string, number[]> = {}
const off: Record<string, number[]> = {}
for (let round = 0; round < ROUNDS; round++) {
  for (const [side, results] of [[on, run(false)], [off, run(true)]] as const) {
    for (const [part, micros] of Object.entries(results)) (side[part] ??= []).push(micros)
  }
  console.error(`round ${round + 1} of ${ROUNDS} done`)
}

let total = 0
console.log(`\n${'part'.padEnd(36)} ${'on µs'.padStart(7)} ${'off µs'.padStart(7)} ${'cost µs'.padStart(8)} ${'× per draw'.padStart(10)} ${'µs/draw'.padStart(8)}`)
for (const part of Object.keys(PER_DRAW)) {
  const cost = median(on[part]!) - median(off[part]!)
  const perDraw = cost * PER_DRAW[part]!
  total += perDraw
  console.log(`${part.padEnd(36)} ${median(on[part]!).toFixed(2).padStart(7)} ${median(off[part]!).toFixed(2).padStart(7)} ${cost.toFixed(2).padStart(8)} ${String(PER_DRAW[part]).padStart(10)} ${perDraw.toFixed(1).padStart(8)}`)
}
console.log(`${'sum: telemetry per draw'.padEnd(72)} ${total.toFixed(1).padStart(8)}`)
