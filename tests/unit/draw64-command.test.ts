import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DRAW64_APP_ARGS, DRAW64_NODE_ARGS, DRAW64_ROOT } from '../../demo/ha/draw64-command.ts'

describe('the Draw64 launch command', () => {
  it('is the command of `npm run demo` (which keeps tsx, for any Node), written once', () => {
    const { scripts } = JSON.parse(readFileSync(join(DRAW64_ROOT, 'package.json'), 'utf8'))
    expect(scripts.demo).toBe(['node', '--import', 'tsx', ...DRAW64_APP_ARGS].join(' '))
  })

  it('lets a Node that strips types run the TypeScript itself, and falls back to tsx elsewhere', () => {
    expect(DRAW64_NODE_ARGS.includes('tsx')).toBe(!process.features.typescript)
    expect(DRAW64_NODE_ARGS.slice(-DRAW64_APP_ARGS.length)).toEqual([...DRAW64_APP_ARGS])
  })

  it('is spawned nowhere else by hand', () => {
    for (const file of ['scripts/dev.ts', 'demo/draw64-process.ts', 'demo/ha/replicas.ts']) {
      expect(readFileSync(join(DRAW64_ROOT, file), 'utf8')).not.toContain("'./demo/instrumentation.ts'")
    }
  })
})
