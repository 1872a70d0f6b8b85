// npm run dev — the talk: Draw64 (started here, or reused when one already answers) and the
// Slidev dev server, stopped together by one Ctrl-C. A Draw64 started here that crashes is
// started again, so the slides go from "reconnecting" back to "live" by themselves.
// `npm run dev -- --lan` serves both on the LAN so the audience can follow (see README);
// Draw64 runs as the HA topology: the balancer and one replica (`--replicas 2` for two, `--replicas 0`
// for one Draw64 without a balancer).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { ALL_INTERFACES, DEFAULT_PORTS, loadConfig, replicasFromArgv } from '../demo/config.ts'
import { spawnDraw64 } from '../demo/ha/draw64-command.ts'
import { freePort } from '../demo/free-port.ts'
import { lanAddress } from '../demo/lan.ts'
import { startSlidesGateway } from './slides-gateway.ts'

const lan = process.argv.includes('--lan')
const replicas = replicasFromArgv()
const env: NodeJS.ProcessEnv = { ...process.env, ...(lan ? { DRAW64_LAN: '1' } : {}) }
const demo = loadConfig(env)
const slidesPort = Number(env.SLIDES_PORT || DEFAULT_PORTS.slides)
const localDemo = `http://127.0.0.1:${demo.port}`
const RESTART_DELAY_MS = 1000

let stopping = false
let draw64: ChildProcess | undefined
let slidev: ChildProcess | undefined

async function demoAnswers(): Promise<boolean> {
  try {
    return (await fetch(`${localDemo}/healthz`, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

function exited(child: ChildProcess | undefined): Promise<unknown> {
  return !child || child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve))
}

function stop(code = 0): void {
  if (stopping) return
  stopping = true
  for (const child of [slidev, draw64]) if (child && child.exitCode === null) child.kill('SIGTERM')
  void Promise.all([exited(slidev), exited(draw64)]).then(() => process.exit(code))
}
process.on('SIGINT', () => stop())
process.on('SIGTERM', () => stop())

/** Draw64's JSON logs go to a file (truncated at each start) so the terminal stays readable. */
function startDraw64(logFile: string): void {
  const log = openSync(logFile, 'w')
  const args = ['--replicas', String(replicas)]
  draw64 = spawnDraw64(args, {
    env,
    // The channel closes when this process goes, however it goes: Draw64 then leaves too.
    stdio: ['ignore', log, 'inherit', 'ipc'],
  })
  draw64.on('exit', (code, signal) => {
    if (stopping) return
    console.error(`Draw64 stopped (${signal ?? code}); starting it again in ${RESTART_DELAY_MS / 1000} s`)
    setTimeout(() => !stopping && startDraw64(logFile), RESTART_DELAY_MS)
  })
}

async function waitForDraw64(): Promise<boolean> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (await demoAnswers()) return true
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return false
}

let logFile: string | undefined
if (await demoAnswers()) {
  console.log(`Draw64 already answers at ${localDemo}: reusing it`)
} else {
  mkdirSync(demo.dataDir, { recursive: true })
  logFile = join(demo.dataDir, 'draw64.log')
  startDraw64(logFile)
  // Not awaited: Slidev starts alongside (Draw64 answers long before Slidev's first page is
  // compiled), so that `npm run dev` is not the sum of both start-up times.
  void waitForDraw64().then((answers) => {
    if (answers) return
    console.error(`Draw64 did not answer on ${localDemo}/healthz within 30 s (logs: ${logFile})`)
    stop(1)
  })
}

// On the LAN, Slidev stays on loopback behind the read-only gateway (scripts/slides-gateway.ts),
// which takes the slides' port. Not Slidev's remote mode: it serves the LAN with every write of
// its dev server open to the room, behind a password sent to every page, and asks the internet
// for this machine's public address.
const slidevPort = lan ? await freePort() : slidesPort
if (lan) await startSlidesGateway(ALL_INTERFACES, slidesPort, { host: 'localhost', port: slidevPort })
const slidevArgs = ['--import', './scripts/leave-with-parent.mjs', 'node_modules/@slidev/cli/bin/slidev.mjs', '--port', String(slidevPort)]
slidev = spawn(process.execPath, slidevArgs, { env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] })
slidev.on('exit', (code) => stop(code ?? 0))

const shared = lan ? lanAddress() : undefined
if (lan && !shared) console.warn('--lan: this machine has no LAN interface (IPv4, not loopback): the audience cannot join')
const audience = (port: number) => (shared ? `   (audience: http://${shared}:${port}/)` : '')
console.log(`
  Slides    http://localhost:${slidesPort}/${audience(slidesPort)}
  Draw64    ${localDemo}/${audience(demo.port)}${logFile ? `\n  Logs      ${logFile}` : ''}
  Metrics   http://127.0.0.1:${demo.metricsPort}/metrics${lan ? '\n  The room reads the slides and follows them; only this machine changes them.' : ''}
  Ctrl-C stops everything.
`)
