// npm run fault -- NAME on|off [VALUE] — switches one of the demo's fault flags
// (drawLatency ms, drawErrors %, slowDatabase ms); `npm run fault` alone lists them.
import { loadConfig } from '../demo/config.ts'

const [name, switchTo, value] = process.argv.slice(2)
const api = `http://127.0.0.1:${loadConfig().port}/api/demo/faults`

async function call(url: string, init?: RequestInit): Promise<any> {
  const response = await fetch(url, init).catch(() => {
    throw new Error(`Draw64 does not answer at ${url}: start it with npm run demo (or npm run dev)`)
  })
  const json = await response.json()
  if (!response.ok) throw new Error(json.error)
  return json
}

try {
  if (!name) {
    const { faults } = await call(api)
    for (const [flag, state] of Object.entries<any>(faults)) {
      console.log(`${flag.padEnd(14)} ${state.enabled ? 'ON ' : 'off'} ${state.value} ${state.unit}  ${state.description}`)
    }
  } else {
    if (switchTo !== 'on' && switchTo !== 'off') throw new Error('usage: npm run fault -- NAME on|off [VALUE]')
    const body = { enabled: switchTo === 'on', ...(value === undefined ? {} : { value: Number(value) }) }
    const { fault } = await call(`${api}/${name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    console.log(`${name} ${fault.enabled ? 'ON' : 'off'} (${fault.value} ${fault.unit})`)
  }
} catch (error) {
  console.error((error as Error).message)
  process.exit(1)
}
