// Starts and stops the load worker; one load at a time (load-lock.ts), always bounded in duration.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { context, ROOT_CONTEXT } from '@opentelemetry/api'
import type { LoadStatus } from '../../lib/wire.ts'
import { logger } from '../logger.ts'
import { createLoadLock, type LoadLock } from './load-lock.ts'

const WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url))

const HOLDER = { what: 'a load', stop: 'DELETE /api/demo/load' }

export function createLoadGenerator(targetUrl: () => string, lock: LoadLock = createLoadLock()) {
  let worker: ChildProcess | undefined
  let release = () => {}
  let status: LoadStatus = { running: false, rateAsked: 0, rateAchieved: 0, endsAt: null }

  function start(rate: number, seconds: number): LoadStatus {
    release = lock.take(HOLDER)
    // Outside the request that started it: the worker's events belong to no trace.
    const child = context.with(ROOT_CONTEXT, () =>
      fork(WORKER, [targetUrl(), String(rate), String(seconds)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    )
    worker = child
    status = { running: true, rateAsked: rate, rateAchieved: 0, endsAt: new Date(Date.now() + seconds * 1000).toISOString() }
    child.on('message', (message: { type: string; rate: number }) => {
      if (message.type === 'tick' && worker === child) status.rateAchieved = message.rate
    })
    child.on('exit', () => {
      if (worker !== child) return
      worker = undefined
      release()
      status = { ...status, running: false, rateAchieved: 0, endsAt: null }
      logger.info('load stopped')
    })
    logger.info({ rate, seconds }, `load started: ${rate} req/s for ${seconds} s`)
    return { ...status }
  }

  function stop(): LoadStatus {
    const child = worker
    worker = undefined
    if (child) release()
    child?.kill('SIGTERM')
    status = { ...status, running: false, rateAchieved: 0, endsAt: null }
    return { ...status }
  }

  return { start, stop, status: (): LoadStatus => ({ ...status }) }
}

export type LoadGenerator = ReturnType<typeof createLoadGenerator>
