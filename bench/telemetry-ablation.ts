// npm run bench:ablation — what each part of the telemetry costs in draw throughput: Draw64 with
// everything, then without one part at a time, switched off the way an operator would (the
// zero-code agent's OTEL_NODE_DISABLED_INSTRUMENTATIONS, OTEL_TRACES_SAMPLER), then with the SDK
// disabled, and the floor (bench/floor-server.ts). Rounds run every server in turn, in reverse
// order every other round; each ratio is the geometric mean of the rounds' ratios to the SDK
// disabled, with its 95 % interval. Same load and variables as bench:server (./throughput.ts).
import { draw64, floorServer, median, pairedRatio, runRounds, CONNECTIONS, ROUNDS, SECONDS, STROKE, type Target } from './throughput.ts'

const VARIANTS: [name: string, env: Record<string, string>][] = [
  ['everything (as on stage)', {}],
  ['without the HTTP instrumentation', { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http' }],
  ['without the pino log bridge', { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' }],
  ['without the runtime metrics', { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'runtime-node' }],
  // Spans are still started, but not recorded: nothing buffered, nothing exported.
  ['no span recorded (always_off)', { OTEL_TRACES_SAMPLER: 'always_off' }],
  ['metrics and log lines only', { OTEL_TRACES_SAMPLER: 'always_off', OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http,pino' }],
]

const targets: Target[] = []
for (const [name, env] of VARIANTS) targets.push(await draw64(name, env))
const off = await draw64('OTEL_SDK_DISABLED=true', { OTEL_SDK_DISABLED: 'true' })
targets.push(off, await floorServer())

await runRounds(targets, (round) => (round % 2 ? targets : [...targets].reverse()))

console.log(`\n${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, strokes ${STROKE === 'fixed' ? 'always the same' : 'moving across the board'}`)
console.log(`${'Draw64'.padEnd(36)} ${'req/s'.padStart(7)}   ${'/ SDK disabled (95 % interval)'}`)
for (const target of targets) {
  const { mean, low, high } = pairedRatio(target, off)
  const ratio = target === off ? '' : `${mean.toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`
  console.log(`${target.name.padEnd(36)} ${median(target.rates).toFixed(0).padStart(7)}   ${ratio}`)
}
