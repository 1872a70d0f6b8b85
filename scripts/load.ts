// npm run load -- [--rate 100] [--duration 60] — starts the demo's load generator through
// Draw64's API (the same one the DemoControls slide uses), shows the rate achieved every
// second, and stops it on Ctrl-C or at the end.
import { parseArgs } from 'node:util'
import { loadConfig } from '../demo/config.ts'

const { values } = parseArgs({ options: { rate: { type: 'string', default: '100' }, duration: { type: 'string', default: '60' } } })
const api = `http://127.0.0.1:${loadConfig().port}/api/demo/load`

async function call(method: string, body?: unknown): Promise<{ running: boolean; rateAsked: number; rateAchieved: number; error?: string }> {
  const response = await fetch(api, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => {
    throw new Error(`Draw64 does not answer at ${api}: start it with npm run demo (or npm run dev)`)
  })
  const json = await response.json()
  if (!response.ok) throw new Error(json.error ?? `${method} ${api}: ${response.status}`)
  return json
}

try {
  await call('POST', { rate: Number(values.rate), durationSeconds: Number(values.duration) })
  console.log(`Load started: ${values.rate} req/s for ${values.duration} s (Ctrl-C stops it)`)
  process.on('SIGINT', () => void call('DELETE').then(() => process.exit(0)))
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const status = await call('GET')
    if (!status.running) break
    console.log(`  asked ${status.rateAsked} req/s, achieved ${status.rateAchieved} req/s`)
  }
  console.log('Load finished')
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
