// How a Draw64 process is started, written once: `npm run dev`, the HA balancer's replicas,
// the tests, the benchmarks and the scripts spawn it through here, and a unit test checks
// that `npm run demo` (package.json) is this same command.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository's root: the command's paths are relative to it. */
export const DRAW64_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The OTel bootstrap loaded before the app (`--import`), then the app. */
export const DRAW64_APP_ARGS = ['--import', './demo/instrumentation.ts', 'demo/main.ts'] as const

/**
 * Node runs the TypeScript itself where it strips types (22.18 and later), else through tsx's
 * loader. Stripping skips tsx's transform: a Draw64 reaches /readyz on about 0.9 s less CPU,
 * twice over for the balancer and its replica, which `npm run dev` spends while Vite compiles
 * the first slide. The code keeps to erasable syntax for it (no parameter properties, no enums).
 */
export const TYPESCRIPT_LOADER: readonly string[] = process.features.typescript ? [] : ['--import', 'tsx']

/** Node's arguments for Draw64 with this Node. */
export const DRAW64_NODE_ARGS = [...TYPESCRIPT_LOADER, ...DRAW64_APP_ARGS]

/** Starts Draw64 with this Node, from the repository's root; `args` go to demo/main.ts (`--replicas 2`). */
export function spawnDraw64(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [...DRAW64_NODE_ARGS, ...args], { cwd: DRAW64_ROOT, ...options })
}
