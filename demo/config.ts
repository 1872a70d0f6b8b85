// The one place that knows ports, addresses and paths. Everything binds to loopback unless
// the operator opts in to serving the LAN (DRAW64_LAN=1, or `npm run dev -- --lan`).

export interface Draw64Config {
  /** Serving the LAN was asked for (DRAW64_LAN): the audience joins from their phones. */
  lan: boolean
  host: string
  port: number
  metricsHost: string
  metricsPort: number
  dataDir: string
  synchronous: 'normal' | 'full'
  /** Live-event streams served at once to attendees; the speaker's machine is always served. */
  maxLiveStreams: number
  /** What each client other than this machine may spend (demo/http/budgets.ts). */
  budgets: {
    /** Changes to images per second, and burst. */
    writes: { perSecond: number; burst: number }
    /** PNG, pixel and telemetry-page reads per second, and burst. */
    reads: { perSecond: number; burst: number }
    /** Browser-span exports per second, and burst. */
    exports: { perSecond: number; burst: number }
    /** Live-event streams held open at once. */
    streamsPerClient: number
  }
}

export const DEFAULT_PORTS = { slides: 3030, api: 8064, metrics: 9464 } as const

const LOOPBACK = '127.0.0.1'
export const ALL_INTERFACES = '0.0.0.0'

export function lanEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DRAW64_LAN === '1' || env.DRAW64_LAN === 'true'
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new Error(`${name} must be a port number (0–65535), got "${value}"`)
  }
  return parsed
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, got "${value}"`)
  return parsed
}

function synchronous(value: string | undefined): 'normal' | 'full' {
  if (value === undefined || value === '' || value.toLowerCase() === 'normal') return 'normal'
  if (value.toLowerCase() === 'full') return 'full'
  throw new Error(`DRAW64_SQLITE_SYNCHRONOUS must be "normal" or "full", got "${value}"`)
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Draw64Config {
  const defaultHost = lanEnabled(env) ? ALL_INTERFACES : LOOPBACK
  return {
    lan: lanEnabled(env),
    host: env.DRAW64_HOST || defaultHost,
    port: port(env.DRAW64_PORT, DEFAULT_PORTS.api, 'DRAW64_PORT'),
    metricsHost: env.OTEL_EXPORTER_PROMETHEUS_HOST || defaultHost,
    metricsPort: port(env.OTEL_EXPORTER_PROMETHEUS_PORT, DEFAULT_PORTS.metrics, 'OTEL_EXPORTER_PROMETHEUS_PORT'),
    dataDir: env.DRAW64_DATA_DIR || 'data',
    synchronous: synchronous(env.DRAW64_SQLITE_SYNCHRONOUS),
    maxLiveStreams: positive(env.DRAW64_MAX_LIVE_STREAMS, 500, 'DRAW64_MAX_LIVE_STREAMS'),
    budgets: {
      writes: {
        perSecond: positive(env.DRAW64_RATE_LIMIT_PER_SECOND, 15, 'DRAW64_RATE_LIMIT_PER_SECOND'),
        burst: positive(env.DRAW64_RATE_LIMIT_BURST, 30, 'DRAW64_RATE_LIMIT_BURST'),
      },
      // A deck viewer polls spans and logs at most every 250 ms each while things happen.
      reads: {
        perSecond: positive(env.DRAW64_READ_LIMIT_PER_SECOND, 10, 'DRAW64_READ_LIMIT_PER_SECOND'),
        burst: positive(env.DRAW64_READ_LIMIT_BURST, 40, 'DRAW64_READ_LIMIT_BURST'),
      },
      // A page exports a batch every few hundred milliseconds while someone draws.
      exports: { perSecond: 5, burst: 20 },
      // A phone with the page open in a few tabs.
      streamsPerClient: positive(env.DRAW64_STREAMS_PER_CLIENT, 4, 'DRAW64_STREAMS_PER_CLIENT'),
    },
  }
}

/** How many replicas the HA balancer runs at once: what the slides may add and kill between. */
export const REPLICA_BOUNDS = { min: 1, max: 4 } as const

/**
 * `npm run demo` and `npm run dev` run the HA topology from the start: the balancer and one
 * replica, so "La HA, en vrai" adds, kills and rolls out replicas without a restart.
 */
export const DEFAULT_REPLICAS = 1

/**
 * How many replicas to run behind the balancer: `--replicas N`, else DRAW64_REPLICAS, else
 * DEFAULT_REPLICAS. 0 runs one Draw64 on its own, with no balancer: what each replica is, and
 * what the tests and benchmarks measure (an older checkout ignores the variable and does the same).
 */
export function replicasFromArgv(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): number {
  const index = argv.indexOf('--replicas')
  const [source, text] = index >= 0 ? ['--replicas', argv[index + 1]] : ['DRAW64_REPLICAS', env.DRAW64_REPLICAS]
  if (index < 0 && !text) return DEFAULT_REPLICAS
  const count = /^\d+$/.test(text ?? '') ? Number(text) : Number.NaN
  const { min, max } = REPLICA_BOUNDS
  if (Number.isNaN(count) || count < 0 || count > max) {
    throw new Error(`${source} takes 0 (one Draw64, no balancer) or a number from ${min} to ${max}, got "${text}"`)
  }
  return count
}

/** service.name: OTEL_SERVICE_NAME when set (replicas), else draw64-lb for the balancer, or draw64 on its own. */
export function serviceName(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): string {
  return env.OTEL_SERVICE_NAME || (replicasFromArgv(argv, env) > 0 ? 'draw64-lb' : 'draw64')
}
