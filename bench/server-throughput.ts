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
import { draw64, floorServer, median, pairedRatio, runRounds, sum, CONNECTIONS, ROUNDS, SECONDS, STROKE, type Target } from './throughput.ts'

const BASELINE = process.env.BENCH_BASELINE

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

await runRounds(targets, roundOrder)

const [on, off, floor, baselineOn, baselineOff] = targets.map((target) => median(target.rates))
console.log(`\nmedian of ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, PUT of a 10-pixel draw, ${STROKE === 'fixed' ? 'always the same' : 'moving across the board'}`)
for (const target of targets) console.log(`  ${target.name.padEnd(36)} ${median(target.rates).toFixed(0).padStart(7)} req/s`)
console.log(`  telemetry on / off:      ${(on / off).toFixed(2)}  (goal ≥ 0.90)`)
console.log(`  telemetry off / floor:   ${(off / floor).toFixed(2)}  (goal ≥ 0.85)`)
console.log(`  telemetry on / floor:    ${(on / floor).toFixed(2)}  (goal ≥ 0.70)`)
if (BASELINE) {
  console.log(`  this checkout / ${BASELINE}:  telemetry on ${(on / baselineOn!).toFixed(2)}, off ${(off / baselineOff!).toFixed(2)}`)
  // Each round's ratio compares two servers measured one after the other; pooled: all rounds'
  // rates summed; geometric mean of the rounds' ratios with its 95 % interval (t, on the logs).
  const [mine, baseline] = [targets.slice(0, 2), targets.slice(3, 5)]
  for (const [n, label] of ['on', 'off'].entries()) {
    const pooled = sum(mine[n]!.rates) / sum(baseline[n]!.rates)
    const { ratios, mean, low, high } = pairedRatio(mine[n]!, baseline[n]!)
    console.log(`    telemetry ${label.padEnd(3)} per round ${ratios.map((ratio) => ratio.toFixed(2)).join(' ')}`)
    console.log(`                  pooled ${pooled.toFixed(3)}, geometric mean ${mean.toFixed(3)} (95 % interval ${low.toFixed(3)}–${high.toFixed(3)})`)
  }
}
