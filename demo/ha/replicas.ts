// The replicas of HA mode: Draw64 processes on free loopback ports, sharing the SQLite file,
// each with its own service.name, exporting their spans and logs over OTLP to the balancer.
// A replica that dies is not restarted by itself: stopping one is part of the demo.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { Draw64Config } from '../config.ts'
import { freePort } from '../free-port.ts'
import { logger } from '../logger.ts'

export interface Replica {
  readonly name: string
  readonly url: string
  healthy: boolean
  running: boolean
}

export async function startReplicas(config: Draw64Config, count: number, balancerUrl: () => string) {
  const processes = new Map<string, ChildProcess>()
  const replicas: (Replica & { port: number; metricsPort: number })[] = []
  for (let n = 1; n <= count; n++) {
    const port = await freePort()
    replicas.push({ name: `draw64-replica-${n}`, url: `http://127.0.0.1:${port}`, port, metricsPort: await freePort(), healthy: false, running: false })
  }

  function start(replica: (typeof replicas)[number]): void {
    const child = spawn(process.execPath, ['--import', 'tsx', '--import', './demo/instrumentation.ts', 'demo/main.ts'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        DRAW64_LAN: '',
        DRAW64_HOST: '127.0.0.1',
        DRAW64_PORT: String(replica.port),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(replica.metricsPort),
        DRAW64_DATA_DIR: config.dataDir,
        DRAW64_REPLICA: replica.name,
        OTEL_SERVICE_NAME: replica.name,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `${balancerUrl()}/otlp`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
      },
    })
    processes.set(replica.name, child)
    replica.running = true
    child.on('exit', (code, signal) => {
      replica.running = false
      replica.healthy = false
      logger.warn(`${replica.name} stopped (${signal ?? code})`)
    })
  }

  async function checkHealth(): Promise<void> {
    await Promise.all(
      replicas.map(async (replica) => {
        try {
          replica.healthy = (await fetch(`${replica.url}/healthz`, { signal: AbortSignal.timeout(500) })).ok
        } catch {
          replica.healthy = false
        }
      }),
    )
  }

  replicas.forEach(start)
  const health = setInterval(() => void checkHealth(), 500)
  health.unref()

  return {
    replicas: replicas as Replica[],
    checkHealth,
    find: (name: string) => replicas.find((replica) => replica.name === name),
    stop(name: string): boolean {
      const child = processes.get(name)
      if (!child || child.exitCode !== null) return false
      child.kill('SIGTERM')
      return true
    },
    /** Starts a stopped replica again, once the one being stopped has exited. */
    async restart(name: string): Promise<boolean> {
      const replica = replicas.find((candidate) => candidate.name === name)
      const child = processes.get(name)
      if (!replica || (child && child.exitCode === null && !child.killed)) return false
      if (child && child.exitCode === null) await once(child, 'exit')
      start(replica)
      return true
    },
    stopAll(): void {
      for (const child of processes.values()) if (child.exitCode === null) child.kill('SIGTERM')
    },
  }
}

export type ReplicaSet = Awaited<ReturnType<typeof startReplicas>>
