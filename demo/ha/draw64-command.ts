// How a Draw64 process is started, written once: `npm run dev`, the HA balancer's replicas,
// the tests, the benchmarks and the scripts spawn it through here, and a unit test checks
// that `npm run demo` (package.json) is this same command.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository's root: the command's paths are relative to it. */
export const DRAW64_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Node's arguments: the OTel bootstrap loaded before the app (`--import`), then the app. */
export const DRAW64_NODE_ARGS = ['--import', 'tsx', '--import', './demo/instrumentation.ts', 'demo/main.ts'] as const

/** Starts Draw64 with this Node, from the repository's root; `args` go to demo/main.ts (`--replicas 2`). */
export function spawnDraw64(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [...DRAW64_NODE_ARGS, ...args], { cwd: DRAW64_ROOT, ...options })
}
