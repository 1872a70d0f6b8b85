// npm run stack — the real observability stack of stack/compose.yaml (OpenTelemetry Collector,
// Prometheus, Jaeger, Loki, Grafana) in containers, with Docker or Podman. Arguments go to
// compose: `npm run stack -- down` stops it, `npm run stack -- logs -f` follows it.
// Without a usable engine it says what is missing and how to get it, and exits with 1.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const COMPOSE_FILE = join(import.meta.dirname, '..', 'stack', 'compose.yaml')

interface Probe {
  ran: boolean
  ok: boolean
  output: string
}

function probe(command: string, args: string[]): Probe {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000 })
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim()
  return { ran: !result.error, ok: !result.error && result.status === 0, output }
}

const firstLine = (text: string) => text.split('\n').find((line) => line.trim()) ?? 'no answer'

/** The compose command of an engine: its own subcommand, else the standalone tool. */
function composeCommand(engine: 'docker' | 'podman'): string[] | undefined {
  const candidates = engine === 'docker' ? [['docker', 'compose'], ['docker-compose']] : [['podman', 'compose'], ['podman-compose']]
  return candidates.find(([command, ...args]) => probe(command, [...args, 'version']).ok)
}

const HOW_TO = {
  docker: {
    compose: 'install the Compose plugin (Debian/Ubuntu: apt-get install docker-compose-plugin; Docker Desktop ships it)',
    daemon: 'start Docker (Docker Desktop, or `sudo systemctl start docker`), or check DOCKER_HOST and that you may use its socket',
  },
  podman: {
    compose: 'install podman-compose (pip install podman-compose, or your distribution package)',
    daemon: 'on macOS and Windows start the VM with `podman machine start`',
  },
}

/** The first engine that is installed, reachable and has compose; otherwise what each one lacks. */
function findEngine(): { compose: string[] } | { problems: string[] } {
  const problems: string[] = []
  for (const engine of ['docker', 'podman'] as const) {
    if (!probe(engine, ['--version']).ran) continue
    const info = probe(engine, ['info'])
    const compose = composeCommand(engine)
    if (info.ok && compose) return { compose }
    if (!info.ok) problems.push(`${engine} is installed but not reachable (${firstLine(info.output)}): ${HOW_TO[engine].daemon}`)
    if (!compose) problems.push(`${engine} is installed without compose: ${HOW_TO[engine].compose}`)
  }
  if (problems.length === 0) {
    problems.push('no container engine found: install Docker Engine or Docker Desktop (https://docs.docker.com/get-docker/), or Podman with podman-compose (https://podman.io/)')
  }
  return { problems }
}

const UI_NAMES: Record<string, string> = {
  grafana: 'Grafana (dashboard "Draw64")',
  prometheus: 'Prometheus',
  jaeger: 'Jaeger',
  loki: 'Loki (API)',
  'otel-collector': 'Collector (OTLP gRPC, HTTP)',
}

/** What compose.yaml publishes, read from it: it is the one place that knows the ports. */
function publishedAddresses(): string[] {
  const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, { ports?: string[] }> }
  return Object.entries(compose.services).flatMap(([service, { ports = [] }]) => {
    const addresses = ports.map((port) => port.split(':').slice(0, 2).join(':'))
    const shown = service === 'otel-collector' ? addresses : addresses.map((address) => `http://${address}/`)
    return `  ${(UI_NAMES[service] ?? service).padEnd(28)} ${shown.join('  ')}`
  })
}

const engine = findEngine()
if ('problems' in engine) {
  console.error(`npm run stack needs a container engine with compose:\n${engine.problems.map((problem) => `  - ${problem}`).join('\n')}`)
  console.error('Without one, Draw64 still exports OTLP anywhere: set OTEL_EXPORTER_OTLP_ENDPOINT and run `npm run demo:stack`.')
  process.exit(1)
}

const composeArgs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['up', '--detach']
const [command, ...prefix] = engine.compose
const result = spawnSync(command, [...prefix, '--file', COMPOSE_FILE, ...composeArgs], { stdio: 'inherit' })
if (result.status !== 0) process.exit(result.status ?? 1)

if (composeArgs[0] === 'up') {
  console.log(`
The stack is up (\`npm run stack -- down\` stops it):
${publishedAddresses().join('\n')}
Next: \`npm run demo:stack\` runs Draw64 exporting to it; draw, then open Grafana.`)
}
