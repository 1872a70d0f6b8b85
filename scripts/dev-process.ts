// Starts `npm run dev` (scripts/dev.ts) on free ports, for the browser tests and the export.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { freePort } from '../demo/free-port.ts'

const ROOT = join(import.meta.dirname, '..')

export interface DevProcess {
  slidesUrl: string
  output: () => string
  stop: () => Promise<void>
}

/** `args` go to the dev command, such as ['--lan']. */
export async function startDev(env: Record<string, string>, args: string[] = []): Promise<DevProcess> {
  const slidesPort = Number(env.SLIDES_PORT ?? (await freePort()))
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, SLIDES_PORT: String(slidesPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const slidesUrl = `http://localhost:${slidesPort}`

  const deadline = Date.now() + 90_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited:\n${text}`)
    try {
      if ((await fetch(slidesUrl)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`npm run dev did not serve ${slidesUrl} within 90 s:\n${text}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    slidesUrl,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGINT')
      await exited
    },
  }
}
