import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, pixelsOf, putCommand } from '../support/http.ts'

let server: Draw64Process
let base: string
let before: Uint8Array
const ID = 'canvas'

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
  await fetch(`${base}/api/images/${ID}`, { method: 'POST' })
  await putCommand(base, ID, { command_type: 'draw', values: [[10, 10, 1, 2, 3]] })
  before = await pixelsOf(base, ID)
})
afterAll(() => server.stop())

async function expectRejected(response: Response, status: number, mentions: string): Promise<void> {
  expect(response.status).toBe(status)
  expect(response.headers.get('content-type')).toContain('application/json')
  expect((await json(response)).error).toContain(mentions)
  expect(await pixelsOf(base, ID)).toEqual(before)
}

const draw = (values: unknown) => ({ command_type: 'draw', values })

/** A PUT of the body as written, for what JSON.stringify cannot send. */
const putRaw = (body: string, contentType = 'application/json') =>
  fetch(`${base}/api/images/${ID}`, { method: 'PUT', headers: { 'content-type': contentType }, body })

describe('a rejected command names the bad field and leaves the image unchanged', () => {
  it.each([
    ['x outside 0–63', draw([[0, 0, 0, 0, 0], [64, 0, 0, 0, 0]]), 'command.values[1][0]: x must be an integer from 0 to 63'],
    ['negative y', draw([[0, -1, 0, 0, 0]]), 'command.values[0][1]: y must be an integer'],
    ['r above 255', draw([[0, 0, 256, 0, 0]]), 'command.values[0][2]: r must be an integer from 0 to 255'],
    ['non-integer b', draw([[0, 0, 0, 0, 1.5]]), 'command.values[0][4]: b must be an integer'],
    ['a string coordinate', draw([[0, '1', 0, 0, 0]]), 'y must be an integer'],
    ['a value with 4 numbers', draw([[0, 0, 0, 0]]), 'command.values[0]'],
    ['a value with 6 numbers', draw([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]), 'command.values[1]: each value must be an array [x, y, r, g, b]'],
    ['a value that is null', draw([null]), 'command.values[0]: each value must be an array [x, y, r, g, b]'],
    ['a boolean channel', draw([[0, 0, 0, true, 0]]), 'command.values[0][3]: g must be an integer from 0 to 255'],
    ['no values', draw([]), 'at least one'],
    ['values not an array', draw('red'), 'command.values'],
    ['more than 4096 values', draw(Array.from({ length: 4097 }, () => [1, 1, 9, 9, 9])), 'at most 4096'],
    ['an unknown command type', { command_type: 'fill' }, 'command_type must be "draw" or "clear_canvas"'],
    ['a missing command type', { values: [] }, 'command_type'],
    ['an extra field', { command_type: 'clear_canvas', colour: 'red' }, 'colour'],
  ])('rejects %s with 400', async (_case, command, message) => {
    await expectRejected(await putCommand(base, ID, command), 400, message)
  })

  it('rejects a body that is not JSON with 400', async () => {
    await expectRejected(await putRaw('{"command": {'), 400, 'not valid JSON')
  })

  it('rejects a number JSON reads as Infinity with 400', async () => {
    await expectRejected(await putRaw('{"command": {"command_type": "draw", "values": [[0, 0, 1e999, 0, 0]]}}'), 400, 'command.values[0][2]: r must be an integer from 0 to 255')
  })

  it('rejects a body without a command with 400', async () => {
    await expectRejected(await putRaw('[1, 2, 3]'), 400, 'JSON object')
  })

  it('rejects a body that is not declared as JSON with 415', async () => {
    await expectRejected(await putRaw(JSON.stringify({ command: { command_type: 'clear_canvas' } }), 'text/plain'), 415, 'content-type: application/json')
  })

  it('rejects a body larger than 256 KiB with 413', async () => {
    await expectRejected(await putRaw(JSON.stringify({ command: draw([[0, 0, 0, 0, 0]]), padding: 'x'.repeat(300 * 1024) })), 413, 'larger than')
  })

  it('rejects bad image ids with 400', async () => {
    for (const id of ['a'.repeat(31), 'sp%20ace', 'dot.dot', '%C3%A9t%C3%A9', '..%2F..%2Fetc']) {
      const response = await fetch(`${base}/api/images/${id}`, { method: 'POST' })
      expect(response.status, id).toBe(400)
      expect((await json(response)).error).toContain('image id')
    }
    const { images } = await json(await fetch(`${base}/api/images`))
    expect(images).toHaveLength(1)
  })

  it('rejects a malformed percent-encoding with 400', async () => {
    const response = await fetch(`${base}/api/images/%E0%A4%A`)
    expect(response.status).toBe(400)
  })

  it('stays up and keeps serving after every rejection', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
    expect((await putCommand(base, ID, draw([[2, 2, 9, 9, 9]]))).status).toBe(200)
  })
})
