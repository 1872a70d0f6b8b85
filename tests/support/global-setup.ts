// Every temporary folder the tests make goes into one folder for the run, removed when the run
// ends: Draw64's data folders (tests restart a server on the same folder after stopping it, so
// none can be removed at stop), the dev command's, and the browser's profiles. Set here, in the
// main process, TMPDIR reaches every test worker and every process the tests start.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function setup(): () => void {
  const runDir = mkdtempSync(join(tmpdir(), 'draw64-tests-'))
  process.env.TMPDIR = runDir
  return () => rmSync(runDir, { recursive: true, force: true })
}
