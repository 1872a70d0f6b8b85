// The balancer's demo control (local only, like every lever): the replicas themselves (list,
// add, kill, start again, roll out), and the fault flags, which live in each replica: switched
// on all of them at once, or on one (`"replica": "draw64-replica-2"`) to show a replica that
// fails its draws while its health check stays green.
import * as z from 'zod/mini'
import { FAULT_SPECS, isFaultName, type FaultName } from '../control/faults.ts'
import { autoscalerChangeSchema, emptyBodySchema, faultAnswerSchema, faultChangeSchema, type FaultChange, type FaultState, REPLICA_NAME_PATTERN, replicaScopeSchema, rolloutRequestSchema, type ReplicaList } from '../../lib/wire.ts'
import { readJsonBody, readOptionalJsonBody } from '../http/body.ts'
import { localOnly } from '../http/local-only.ts'
import { HttpError, sendJson } from '../http/respond.ts'
import type { Handler, Route } from '../http/router.ts'
import { ROUTES } from '../http/routes/table.ts'
import { parseBody } from '../http/validation.ts'
import { logger } from '../logger.ts'
import { REPLICA_BOUNDS } from '../config.ts'
import type { Autoscaler } from './autoscaler.ts'
import { ReplicaConflictError, UnknownReplicaError, type ReplicaSet } from './replicas.ts'

/** The replica set's refusals as the API's errors. */
async function asHttp<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    if (error instanceof UnknownReplicaError) throw new HttpError(404, error.message)
    if (error instanceof ReplicaConflictError) throw new HttpError(409, error.message)
    throw error
  }
}

function replicaName(raw: string): string {
  if (!REPLICA_NAME_PATTERN.test(raw)) throw new HttpError(400, 'a replica name reads "draw64-replica-N"')
  return raw
}

async function noOptions(context: Parameters<Handler>[0]): Promise<void> {
  parseBody(emptyBodySchema, (await readOptionalJsonBody(context.request)) ?? {})
}

export function replicaRoutes(set: ReplicaSet): Route[] {
  const list = (): ReplicaList => ({ replicas: set.list(), ...REPLICA_BOUNDS, rollingOut: set.rollingOut ?? null })
  return [
    { ...ROUTES.listReplicas, handler: localOnly(({ response }) => sendJson(response, 200, list())) },
    {
      ...ROUTES.addReplica,
      handler: localOnly(async (context) => {
        await noOptions(context)
        const replica = await asHttp(() => set.add())
        sendJson(context.response, 202, { replica, ...list() })
      }),
    },
    {
      ...ROUTES.killReplica,
      handler: localOnly(async (context) => {
        const name = replicaName(context.params.name)
        await noOptions(context)
        await asHttp(() => set.kill(name))
        sendJson(context.response, 200, list())
      }),
    },
    {
      ...ROUTES.restartReplica,
      handler: localOnly(async (context) => {
        const name = replicaName(context.params.name)
        await noOptions(context)
        await asHttp(() => set.restart(name))
        sendJson(context.response, 202, list())
      }),
    },
    {
      ...ROUTES.rollout,
      handler: localOnly(async ({ request, response }) => {
        const { version } = parseBody(rolloutRequestSchema, await readJsonBody(request))
        if (set.rollingOut !== undefined) throw new HttpError(409, `a rollout to version ${set.rollingOut} is under way`)
        // Answered at once: the slide follows the rollout in GET /api/demo/replicas.
        set.rollout(version).catch((error: Error) => logger.error({ err: error, version }, `rollout to version ${version} failed`))
        sendJson(response, 202, list())
      }),
    },
  ]
}

/**
 * Fault flags live in each replica: the balancer validates the change, then sends it to them.
 * `onSwitched` sees the flag as the first replica has it after a change made on all of them.
 */
export function faultRoutes(set: ReplicaSet, onSwitched: (name: FaultName, fault: FaultState) => void = () => {}): Route[] {
  const send = (url: string, method: string, body?: unknown) =>
    fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(2000) })
  // The flags switched on every replica, so that a replica started later (added, restarted,
  // rolled out) joins in the same state; a flag scoped to one replica stays with it.
  const everywhere = new Map<string, FaultChange>()
  set.onFirstReady((replica) => {
    for (const [name, change] of everywhere) {
      send(`${replica.url}/api/demo/faults/${name}`, 'PUT', change).catch((error: Error) => logger.warn({ err: error }, `${replica.name} missed fault ${name}`))
    }
  })
  return [
    {
      ...ROUTES.listFaults,
      handler: localOnly(async ({ response }) => {
        const replicas = set.routable()
        if (replicas.length === 0) throw new HttpError(503, 'no replica is available')
        const answers = await Promise.all(replicas.map(async (replica) => [replica.name, (await (await send(`${replica.url}/api/demo/faults`, 'GET')).json()).faults]))
        // `faults`: the first replica's, as a single Draw64 answers; `byReplica`: each one's.
        sendJson(response, 200, { faults: answers[0]![1], byReplica: Object.fromEntries(answers) })
      }),
    },
    {
      ...ROUTES.setFault,
      handler: localOnly(async ({ request, response, params }) => {
        if (!isFaultName(params.name)) throw new HttpError(404, `no fault named "${params.name}" (known: ${Object.keys(FAULT_SPECS).join(', ')})`)
        const schema = z.extend(faultChangeSchema(FAULT_SPECS[params.name]), { replica: replicaScopeSchema })
        const { replica: scope, ...change } = parseBody(schema, await readJsonBody(request))
        const targets = set.routable().filter((replica) => scope === undefined || replica.name === scope)
        if (targets.length === 0) throw new HttpError(scope ? 409 : 503, scope ? `${scope} is not running` : 'no replica is available')
        if (scope === undefined) everywhere.set(params.name, change)
        const answers = await Promise.all(targets.map((replica) => send(`${replica.url}${request.url}`, 'PUT', change)))
        const failed = answers.find((answer) => !answer.ok)
        if (failed) throw new HttpError(502, `a replica refused the change (${failed.status})`)
        const answer = faultAnswerSchema.parse(await answers[0]!.json())
        if (scope === undefined) onSwitched(params.name, answer.fault)
        sendJson(response, 200, { ...answer, replicas: targets.map((replica) => replica.name) })
      }),
    },
  ]
}

export function autoscalerRoutes(autoscaler: Autoscaler): Route[] {
  return [
    { ...ROUTES.autoscalerStatus, handler: localOnly(({ response }) => sendJson(response, 200, autoscaler.status())) },
    {
      ...ROUTES.setAutoscaler,
      handler: localOnly(async ({ request, response }) => {
        const { enabled, ...policy } = parseBody(autoscalerChangeSchema, await readJsonBody(request))
        const changes = Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined))
        autoscaler.configure(enabled, changes)
        sendJson(response, 200, autoscaler.status())
      }),
    },
  ]
}
