// Starts the real Draw64 server (`npm run demo`'s command) on free ports with its own data
// folder, and stops it politely or with SIGKILL. Used by the tests, the benchmarks and the scripts.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { spawnDraw64 } from './ha/draw64-command.ts'
import { USAGE_REQUEST, type ProcessUsage } from './process-usage.ts'

const USAGE_TIMEOUT_MS = 2000

export interface Draw64Process {
  pid: number
  baseUrl: string
  metricsUrl: string
  dataDir: string
  output: () => string
  stop: () => Promise<void>
  kill: () => Promise<void>
  /** Its own CPU time and RSS (started with `ipc: true` only). */
  usage: () => Promise<ProcessUsage>
}

export interface StartOptions {
  dataDir?: string
  env?: Record<string, string>
  port?: number
  metricsPort?: number
  /** Keep stdout (the JSON logs); a benchmark turns this off so that reading it costs nothing. */
  captureOutput?: boolean
  /** Arguments for demo/main.ts, such as ['--replicas', '2']; without, one Draw64 and no balancer. */
  args?: string[]
  /** The checkout to run Draw64 from: this one, or another revision a benchmark compares with. */
  root?: string
  /** Leave out the caller's OTEL_* and DRAW64_* settings: a server measured as `npm run demo` starts it. */
  cleanEnv?: boolean
  /** An IPC channel: the process then answers `usage()`, and leaves when this one does. */
  ipc?: boolean
}

/** Ready, not just alive: a balancer answers /healthz while its first replicas start. */
async function waitUntilReady(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Draw64 exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`Draw64 did not become ready:\n${output()}`)
}

/**
 * A data folder of its own, removed when this process exits: not at stop(), since a test may
 * start Draw64 again on the same folder to see what it kept.
 */
const madeDirs = new Set<string>()
function madeDataDir(): string {
  if (madeDirs.size === 0) process.once('exit', () => madeDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))
  const dir = mkdtempSync(join(tmpdir(), 'draw64-test-'))
  madeDirs.add(dir)
  return dir
}

export async function startDraw64(options: StartOptions = {}): Promise<Draw64Process> {
  const port = options.port ?? (await freePort())
  const metricsPort = options.metricsPort ?? (await freePort())
  const dataDir = options.dataDir ?? madeDataDir()
  const child = spawnDraw64(options.args ?? [], {
    ...(options.root && { cwd: options.root }),
    env: {
      ...(options.cleanEnv ? Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OTEL|DRAW64)_/.test(name))) : process.env),
      DRAW64_HOST: '127.0.0.1',
      DRAW64_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      DRAW64_DATA_DIR: dataDir,
      // What the tests and benchmarks measure is one Draw64, unless they ask for replicas.
      DRAW64_REPLICAS: '0',
      ...options.env,
    },
    stdio: ['ignore', options.captureOutput === false ? 'ignore' : 'pipe', 'pipe', ...(options.ipc ? ['ipc' as const] : [])],
  })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const output = () => text
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitUntilReady(baseUrl, child, output)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    pid: child.pid!,
    baseUrl,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    dataDir,
    output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
    usage: () => usageOf(child),
  }
}

function usageOf(child: ChildProcess): Promise<ProcessUsage> {
  if (!child.connected) return Promise.reject(new Error('Draw64 was started without an IPC channel, or has left'))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`Draw64 did not report its usage within ${USAGE_TIMEOUT_MS} ms`)), USAGE_TIMEOUT_MS)
    const onMessage = (message: ProcessUsage) => message?.type === USAGE_REQUEST && done(undefined, message)
    function done(error?: Error, usage?: ProcessUsage): void {
      clearTimeout(timer)
      child.off('message', onMessage)
      if (usage) resolve(usage)
      else reject(error)
    }
    child.on('message', onMessage)
    child.send(USAGE_REQUEST)
  })
}
