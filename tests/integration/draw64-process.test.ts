// The helper that starts Draw64 for the tests, the benchmarks and the scripts leaves no data
// folder behind, and keeps it across a restart until its own process leaves.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const script = `
  import { startDraw64 } from './demo/draw64-process.ts'
  import { existsSync } from 'node:fs'
  const first = await startDraw64()
  await first.stop()
  const again = await startDraw64({ dataDir: first.dataDir })
  await again.stop()
  console.log(JSON.stringify({ dataDir: first.dataDir, keptAcrossRestart: existsSync(first.dataDir + '/draw64.sqlite') }))
`

describe('startDraw64', () => {
  it('keeps the data folder it made across a restart, and removes it when its process exits', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8' })
    const { dataDir, keptAcrossRestart } = JSON.parse(output.trim().split('\n').at(-1)!)
    expect(keptAcrossRestart).toBe(true)
    expect(existsSync(dataDir)).toBe(false)
  }, 60_000)
})
