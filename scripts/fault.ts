// npm run fault -- NAME on|off [VALUE] — switches one of the demo's fault flags (the catalogue is
// FAULT_SPECS in demo/control/faults.ts); `npm run fault` alone lists them.
import { loadConfig } from '../demo/config.ts'
import { createDemoControlApi, DemoControlError } from '../lib/demo-control-api.ts'

const [name, switchTo, value] = process.argv.slice(2)
const api = createDemoControlApi({ base: `http://127.0.0.1:${loadConfig().port}` })

try {
  if (!name) {
    for (const [flag, state] of Object.entries(await api.faults())) {
      console.log(`${flag.padEnd(14)} ${state.enabled ? 'ON ' : 'off'} ${state.value} ${state.unit}  ${state.description} (${state.min}–${state.max})`)
    }
  } else {
    if (switchTo !== 'on' && switchTo !== 'off') throw new Error('usage: npm run fault -- NAME on|off [VALUE]')
    const fault = await api.setFault(name, { enabled: switchTo === 'on', ...(value === undefined ? {} : { value: Number(value) }) })
    console.log(`${name} ${fault.enabled ? 'ON' : 'off'} (${fault.value} ${fault.unit})`)
  }
} catch (error) {
  console.error(unreachable(error) ? `Draw64 does not answer at ${api.faultsUrl}: start it with npm run demo (or npm run dev)` : (error as Error).message)
  process.exit(1)
}

function unreachable(error: unknown): boolean {
  return error instanceof DemoControlError && error.status === 0
}
