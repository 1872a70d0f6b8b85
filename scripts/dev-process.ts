// Starts `npm run dev` (scripts/dev.ts) on free ports, for the browser tests and the export.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../demo/free-port.ts'
import { DRAW64_PROXY_PATH } from '../lib/demo-endpoints.ts'

const ROOT = join(import.meta.dirname, '..')

export interface DevOptions {
  /** Run the speaker's own command, `npm run dev` (npm and tsx start first), rather than scripts/dev.ts directly. */
  viaNpm?: boolean
}

export interface DevProcess {
  slidesUrl: string
  output: () => string
  /** Ctrl-C, as the speaker stops it. */
  stop: () => Promise<void>
  /** SIGKILL to the dev command's own process alone, as `kill -9` would: no signal reaches what it started. */
  kill: () => Promise<void>
}

/** npm itself, the one running us when there is one. */
function npmRunDev(args: string[]): [string, string[]] {
  const npmCli = process.env.npm_execpath
  const npmArgs = ['run', 'dev', ...(args.length ? ['--', ...args] : [])]
  return npmCli ? [process.execPath, [npmCli, ...npmArgs]] : ['npm', npmArgs]
}

/** `args` go to the dev command, such as ['--lan']. */
export async function startDev(env: Record<string, string>, args: string[] = [], options: DevOptions = {}): Promise<DevProcess> {
  const slidesPort = Number(env.SLIDES_PORT ?? (await freePort()))
  const [command, commandArgs] = options.viaNpm ? npmRunDev(args) : [process.execPath, ['--import', 'tsx', 'scripts/dev.ts', ...args]]
  const child = spawn(command, commandArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env, SLIDES_PORT: String(slidesPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() signals npm and all it started at once, as Ctrl-C does.
    detached: options.viaNpm,
  })
  const signal = (name: NodeJS.Signals) => (options.viaNpm ? process.kill(-child.pid!, name) : child.kill(name))
  let text = ''
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const slidesUrl = `http://localhost:${slidesPort}`

  // Up once the slides answer and reach Draw64 through their proxy: the two start side by side.
  const deadline = Date.now() + 90_000
  for (const url of [slidesUrl, `${slidesUrl}${DRAW64_PROXY_PATH}/healthz`]) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm run dev exited:\n${text}`)
      try {
        if ((await fetch(url)).ok) break
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        signal('SIGKILL')
        throw new Error(`npm run dev did not serve ${url} within 90 s:\n${text}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  return {
    slidesUrl,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null) signal('SIGINT')
      await exited
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
