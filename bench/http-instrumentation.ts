// npm run bench:http-instrumentation — what the zero-code HTTP instrumentation alone costs per
// request, on a server that does nothing else (./empty-http-server.ts): node:http alone, then with
// the instrumentation's spans not recorded, with its duration histogram, with its spans recorded.
// A fifth server spins 30 µs on each request: how a known CPU cost shows in the time per answer.
// The contract asks Draw64 for these spans and this histogram: their cost is a lower bound of what
// its telemetry costs. Same load, rounds and statistics as bench:server (./throughput.ts): every
// server in turn, in reverse order every other round; the time per answer at saturation is 1 / rate.
import { benchServer, median, pairedRatio, runRounds, CONNECTIONS, ROUNDS, SECONDS, type Target } from './throughput.ts'

const SERVER = 'bench/empty-http-server.ts'
const bare = await benchServer('node:http alone', SERVER)
const targets: Target[] = [
  bare,
  await benchServer('HTTP instrumentation, span not recorded', SERVER, { HTTP_TELEMETRY: 'unrecorded' }),
  await benchServer('  and its duration histogram', SERVER, { HTTP_TELEMETRY: 'histogram' }),
  await benchServer('  and its span recorded', SERVER, { HTTP_TELEMETRY: 'recorded' }),
  await benchServer('node:http alone, 30 µs busy a request', SERVER, { BUSY_MICROS: '30' }),
]

await runRounds(targets, (round) => (round % 2 ? targets : [...targets].reverse()))

const micros = (rate: number) => 1e6 / rate
console.log(`\n${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, a PUT of a 10-pixel draw answered with JSON`)
console.log(`${'server'.padEnd(40)} ${'req/s'.padStart(7)} ${'µs/answer'.padStart(10)} ${'added µs'.padStart(9)}   / node:http alone (95 % interval)`)
for (const target of targets) {
  const rate = median(target.rates)
  const { mean, low, high } = pairedRatio(target, bare)
  const added = target === bare ? '' : (micros(rate) - micros(median(bare.rates))).toFixed(1)
  const ratio = target === bare ? '' : `${mean.toFixed(2)} (${low.toFixed(2)}–${high.toFixed(2)})`
  console.log(`${target.name.padEnd(40)} ${rate.toFixed(0).padStart(7)} ${micros(rate).toFixed(1).padStart(10)} ${added.padStart(9)}   ${ratio}`)
}
