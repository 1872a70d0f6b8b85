// npm run bench:overhead — the telemetry tax, as the overhead slide measures it and with the
// same code (demo/control/overhead.ts): telemetry off, on, and on with head sampling, side by
// side in 1 s slices. Prints req/s, p50/p99, CPU seconds per 1,000 draws, RSS and the ratios.
//   npm run bench:overhead -- --ratio 0.1 --seconds 12
//   npm run bench:overhead -- --record   also keeps the run as the slide's reference (public/recorded/overhead.json)
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { measureOverhead, OVERHEAD_CONNECTIONS } from '../demo/control/overhead.ts'
import { OVERHEAD_RECORDING_PATH } from '../lib/demo-endpoints.ts'
import { percent, ratioLine } from '../lib/overhead.ts'
import { OVERHEAD_SECONDS, overheadRequestSchema, type OverheadFigures, type OverheadStatus } from '../lib/wire.ts'

const RECORDING = join(import.meta.dirname, '..', 'public', OVERHEAD_RECORDING_PATH)
const { values } = parseArgs({
  options: {
    ratio: { type: 'string', default: '0.1' },
    seconds: { type: 'string', default: String(OVERHEAD_SECONDS.default) },
    record: { type: 'boolean', default: false },
  },
})
const request = overheadRequestSchema.safeParse({ ratio: Number(values.ratio), seconds: Number(values.seconds) })
if (!request.success) {
  console.error(`bench:overhead: ${request.error.issues[0]?.message}`)
  process.exit(2)
}
const { ratio, seconds = OVERHEAD_SECONDS.default } = request.data

const NAMES: Record<OverheadFigures['id'], string> = {
  off: 'OTEL_SDK_DISABLED=true',
  on: 'telemetry on',
  sampled: `on, traceidratio ${percent(ratio)}`,
}
const startedAt = new Date().toISOString()
const figures = await measureOverhead({
  ratio,
  seconds,
  onProgress: ({ phase, progress }) => process.stderr.write(`\r${phase} ${Math.round(progress * 100)} %   `),
})
process.stderr.write('\n')

console.log(`${seconds} s in 1 s slices taken in turn, ${OVERHEAD_CONNECTIONS} connections, PUT of a 10-pixel draw, Node ${process.version}`)
console.log(`${'server'.padEnd(30)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU s/1000'.padStart(10)} ${'RSS MiB'.padStart(8)} ${'failed'.padStart(6)}`)
for (const entry of figures) {
  console.log(
    `${NAMES[entry.id].padEnd(30)} ${String(entry.requestsPerSecond).padStart(7)} ${entry.p50Ms.toFixed(1).padStart(7)} ${entry.p99Ms.toFixed(1).padStart(7)} ${entry.cpuSecondsPer1000.toFixed(3).padStart(10)} ${String(entry.rssMiB).padStart(8)} ${String(entry.failed).padStart(6)}`,
  )
}
console.log(ratioLine(figures, ratio))

if (values.record) {
  const overhead: OverheadStatus = { phase: 'done', running: false, ratio, seconds, connections: OVERHEAD_CONNECTIONS, progress: 1, startedAt, variants: figures, error: null }
  writeFileSync(RECORDING, `${JSON.stringify(overhead, null, 2)}\n`)
  console.log(`kept as the slide's recording → ${RECORDING}`)
}
