// The overhead slide's lever (POST/GET/DELETE /api/demo/overhead): one measurement at a time,
// never while a load runs (load-lock.ts), in a worker process so that the demo's own event
// loop keeps serving the slides. The load lasts at most 20 s, the start of its three servers
// 30 s; past both the worker is cut, and its servers leave with it (their IPC channel closes),
// even on SIGKILL.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { context, ROOT_CONTEXT } from '@opentelemetry/api'
import { OVERHEAD_SECONDS, type OverheadRequest, type OverheadStatus } from '../../lib/wire.ts'
import { logger } from '../logger.ts'
import type { LoadLock } from './load-lock.ts'
import { OVERHEAD_CONNECTIONS, type OverheadProgress } from './overhead.ts'

const WORKER = fileURLToPath(new URL('./overhead-worker.ts', import.meta.url))
/**
 * The load lasts at most 15 s (a 1 s warm-up per server and 12 s of slices, lib/wire.ts), within 20 s.
 * Before it, the three servers start: 2–4 s on a laptop, up to 15 s on a busy 2-vCPU machine,
 * 30 s at most (demo/draw64-process.ts). Past both, the run is cut whatever happens.
 */
export const OVERHEAD_LOAD_LIMIT_MS = 20_000
const START_LIMIT_MS = 30_000
const STOP_GRACE_MS = 3000
const HOLDER = { what: 'the overhead measurement', stop: 'DELETE /api/demo/overhead' }

/** What the worker posts: progress while it measures, then its figures or its error. */
export type OverheadWorkerMessage =
  | ({ type: 'progress' } & OverheadProgress)
  | { type: 'done'; variants: OverheadStatus['variants'] }
  | { type: 'failed'; error: string }

const IDLE: OverheadStatus = { phase: 'idle', running: false, ratio: 0, seconds: 0, connections: OVERHEAD_CONNECTIONS, progress: 0, startedAt: null, variants: [], error: null }

const ended = (phase: OverheadStatus['phase']) => phase === 'done' || phase === 'stopped' || phase === 'failed'

export function createOverheadRunner(lock: LoadLock) {
  let status = IDLE
  let worker: ChildProcess | undefined

  /** Ends the run with `change` (the first ending wins) and lets the worker go; `running` stays true until it has left. */
  function end(child: ChildProcess, change: Partial<OverheadStatus>): void {
    if (worker !== child || ended(status.phase)) return
    status = { ...status, ...change }
    child.kill('SIGTERM')
    setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), STOP_GRACE_MS).unref()
  }

  function start({ ratio, seconds = OVERHEAD_SECONDS.default }: OverheadRequest): OverheadStatus {
    const release = lock.take(HOLDER)
    const child = context.with(ROOT_CONTEXT, () =>
      fork(WORKER, [String(ratio), String(seconds)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
    )
    worker = child
    status = { ...IDLE, phase: 'starting', running: true, ratio, seconds, startedAt: new Date().toISOString() }
    const cutAfterMs = START_LIMIT_MS + OVERHEAD_LOAD_LIMIT_MS
    const deadline = setTimeout(() => end(child, { phase: 'failed', error: `cut after ${cutAfterMs / 1000} s` }), cutAfterMs)
    child.on('message', (message: OverheadWorkerMessage) => {
      if (worker !== child || ended(status.phase)) return
      if (message.type === 'progress') status = { ...status, phase: message.phase, progress: message.progress, variants: message.variants }
      else if (message.type === 'done') end(child, { phase: 'done', progress: 1, variants: message.variants })
      else end(child, { phase: 'failed', error: message.error })
    })
    child.on('exit', (code, signal) => {
      clearTimeout(deadline)
      end(child, { phase: 'failed', error: `the measuring process left (${signal ?? `exit ${code}`})` })
      worker = undefined
      status = { ...status, running: false }
      release()
      logger.info({ phase: status.phase, ratio }, `overhead measurement ${status.phase}`)
    })
    logger.info({ ratio, seconds }, `overhead measurement started: off, on and sampled at ${ratio}`)
    return status
  }

  function stop(): OverheadStatus {
    if (worker) end(worker, { phase: 'stopped' })
    return status
  }

  return { start, stop, status: (): OverheadStatus => status }
}

export type OverheadRunner = ReturnType<typeof createOverheadRunner>
