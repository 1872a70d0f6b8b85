// `npm run stack` against stand-in `docker` and `podman` commands (small shell scripts first on
// PATH): what it runs when an engine works, and what it says when none does.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const COMPOSE_FILE = join(ROOT, 'stack', 'compose.yaml')

/** An engine's CLI that logs its arguments; FAKE_DOWN makes `info` fail, FAKE_NO_COMPOSE makes `compose` unknown. */
const FAKE_ENGINE = `#!/bin/sh
echo "\${0##*/} $*" >> "$FAKE_LOG"
case "$1" in
  info) if [ -n "$FAKE_DOWN" ]; then echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2; exit 1; fi ;;
  compose) if [ -n "$FAKE_NO_COMPOSE" ]; then echo "unknown command: compose" >&2; exit 1; fi ;;
esac
exit 0
`

function runStack(engines: string[], args: string[] = [], env: Record<string, string> = {}) {
  const bin = mkdtempSync(join(tmpdir(), 'draw64-engines-'))
  for (const engine of engines) {
    writeFileSync(join(bin, engine), FAKE_ENGINE)
    chmodSync(join(bin, engine), 0o755)
  }
  const log = join(bin, 'calls.log')
  writeFileSync(log, '')
  // PATH holds the stand-ins only, so that a real docker on this machine is never reached.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/stack.ts', ...args], {
    cwd: ROOT,
    env: { PATH: bin, FAKE_LOG: log, ...env },
    encoding: 'utf8',
  })
  const calls = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean)
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls }
}

describe.skipIf(process.platform === 'win32')('npm run stack', () => {
  it('starts stack/compose.yaml with docker compose and prints where each UI is', () => {
    const run = runStack(['docker'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.calls).toContain(`docker compose --file ${COMPOSE_FILE} up --detach`)
    expect(run.stdout).toMatch(/Grafana.*http:\/\/127\.0\.0\.1:3000\//)
    expect(run.stdout).toMatch(/Prometheus.*http:\/\/127\.0\.0\.1:9090\//)
    expect(run.stdout).toMatch(/Jaeger.*http:\/\/127\.0\.0\.1:16686\//)
    expect(run.stdout).toContain('npm run demo:stack')
  })

  it('passes its arguments to compose: `npm run stack -- down` stops the stack', () => {
    const run = runStack(['docker'], ['down'])
    expect(run.status).toBe(0)
    expect(run.calls.at(-1)).toBe(`docker compose --file ${COMPOSE_FILE} down`)
  })

  it('uses podman compose when Podman is the engine there is', () => {
    const run = runStack(['podman'])
    expect(run.status, run.stderr).toBe(0)
    expect(run.calls).toContain(`podman compose --file ${COMPOSE_FILE} up --detach`)
  })

  it('says that the daemon is unreachable and compose is missing, and how to fix both, then exits 1', () => {
    const run = runStack(['docker'], [], { FAKE_DOWN: '1', FAKE_NO_COMPOSE: '1' })
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('docker is installed but not reachable (Cannot connect to the Docker daemon')
    expect(run.stderr).toContain('docker is installed without compose: install the Compose plugin')
    expect(run.calls.some((call) => call.includes(' up'))).toBe(false)
  })

  it('says how to get a container engine when there is none, and exits 1', () => {
    const run = runStack([])
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('no container engine found: install Docker')
    expect(run.stderr).toContain('Podman')
  })
})
