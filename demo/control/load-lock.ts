// One load at a time on the speaker's machine: the load generator and the overhead
// measurement would each spoil the other's figures (and two saturating loads, the demo).

export class LoadAlreadyRunningError extends Error {
  constructor(holder: LoadHolder) {
    super(`${holder.what} is already running: stop it first (${holder.stop})`)
    this.name = 'LoadAlreadyRunningError'
  }
}

export interface LoadHolder {
  /** What runs, for the 409's message: "a load", "the overhead measurement". */
  what: string
  /** How to stop it: "DELETE /api/demo/load". */
  stop: string
}

export function createLoadLock() {
  let holder: LoadHolder | undefined
  return {
    /** Takes the lock or throws LoadAlreadyRunningError; returns its release (idempotent). */
    take(next: LoadHolder): () => void {
      if (holder) throw new LoadAlreadyRunningError(holder)
      // A token of its own: a late release of an earlier run frees nothing.
      const token = { ...next }
      holder = token
      return () => {
        if (holder === token) holder = undefined
      }
    },
  }
}

export type LoadLock = ReturnType<typeof createLoadLock>
