// A rolling release, one replica at a time: start a new one, wait until it is ready, only then
// take one old replica out of the rotation, let its requests finish, and stop it. A new replica
// that never gets ready is discarded and the release stops there, the old ones still serving.
export interface RolloutSteps<Replica> {
  /** Starts one replica of the new version. */
  start(): Promise<Replica>
  /** Resolves true once it passes readiness, false if it never does (in bounded time). */
  ready(replica: Replica): Promise<boolean>
  /** Takes an old replica out of the rotation and waits for its requests in flight. */
  drain(replica: Replica): Promise<void>
  stop(replica: Replica): Promise<void>
  /** Gets rid of a new replica that never got ready. */
  discard(replica: Replica): Promise<void>
}

export class RolloutFailedError extends Error {
  readonly replaced: number

  constructor(replaced: number) {
    super(`a replica of the new version never got ready: the release stopped after ${replaced} replaced`)
    this.replaced = replaced
    this.name = 'RolloutFailedError'
  }
}

/** Replaces every replica of `old`, in order; resolves with the new replicas. */
export async function rollOut<Replica>(old: readonly Replica[], steps: RolloutSteps<Replica>): Promise<Replica[]> {
  const replacements: Replica[] = []
  for (const previous of old) {
    const next = await steps.start()
    if (!(await steps.ready(next))) {
      await steps.discard(next)
      throw new RolloutFailedError(replacements.length)
    }
    replacements.push(next)
    await steps.drain(previous)
    await steps.stop(previous)
  }
  return replacements
}
