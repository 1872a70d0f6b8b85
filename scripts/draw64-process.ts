// Starts the real Draw64 server (`npm run demo`'s command) on free ports with its own data
// folder, and stops it politely or with SIGKILL. Used by the tests, the benchmarks and the scripts.
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../demo/free-port.ts'
import { spawnDraw64 } from '../demo/ha/draw64-command.ts'

export interface Draw64Process {
  baseUrl: string
  metricsUrl: string
  dataDir: string
  output: () => string
  stop: () => Promise<void>
  kill: () => Promise<void>
}

export interface StartOptions {
  dataDir?: string
  env?: Record<string, string>
  port?: number
  metricsPort?: number
  /** Keep stdout (the JSON logs); a benchmark turns this off so that reading it costs nothing. */
  captureOutput?: boolean
  /** Arguments for demo/main.ts, such as ['--replicas', '2']. */
  args?: string[]
  /** The checkout to run Draw64 from: this one, or another revision a benchmark compares with. */
  root?: string
}

async function waitUntilHealthy(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Draw64 exited with ${child.exitCode}:\n${output()}`)
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`Draw64 did not become healthy:\n${output()}`)
}

export async function startDraw64(options: StartOptions = {}): Promise<Draw64Process> {
  const port = options.port ?? (await freePort())
  const metricsPort = options.metricsPort ?? (await freePort())
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'draw64-test-'))
  const child = spawnDraw64(options.args ?? [], {
    ...(options.root && { cwd: options.root }),
    env: {
      ...process.env,
      DRAW64_HOST: '127.0.0.1',
      DRAW64_PORT: String(port),
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      DRAW64_DATA_DIR: dataDir,
      ...options.env,
    },
    stdio: ['ignore', options.captureOutput === false ? 'ignore' : 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const output = () => text
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const baseUrl = `http://127.0.0.1:${port}`
  try {
    await waitUntilHealthy(baseUrl, child, output)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
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
  }
}
