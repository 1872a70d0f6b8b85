import { describe, expect, it } from 'vitest'
import { rollOut, RolloutFailedError, type RolloutSteps } from '../../demo/ha/rollout.ts'

/** Steps that write down what they are asked, in order; replicas are plain names. */
function recorder(readyOnes: (name: string) => boolean = () => true) {
  const journal: string[] = []
  let next = 0
  const steps: RolloutSteps<string> = {
    start: async () => {
      const name = `v2-${++next}`
      journal.push(`start ${name}`)
      return name
    },
    ready: async (name) => {
      journal.push(`ready? ${name}`)
      return readyOnes(name)
    },
    drain: async (name) => void journal.push(`drain ${name}`),
    stop: async (name) => void journal.push(`stop ${name}`),
    discard: async (name) => void journal.push(`discard ${name}`),
  }
  return { journal, steps }
}

describe('rollOut', () => {
  it('replaces one replica at a time: a new one ready before an old one drains and stops', async () => {
    const { journal, steps } = recorder()
    expect(await rollOut(['v1-a', 'v1-b'], steps)).toEqual(['v2-1', 'v2-2'])
    expect(journal).toEqual([
      'start v2-1', 'ready? v2-1', 'drain v1-a', 'stop v1-a',
      'start v2-2', 'ready? v2-2', 'drain v1-b', 'stop v1-b',
    ])
  })

  it('stops at a new replica that never gets ready, discarding it and keeping the old ones serving', async () => {
    const { journal, steps } = recorder((name) => name !== 'v2-2')
    await expect(rollOut(['v1-a', 'v1-b', 'v1-c'], steps)).rejects.toThrow(RolloutFailedError)
    expect(journal).toEqual(['start v2-1', 'ready? v2-1', 'drain v1-a', 'stop v1-a', 'start v2-2', 'ready? v2-2', 'discard v2-2'])
  })
})
