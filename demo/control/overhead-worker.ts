// Forked by overhead-runner.ts: measures (overhead.ts), posts its progress, then its figures,
// and leaves. SIGTERM (the slide's stop, the 20 s cut) stops the load and the three servers;
// a parent that disappears does the same.
import type { OverheadWorkerMessage } from './overhead-runner.ts'
import { measureOverhead } from './overhead.ts'

const [ratio, seconds] = process.argv.slice(2).map(Number) as [number, number]
const abort = new AbortController()
const post = (message: OverheadWorkerMessage) =>
  new Promise<void>((resolve) => (process.connected ? process.send!(message, undefined, {}, () => resolve()) : resolve()))
process.once('SIGTERM', () => abort.abort())
process.once('disconnect', () => abort.abort())

try {
  const variants = await measureOverhead({ ratio, seconds, signal: abort.signal, onProgress: (progress) => void post({ type: 'progress', ...progress }) })
  await post({ type: 'done', variants })
} catch (error) {
  await post({ type: 'failed', error: (error as Error).message })
} finally {
  if (process.connected) process.disconnect()
}
