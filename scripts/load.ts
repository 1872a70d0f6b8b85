// npm run load -- [--rate 100] [--duration 60] — starts the demo's load generator through
// Draw64's API (the same client the DemoControls slide uses), shows the rate achieved every
// second, and stops it on Ctrl-C or at the end.
import { parseArgs } from 'node:util'
import { loadConfig } from '../demo/config.ts'
import { createDemoControlApi, DemoControlError } from '../lib/demo-control-api.ts'

const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, duration: { type: 'string', default: '60' } } })
const base = `http://127.0.0.1:${loadConfig().port}`
const api = createDemoControlApi({ base })

try {
  await api.startLoad({ rate: Number(values.rate), durationSeconds: Number(values.duration) })
  console.log(`Load started: ${values.rate} req/s for ${values.duration} s (Ctrl-C stops it)`)
  process.on('SIGINT', () => void api.stopLoad().then(() => process.exit(0)))
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const status = await api.load()
    if (!status.running) break
    console.log(`  asked ${status.rateAsked} req/s, achieved ${status.rateAchieved} req/s`)
  }
  console.log('Load finished')
} catch (error) {
  const unreachable = error instanceof DemoControlError && error.status === 0
  console.error(unreachable ? `Draw64 does not answer at ${base}: start it with npm run demo (or npm run dev)` : (error as Error).message)
  process.exit(1)
}
