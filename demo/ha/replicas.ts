// The replicas of HA mode, and every process the balancer manages: Draw64 processes on free
// loopback ports, sharing the SQLite file, each with its own service.name, exporting their
// spans, logs and metrics over OTLP to the balancer. The slides add them (1 to 4), kill them
// (SIGKILL, as a crash), start a crashed one again, and roll out a new version.
// A replica that dies is not restarted by itself: a crash is part of the demo.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { REPLICA_BOUNDS, type Draw64Config } from '../config.ts'
import { freePort } from '../free-port.ts'
import { logger } from '../logger.ts'
import { spawnDraw64 } from './draw64-command.ts'
import { forgetPeer, notePeer } from './peers.ts'
import { recordRefusedCall } from './refused-calls.ts'
import { rollOut } from './rollout.ts'

const { min: MIN_REPLICAS, max: MAX_REPLICAS } = REPLICA_BOUNDS
/** The version the first replicas run; a rollout replaces it. */
export const FIRST_VERSION = '1'

const HEALTH_INTERVAL_MS = 1000
const READY_TIMEOUT_MS = 30_000
const DRAIN_TIMEOUT_MS = 3000

/**
 * starting: not yet healthy; ready: routed to; unhealthy: its health check or a call failed;
 * draining: out of the rotation, finishing its requests (rollout); crashed: its process is gone.
 */
export type ReplicaState = 'starting' | 'ready' | 'unhealthy' | 'draining' | 'crashed'

export interface ReplicaView {
  name: string
  state: ReplicaState
  version: string
  port: number
}

export interface Replica {
  readonly name: string
  readonly port: number
  readonly url: string
  readonly version: string
  /** Routed to: set by the health checks, cleared by a refused call. */
  healthy: boolean
  /** Requests being forwarded to it, live-event streams aside: a drain waits for them. */
  inFlight: number
}

interface Member extends Replica {
  child: ChildProcess
  exited: Promise<unknown>
  everHealthy: boolean
  failedChecks: number
  draining: boolean
}

/** The demo asked for something the bounds or the current state do not allow: a 409. */
export class ReplicaConflictError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReplicaConflictError'
  }
}

export class UnknownReplicaError extends Error {
  constructor(name: string) {
    super(`no replica named "${name}"`)
    this.name = 'UnknownReplicaError'
  }
}

const isRunning = (member: Member) => member.child.exitCode === null && member.child.signalCode === null

function stateOf(member: Member): ReplicaState {
  if (!isRunning(member)) return 'crashed'
  if (member.draining) return 'draining'
  if (member.healthy) return 'ready'
  return member.everHealthy ? 'unhealthy' : 'starting'
}

async function answers(url: string): Promise<boolean> {
  return (await probe(url)) === 'ok'
}

/** ok; refused (nothing listens: it is gone); or slow/failing (busy, maybe only for a moment). */
async function probe(url: string): Promise<'ok' | 'refused' | 'failed'> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(500) })).ok ? 'ok' : 'failed'
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED' ? 'refused' : 'failed'
  }
}

/** A replica too busy to answer its check in time stays in the rotation until this many in a row. */
const FAILED_CHECKS_BEFORE_UNHEALTHY = 3

export async function createReplicaSet(config: Draw64Config, balancerUrl: () => string) {
  const members: Member[] = []
  let rollingOut: string | undefined
  // Changes to the set run one after the other: two clicks on "add" make two distinct replicas.
  let queue: Promise<unknown> = Promise.resolve()
  function exclusive<T>(change: () => Promise<T>): Promise<T> {
    const done = queue.then(change)
    queue = done.catch(() => {})
    return done
  }

  /**
   * The balancer's environment, less what would take a replica's telemetry elsewhere: the
   * speaker's OTEL_EXPORTER_OTLP_* settings (a signal's own endpoint or protocol beats the
   * generic ones a replica is given, and the balancer reads JSON, cumulative), and with the
   * replica's version last in OTEL_RESOURCE_ATTRIBUTES, which the SDK lets beat the code's.
   */
  function inheritedEnv(version: string): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(process.env).filter(([variable]) => !variable.startsWith('OTEL_EXPORTER_OTLP_')))
    const attributes = [process.env.OTEL_RESOURCE_ATTRIBUTES, `service.version=${version}`].filter(Boolean).join(',')
    return { ...env, OTEL_RESOURCE_ATTRIBUTES: attributes }
  }

  /** The lowest free replica number: names stay short as replicas come and go. */
  function nextName(): string {
    for (let n = 1; ; n++) if (!members.some((member) => member.name === `draw64-replica-${n}`)) return `draw64-replica-${n}`
  }

  function spawnReplica(name: string, port: number, version: string): ChildProcess {
    const child = spawnDraw64([], {
      // The IPC channel tells the replica when the balancer is gone (demo/main.ts).
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...inheritedEnv(version),
        DRAW64_LAN: '',
        DRAW64_HOST: '127.0.0.1',
        DRAW64_PORT: String(port),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: '0',
        DRAW64_DATA_DIR: config.dataDir,
        DRAW64_REPLICA: name,
        // A replica is one Draw64, not a balancer of its own.
        DRAW64_REPLICAS: '0',
        DRAW64_VERSION: version,
        OTEL_SERVICE_NAME: name,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_METRIC_EXPORT_INTERVAL: '1000',
        OTEL_EXPORTER_OTLP_ENDPOINT: `${balancerUrl()}/otlp`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
      },
    })
    child.on('exit', (code, signal) => logger.warn(`${name} stopped (${signal ?? code})`))
    return child
  }

  /** Starts a replica in a slot (a new one, or a crashed one's). */
  async function launch(name: string, version: string, port?: number): Promise<Member> {
    const replicaPort = port ?? (await freePort())
    const child = spawnReplica(name, replicaPort, version)
    const member: Member = {
      name, port: replicaPort, url: `http://127.0.0.1:${replicaPort}`, version,
      healthy: false, everHealthy: false, failedChecks: 0, draining: false, inFlight: 0,
      child, exited: once(child, 'exit'),
    }
    notePeer(replicaPort, name)
    const slot = members.findIndex((existing) => existing.name === name)
    if (slot >= 0) members[slot] = member
    else members.push(member)
    return member
  }

  const readyListeners: ((replica: Replica) => void)[] = []
  function becameHealthy(member: Member): void {
    const first = !member.everHealthy
    member.healthy = member.everHealthy = true
    if (first) for (const listener of readyListeners) listener(member)
  }

  async function checkHealth(): Promise<void> {
    await Promise.all(
      members.map(async (member) => {
        // A crash is learned the way a real balancer learns it: a failed check or a refused call.
        const checkedAt = Date.now()
        const result = await probe(`${member.url}/healthz`)
        member.failedChecks = result === 'ok' ? 0 : member.failedChecks + 1
        if (result === 'ok') becameHealthy(member)
        else if (result === 'refused' || member.failedChecks >= FAILED_CHECKS_BEFORE_UNHEALTHY) {
          // The check that finds it gone first, not every check after: one red call, not one a second;
          // none for a replica a rollout is stopping.
          if (result === 'refused' && member.healthy && !member.draining) recordRefusedCall(member, 'GET', '/healthz', checkedAt)
          member.healthy = false
        }
      }),
    )
  }

  async function waitReady(member: Member): Promise<boolean> {
    const deadline = Date.now() + READY_TIMEOUT_MS
    while (Date.now() < deadline && isRunning(member)) {
      if (await answers(`${member.url}/readyz`)) {
        becameHealthy(member)
        return true
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return false
  }

  async function remove(member: Member, signal: NodeJS.Signals): Promise<void> {
    if (isRunning(member)) member.child.kill(signal)
    await member.exited
    members.splice(members.indexOf(member), 1)
    forgetPeer(member.port)
  }

  /** Out of the rotation, then its requests in flight finish (bounded). */
  async function drain(member: Member): Promise<void> {
    member.draining = true
    const deadline = Date.now() + DRAIN_TIMEOUT_MS
    while (member.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  }

  function find(name: string): Member {
    const member = members.find((candidate) => candidate.name === name)
    if (!member) throw new UnknownReplicaError(name)
    return member
  }

  const live = () => members.filter(isRunning)
  const currentVersion = () => members.find(isRunning)?.version ?? FIRST_VERSION

  function refuseDuringRollout(): void {
    if (rollingOut !== undefined) throw new ReplicaConflictError(`a rollout to version ${rollingOut} is under way`)
  }

  const health = setInterval(() => void checkHealth(), HEALTH_INTERVAL_MS)
  health.unref()

  return {
    list: (): ReplicaView[] => members.map((member) => ({ name: member.name, state: stateOf(member), version: member.version, port: member.port })),
    /** The replicas that answer: what the control routes and /healthz use, in a stable order. */
    routable: (): Replica[] => members.filter((member) => member.healthy && !member.draining && isRunning(member)),
    /**
     * The rotation requests go to. It does not look at the processes: like any load balancer, it
     * learns that a replica crashed from the connection it refuses (the refused call is a red
     * edge on the service map, and the request goes to the next one), or from its next failed
     * health check.
     */
    rotation: (): Replica[] => members.filter((member) => member.healthy && !member.draining),
    /**
     * When none is healthy, every running one still in the rotation: trying a replica that may
     * be back beats answering 503 for sure (Envoy's "panic mode").
     */
    lastResort: (): Replica[] => members.filter((member) => member.everHealthy && !member.draining && isRunning(member)),
    get rollingOut() {
      return rollingOut
    },

    /** Starts `count` replicas and resolves once all are ready, or rejects. */
    async start(count: number): Promise<void> {
      const started: Member[] = []
      for (let n = 0; n < count; n++) started.push(await launch(nextName(), FIRST_VERSION))
      const ready = await Promise.all(started.map(waitReady))
      if (!ready.every(Boolean)) throw new Error('the replicas did not get ready within 30 s')
    },

    /** One more replica: a crashed one started again, or a new one (at most MAX_REPLICAS). */
    add: (): Promise<ReplicaView> => exclusive(async () => {
      refuseDuringRollout()
      if (live().length >= MAX_REPLICAS) throw new ReplicaConflictError(`at most ${MAX_REPLICAS} replicas`)
      const crashed = members.find((member) => !isRunning(member))
      const member = crashed ? await launch(crashed.name, currentVersion(), crashed.port) : await launch(nextName(), currentVersion())
      return { name: member.name, state: stateOf(member), version: member.version, port: member.port }
    }),

    /** Called once per replica process, when it first passes its check. */
    onFirstReady: (listener: (replica: Replica) => void): void => void readyListeners.push(listener),

    /** Running replicas (crashed ones aside). */
    running: (): number => live().length,

    /** Scales down politely (the autoscaler): the newest running replica drains and stops. */
    retireOne: (): Promise<void> => exclusive(async () => {
      refuseDuringRollout()
      const running = live()
      if (running.length <= MIN_REPLICAS) throw new ReplicaConflictError(`at least ${MIN_REPLICAS} replica`)
      const member = running[running.length - 1]!
      await drain(member)
      await remove(member, 'SIGTERM')
    }),

    /** Starts a crashed replica again, under its name and port. */
    restart: (name: string): Promise<void> => exclusive(async () => {
      refuseDuringRollout()
      const member = find(name)
      if (isRunning(member)) throw new ReplicaConflictError(`${name} is already running`)
      await launch(name, member.version, member.port)
    }),

    /** SIGKILL, as a crash: it stays listed (crashed) until it is started again. */
    kill: (name: string): Promise<void> => exclusive(async () => {
      refuseDuringRollout()
      const member = find(name)
      if (!isRunning(member)) throw new ReplicaConflictError(`${name} has already crashed`)
      if (live().length <= MIN_REPLICAS) throw new ReplicaConflictError(`${name} is the last replica running: the demo keeps at least ${MIN_REPLICAS}`)
      member.child.kill('SIGKILL')
      await member.exited
    }),

    /** Replaces the running replicas one at a time by replicas of `version`; crashed ones are dropped. */
    async rollout(version: string): Promise<void> {
      refuseDuringRollout()
      rollingOut = version
      try {
        for (const crashed of members.filter((member) => !isRunning(member))) await remove(crashed, 'SIGKILL')
        await rollOut<Member>(live(), {
          start: () => launch(nextName(), version),
          ready: waitReady,
          drain,
          stop: (member) => remove(member, 'SIGTERM'),
          discard: (member) => remove(member, 'SIGKILL'),
        })
        logger.info({ version }, `rollout to version ${version} done`)
      } finally {
        rollingOut = undefined
      }
    },

    /** SIGTERM to every running replica; resolves once they have all left. */
    stopAll(): Promise<void> {
      clearInterval(health)
      const running = members.filter(isRunning)
      for (const member of running) member.child.kill('SIGTERM')
      return Promise.all(running.map((member) => member.exited)).then(() => {})
    },
  }
}

export type ReplicaSet = Awaited<ReturnType<typeof createReplicaSet>>
