// Property-based tests (fast-check) that throw malformed requests at the real server over HTTP.
// Every rejected request must get a 4xx JSON error, leave the images exactly as they were and
// leave the server up; valid draws must do exactly what a local model of the canvas does.
import net from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, pixelsOf, putCommand } from '../support/http.ts'

const TARGET = 'target' // drawn on in beforeAll; no rejected request may change it
const SCRATCH = 'scratch' // where valid random draws go
const SIZE = 64
const MAX_VALUES = 4096
const MAX_BODY = 256 * 1024
const ID_PATTERN = /^[A-Za-z0-9-]{1,30}$/ // the contract's (docs/contract.md), restated so the test is its own oracle
const FIELDS = ['x', 'y', 'r', 'g', 'b'] as const

let server: Draw64Process
let base: string
let port: number
let board: BoardState
let memoryAtStart: number

// ---------------------------------------------------------------------------------------------
// What must not change, and how an answer must look

interface BoardState {
  ids: string[]
  target: unknown
  targetPixels: Uint8Array
  created: number
  deleted: number
}

async function readBoard(): Promise<BoardState> {
  const [list, target, stats, targetPixels] = await Promise.all([
    fetch(`${base}/api/images`).then(json),
    fetch(`${base}/api/images/${TARGET}`).then(json),
    fetch(`${base}/api/statistics`).then(json),
    pixelsOf(base, TARGET),
  ])
  return {
    ids: list.images.map((image: { id: string }) => image.id).sort(),
    target: target.image,
    targetPixels,
    created: stats.imagesCreated,
    deleted: stats.imagesDeleted,
  }
}

async function expectBoardUnchanged(request: string): Promise<void> {
  const before = board
  const now = await readBoard()
  // Judge the next request against what is there now, so that fast-check shrinks towards the
  // request that changed the board instead of blaming every request after it.
  board = now
  expect(now.ids, `image list after ${request}`).toEqual(before.ids)
  expect(now.target, `metadata of ${TARGET} after ${request}`).toEqual(before.target)
  expect(now.created, `imagesCreated after ${request}`).toBe(before.created)
  expect(now.deleted, `imagesDeleted after ${request}`).toBe(before.deleted)
  // toEqual on 12 288 bytes prints a useless diff; say which pixel moved instead.
  const moved = now.targetPixels.findIndex((byte, index) => byte !== before.targetPixels[index])
  const where = moved < 0 ? '' : ` (pixel ${Math.floor(moved / 3) % SIZE},${Math.floor(moved / 3 / SIZE)})`
  expect(moved, `first changed byte of ${TARGET} after ${request}${where}`).toBe(-1)
}

/** A rejection: one of the expected statuses, JSON content type, a body that is `{"error": "…"}`. */
async function expectJsonError(response: Response, statuses: number[], request: string): Promise<string> {
  const text = await response.text()
  const seen = `${request} → ${response.status} ${text.slice(0, 200)}`
  expect(statuses, seen).toContain(response.status)
  expect(response.headers.get('content-type'), seen).toMatch(/^application\/json\b/)
  let body: unknown
  expect(() => (body = JSON.parse(text)), seen).not.toThrow()
  expect(body, seen).toEqual({ error: expect.any(String) })
  const message = (body as { error: string }).error
  expect(message.trim(), seen).not.toBe('')
  return message
}

const describeRequest = (method: string, path: string, body?: string) =>
  `${method} ${path}${body === undefined ? '' : ` ${JSON.stringify(body.length > 120 ? `${body.slice(0, 120)}…` : body)}`}`

const JSON_HEADERS = { 'content-type': 'application/json' }

function putJson(path: string, body: string): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'PUT', headers: JSON_HEADERS, body })
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const coordinate = fc.integer({ min: 0, max: SIZE - 1 })
const channel = fc.integer({ min: 0, max: 255 })
const validPixel = fc.tuple(coordinate, coordinate, channel, channel, channel)
type Pixel = [number, number, number, number, number]

const validCommand = fc.oneof(
  { arbitrary: fc.constant({ command_type: 'clear_canvas' }), weight: 1 },
  {
    arbitrary: fc.array(validPixel, { minLength: 1, maxLength: 8 }).map((values) => ({ command_type: 'draw', values })),
    weight: 3,
  },
)

function isValidPixel(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length === 5 &&
    value.every((n, i) => Number.isInteger(n) && n >= 0 && n <= (i < 2 ? SIZE - 1 : 255))
  )
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The contract's notion of a valid PUT body: used only to keep valid bodies out of the bad ones. */
function isValidCommandBody(body: unknown): boolean {
  if (!isObject(body) || Object.keys(body).join() !== 'command' || !isObject(body.command)) return false
  const command = body.command
  const keys = Object.keys(command).sort().join()
  if (command.command_type === 'clear_canvas') return keys === 'command_type'
  if (command.command_type !== 'draw' || keys !== 'command_type,values' || !Array.isArray(command.values)) return false
  return command.values.length >= 1 && command.values.length <= MAX_VALUES && command.values.every(isValidPixel)
}

const validBodyText = validCommand.map((command) => JSON.stringify({ command }))

/** Bodies sent as application/json that are not a valid command: each must get a 400. */
const malformedBody: fc.Arbitrary<string> = fc.oneof(
  // any text at all (sometimes valid JSON of the wrong shape: "1", "[]", "null"…)
  fc.string({ unit: 'binary', maxLength: 200 }),
  // valid JSON cut short
  fc.tuple(validBodyText, fc.nat()).map(([text, cut]) => text.slice(0, cut % text.length)),
  // JSON values of every shape
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  // the command without its envelope, or inside an array
  validCommand.map((command) => JSON.stringify(command)),
  validCommand.map((command) => JSON.stringify([{ command }])),
  // a "command" that is not a command object
  fc.jsonValue({ maxDepth: 2 }).map((command) => JSON.stringify({ command })),
  // an extra key next to "command", or inside it
  fc.tuple(validCommand, fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })).map(([command, key, value]) =>
    JSON.stringify(key === 'command' ? { command, Command: value } : { command, [key]: value }),
  ),
  fc.tuple(validCommand, fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 })).map(([command, key, value]) =>
    JSON.stringify({ command: key in command ? { ...command, [`${key}_`]: value } : { ...command, [key]: value } }),
  ),
  // keys that are special to JavaScript objects, written as JSON.parse keeps them (own properties)
  fc.constantFrom(
    '{"command":{"command_type":"clear_canvas"},"__proto__":{"x":1}}',
    '{"command":{"command_type":"clear_canvas","__proto__":{}}}',
    '{"command":{"command_type":"clear_canvas","constructor":{}}}',
    '{"__proto__":{"command":{"command_type":"clear_canvas"}}}',
    '{"command":{"command_type":"clear_canvas"},"command":1}',
    '\uFEFF{"command":{"command_type":"clear_canvas"}}',
    '{"command":{"command_type":"clear_canvas"}}garbage',
    '{"command":{"command_type":"clear_canvas"}}{"command":{"command_type":"clear_canvas"}}',
    "{'command':{'command_type':'clear_canvas'}}",
    '{"command":{"command_type":"draw","values":[[1,1,1,1,1],]}}',
    '{"command":{"command_type":"draw","values":[[NaN,1,1,1,1]]}}',
    '{"command":{"command_type":"draw","values":[[1e400,1,1,1,1]]}}',
    '{"command":{"command_type":"draw","values":[[0x10,1,1,1,1]]}}',
  ),
).filter((text) => {
  try {
    return !isValidCommandBody(JSON.parse(text))
  } catch {
    return true
  }
})

// Just past either bound most often: that is where an off-by-one hides.
const outOfRange = (max: number) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(-1, max + 1), weight: 4 },
    { arbitrary: fc.integer({ min: -(2 ** 31), max: -1 }), weight: 1 },
    { arbitrary: fc.integer({ min: max + 1, max: 2 ** 31 }), weight: 1 },
    { arbitrary: fc.constantFrom(2 ** 53, -(2 ** 53), 1e21, 1e300, -1e300), weight: 1 },
  )

const notAnInteger = fc.oneof(
  fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0.5, 62.999, 1e-7, -0.5),
  fc.constantFrom('0', '12', '', 'NaN', 'Infinity', '-Infinity', '1e3', '0x10', ' 1'),
  fc.boolean(),
  fc.constant(null), // what JSON.stringify makes of NaN and Infinity
  fc.array(coordinate, { maxLength: 5 }),
  fc.record({ value: channel }),
)

interface BadPixel {
  value: unknown
  field?: (typeof FIELDS)[number]
}

/** One [x, y, r, g, b] that is wrong in exactly one way; `field` names it when it is one number. */
const badPixel: fc.Arbitrary<BadPixel> = fc.oneof(
  {
    arbitrary: fc.tuple(validPixel, fc.integer({ min: 0, max: 4 })).chain(([pixel, index]) =>
      fc.oneof(outOfRange(index < 2 ? SIZE - 1 : 255), notAnInteger).map((bad): BadPixel => {
        const value: unknown[] = [...pixel]
        value[index] = bad
        return { value, field: FIELDS[index] }
      }),
    ),
    weight: 4,
  },
  fc.array(coordinate, { maxLength: 4 }).map((value): BadPixel => ({ value })),
  fc.array(coordinate, { minLength: 6, maxLength: 9 }).map((value): BadPixel => ({ value })),
  fc.oneof(
    validPixel.map(([x, y, r, g, b]) => ({ x, y, r, g, b })),
    validPixel.map((pixel) => [pixel]),
    validPixel.map((pixel) => pixel.join(',')),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
  ).map((value): BadPixel => ({ value })),
)

const badDraw = fc.record({
  before: fc.array(validPixel, { maxLength: 20 }),
  bad: badPixel,
  after: fc.array(validPixel, { maxLength: 20 }),
})

const unknownCommandType = fc.oneof(
  { arbitrary: fc.string({ maxLength: 20 }), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      'Draw', 'DRAW', 'draw ', ' draw', 'clear-canvas', 'clearCanvas', 'CLEAR_CANVAS',
      'fill', 'erase', '__proto__', 'constructor', 'toString',
    ),
    weight: 3,
  },
  { arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({})), weight: 2 },
).filter((type) => type !== 'draw' && type !== 'clear_canvas')

const isDotSegment = (part: string) => ['.', '..'].includes(part.replace(/%2e/gi, '.'))

function decodesToValidId(segment: string): boolean {
  try {
    return ID_PATTERN.test(decodeURIComponent(segment))
  } catch {
    return false
  }
}

/** Path segments where an image id goes, none of them a valid id once decoded. */
const oddIdSegment = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
    fc.stringMatching(/^[A-Za-z0-9-]{31,300}$/),
    fc.string({ unit: fc.constantFrom(...'%0123456789abcdefABCDEFzZ/-x'), minLength: 1, maxLength: 12 }),
    fc.constantFrom(
      '..%2F..', '..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e', '%00', 'a%00b', '%', '%zz', '%E0%A4%A', '%C3%28',
      '%FF%FE', '%u0041', '%2F', 'a%2Fb', '%20', 'a%20b', 'a.b', 'target.', 'target%0A', '%0D%0AX-Injected:%201',
      'caf%C3%A9', '%F0%9F%8E%A8', 'target%3Fx', 'target%23x', 'a'.repeat(31), 'a'.repeat(10_000),
    ),
  )
  .filter((segment) => !decodesToValidId(segment) && !segment.split('/').some(isDotSegment))

const oddIdRequest = fc.oneof(
  fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'),
    segment: oddIdSegment,
    shape: fc.constantFrom('', '/pixels', '.png'),
  }).map(({ method, segment, shape }) => ({ method, path: `/api/images/${segment}${shape}`, segment })),
  fc.record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE'),
    path: fc.constantFrom(
      '/api/images/', '/api/images//pixels', '/api/images//', '/api/images/.png', '//api/images', '/api//images', '/api/images/%2F',
    ),
  }).map(({ method, path }) => ({ method, path, segment: undefined })),
)

/** Known routes and the methods each accepts (not `/:id.png`: other methods on it fall to `/api/images/:id`). */
const ROUTES: Record<string, string[]> = {
  '/': ['GET'],
  '/web/app.js': ['GET'],
  '/healthz': ['GET'],
  '/readyz': ['GET'],
  '/api/images': ['GET', 'POST'],
  [`/api/images/${TARGET}`]: ['GET', 'POST', 'PUT', 'DELETE'],
  [`/api/images/${TARGET}/pixels`]: ['GET'],
  '/api/statistics': ['GET'],
  '/api/events': ['GET'],
  '/api/telemetry/spans': ['GET'],
  '/api/telemetry/logs': ['GET'],
  '/api/join': ['GET'],
  '/rum/v1/traces': ['POST'],
}

// Methods Node's HTTP parser knows (an unknown token gets Node's own bare 400, tested raw below).
// HEAD is left out: a HEAD answer has no body to check.
const METHODS = [
  'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PURGE', 'PROPFIND', 'PROPPATCH',
  'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'REPORT', 'LINK', 'UNLINK',
]

const wrongMethodRequest = fc
  .tuple(fc.constantFrom(...Object.keys(ROUTES)), fc.constantFrom(...METHODS), fc.boolean(), validBodyText)
  .filter(([path, method]) => !ROUTES[path].includes(method))
  .map(([path, method, withBody, body]) => ({ path, method, body: withBody && method !== 'GET' ? body : undefined }))

const wrongContentType = fc.oneof(
  fc.constantFrom(
    'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
    'application/xml', 'text/json', 'application/jsonp', 'application/javascript', 'application/octet-stream',
    'application/ld+json', 'json', 'application', 'application/', '*/*', '',
  ),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter((type) => /^[\x20-\x7e]*$/.test(type)),
  fc.constant(undefined), // no content-type header at all
).filter((type) => type === undefined || !/^\s*application\/json\b/i.test(type))

/** A body over the limit that would be a valid clear_canvas if the limit were not enforced. */
const oversizedBody = fc.integer({ min: MAX_BODY + 1, max: 2 * 1024 * 1024 }).map((size) => {
  const [head, tail] = ['{"command":', '{"command_type":"clear_canvas"}}']
  return head + ' '.repeat(size - head.length - tail.length) + tail
})

// ---------------------------------------------------------------------------------------------
// Raw HTTP/1.1 over a socket, for what fetch will not send

interface RawAnswer {
  status?: number
  head: string
  body: string
  error?: string
}

interface RawOptions {
  /** After writing: wait for the answer, half-close, or reset the connection. */
  then?: 'read' | 'half-close' | 'reset'
  delayMs?: number
  timeoutMs?: number
}

function parseAnswer(bytes: Buffer): RawAnswer & { complete: boolean } {
  const text = bytes.toString('utf8')
  const end = text.indexOf('\r\n\r\n')
  if (end < 0) return { head: text, body: '', complete: false }
  const head = text.slice(0, end)
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]) || undefined
  const length = /^content-length:\s*(\d+)/im.exec(head)
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, end + 4)))
  const complete = length !== null && rest.length >= Number(length[1])
  return { status, head, body: rest.subarray(0, length ? Number(length[1]) : undefined).toString('utf8'), complete }
}

/**
 * Writes raw bytes and returns the first answer. It reads while it writes, and stops writing as
 * soon as an answer arrives (what RFC 9112 §9.5 asks of a client sending a body).
 */
function rawExchange(payload: Array<string | Buffer>, options: RawOptions = {}): Promise<RawAnswer> {
  const { then = 'read', delayMs = 300, timeoutMs = 5000 } = options
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let error: string | undefined
    let done = false
    const finish = () => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const { complete: _complete, ...answer } = parseAnswer(Buffer.concat(chunks))
      resolve({ ...answer, error })
    }
    const timer = setTimeout(finish, timeoutMs)
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      if (parseAnswer(Buffer.concat(chunks)).complete) finish()
    })
    socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message))
    socket.on('close', finish)
    socket.once('connect', async () => {
      const bytes = Buffer.concat(payload.map((part) => Buffer.from(part)))
      for (let at = 0; at < bytes.length && chunks.length === 0 && !socket.destroyed; at += 16 * 1024) {
        if (!socket.write(bytes.subarray(at, at + 16 * 1024))) {
          await new Promise((next) => ['drain', 'data', 'close'].forEach((event) => socket.once(event, next)))
        }
      }
      if (then === 'half-close') setTimeout(() => socket.end(), delayMs)
      if (then === 'reset') setTimeout(() => socket.resetAndDestroy(), delayMs)
    })
  })
}

const request = (lines: string[], body = '') => [`${lines.join('\r\n')}\r\n\r\n${body}`]
const CLEAR = JSON.stringify({ command: { command_type: 'clear_canvas' } })
const RESETS = ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'] // how a client learns that the server closed on it

// ---------------------------------------------------------------------------------------------

async function processMemory(): Promise<number> {
  const text = await (await fetch(server.metricsUrl)).text()
  const found = /^process_memory_usage(?:\{[^}]*\})?\s+(\S+)$/m.exec(text)
  if (!found) throw new Error(`no process_memory_usage in /metrics:\n${text.slice(0, 500)}`)
  return Number(found[1])
}

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
  port = Number(new URL(base).port)
  for (const id of [TARGET, SCRATCH]) expect((await fetch(`${base}/api/images/${id}`, { method: 'POST' })).status).toBe(201)
  // A pattern that every accepted command would disturb: clear_canvas whitens it, any draw bumps updateCount.
  const pattern = Array.from({ length: SIZE }, (_, i) => [i, (i * 7) % SIZE, i * 4, 255 - i * 4, (i * 37) % 256])
  expect((await putCommand(base, TARGET, { command_type: 'draw', values: pattern })).status).toBe(200)
  board = await readBoard()
  memoryAtStart = await processMemory()
})
afterAll(() => server?.stop())

/**
 * A property over requests that must be rejected: `send` makes one, checks its answer and says
 * what it sent; then the board must be as it was. On any failure the board is read again, so
 * that fast-check shrinks towards the request at fault instead of blaming every one after it.
 */
function rejectedWithoutChange<T>(arbitrary: fc.Arbitrary<T>, send: (value: T) => Promise<string>) {
  return fc.asyncProperty(arbitrary, async (value) => {
    let sent: string
    try {
      sent = await send(value)
    } catch (error) {
      board = await readBoard()
      throw error
    }
    await expectBoardUnchanged(sent)
  })
}

describe('Draw64 rejects malformed requests with a 4xx JSON error and changes nothing', () => {
  const path = `/api/images/${TARGET}`

  it('answers 400 to any body that is not a JSON command object', async () => {
    const property = rejectedWithoutChange(malformedBody, async (body) => {
      const sent = describeRequest('PUT', path, body)
      await expectJsonError(await putJson(path, body), [400], sent)
      return sent
    })
    await fc.assert(property, { numRuns: 150 })
  }, 60_000)

  it('answers 400 naming command.values[i] (and the field) to a draw with one bad value', async () => {
    const property = rejectedWithoutChange(badDraw, async ({ before, bad, after }) => {
      const body = JSON.stringify({ command: { command_type: 'draw', values: [...before, bad.value, ...after] } })
      const sent = describeRequest('PUT', path, body)
      const message = await expectJsonError(await putJson(path, body), [400], sent)
      expect(message, sent).toContain(`command.values[${before.length}]`)
      if (bad.field) expect(message, sent).toContain(`${bad.field} must be an integer`)
      return sent
    })
    await fc.assert(property, { numRuns: 150 })
  }, 60_000)

  it('answers 400 naming command_type to an unknown or non-string command type', async () => {
    const command = fc
      .tuple(unknownCommandType, fc.option(fc.array(validPixel, { maxLength: 4 })))
      .map(([type, values]) => (values === null ? { command_type: type } : { command_type: type, values }))
    const property = rejectedWithoutChange(command, async (command) => {
      const body = JSON.stringify({ command })
      const sent = describeRequest('PUT', path, body)
      const message = await expectJsonError(await putJson(path, body), [400], sent)
      expect(message, sent).toContain('command_type')
      return sent
    })
    await fc.assert(property, { numRuns: 100 })
  }, 60_000)

  it('answers 400 "at most 4096" to a draw of more than 4096 valid values', async () => {
    const draw = fc.tuple(fc.integer({ min: MAX_VALUES + 1, max: 8000 }), validPixel)
    const property = rejectedWithoutChange(draw, async ([count, pixel]) => {
      const values = Array.from({ length: count }, () => pixel)
      const body = JSON.stringify({ command: { command_type: 'draw', values } })
      const sent = `PUT ${path} with ${count} values (${body.length} bytes)`
      const message = await expectJsonError(await putJson(path, body), [400], sent)
      expect(message, sent).toContain(`at most ${MAX_VALUES}`)
      return sent
    })
    await fc.assert(property, { numRuns: 8 })
  }, 60_000)

  it('answers 400 or 404 to odd ids (unicode, ../, %00, too long, empty) on every method, creating or deleting nothing', async () => {
    const property = rejectedWithoutChange(oddIdRequest, async ({ method, path, segment }) => {
      const body = method === 'PUT' ? CLEAR : undefined
      const sent = describeRequest(method, path, body)
      const response = await fetch(`${base}${path}`, { method, headers: body ? JSON_HEADERS : {}, body })
      const plainId = segment !== undefined && !segment.includes('/') && path === `/api/images/${segment}`
      await expectJsonError(response, plainId ? [400] : [400, 404, 405], sent)
      return sent
    })
    await fc.assert(property, { numRuns: 150 })
  }, 60_000)

  it('answers 405 with an Allow header to a wrong method on a known route', async () => {
    const property = rejectedWithoutChange(wrongMethodRequest, async ({ path, method, body }) => {
      const sent = describeRequest(method, path, body)
      const response = await fetch(`${base}${path}`, { method, headers: body ? JSON_HEADERS : {}, body })
      const allow = response.headers.get('allow')
      await expectJsonError(response, [405], sent)
      expect(allow?.split(/,\s*/).sort(), sent).toEqual([...ROUTES[path]].sort())
      return sent
    })
    await fc.assert(property, { numRuns: 100 })
  }, 60_000)

  it('answers 415 to a valid command not declared as application/json (or with no content-type)', async () => {
    const property = rejectedWithoutChange(fc.tuple(wrongContentType, validBodyText), async ([type, body]) => {
      const sent = `${describeRequest('PUT', path, body)} as ${type === undefined ? 'no content-type' : JSON.stringify(type)}`
      // A byte body makes fetch add no content-type of its own.
      const response = await fetch(`${base}${path}`, {
        method: 'PUT',
        headers: type === undefined ? {} : { 'content-type': type },
        body: type === undefined ? new TextEncoder().encode(body) : body,
      })
      await expectJsonError(response, [415], sent)
      return sent
    })
    await fc.assert(property, { numRuns: 100 })
  }, 60_000)

  it('never accepts a body over 256 KiB, with or without Content-Length: 413 JSON, or a reset connection', async () => {
    // A reset is tolerated for fetch: it may stop reading at the first answer. What this property
    // holds to: no other answer, and nothing changes.
    const client = fc.constantFrom('fetch', 'fetch-stream', 'socket', 'socket-chunked')
    const property = rejectedWithoutChange(fc.tuple(oversizedBody, client), async ([body, via]) => {
      const sent = `PUT ${path} with a ${body.length}-byte body via ${via}`
      const answer = via.startsWith('fetch')
        ? await putOversizedWithFetch(body, via === 'fetch-stream')
        : await putOversizedRaw(body, via === 'socket-chunked')
      if (answer instanceof Response) await expectJsonError(answer, [413], sent)
      else if (answer.status === undefined) expect(RESETS, `${sent} → ${answer.error}`).toContain(answer.error)
      else {
        expect(answer.status, `${sent} → ${answer.head}`).toBe(413)
        expect(answer.head, sent).toMatch(/^content-type: application\/json/im)
        expect(JSON.parse(answer.body), sent).toEqual({ error: expect.stringContaining('larger than') })
      }
      return sent
    })
    await fc.assert(property, { numRuns: 8 })
  }, 60_000)

  // The server closes in stages after refusing a body (RFC 9112 §9.6); closing at once made the
  // client lose the 413 six to nine times in ten.
  it('answers 413 JSON to a 16 MiB body even while the client is still uploading it', async () => {
    // Each attempt loses the 413 with a probability of about 0.6 to 0.9 here: ten make it certain.
    for (let attempt = 1; attempt <= 10; attempt++) {
      const answer = await putOversizedRaw(' '.repeat(16 * 1024 * 1024), false)
      expect(answer.status, `attempt ${attempt}: ${answer.head || '(no answer)'} ${answer.error ?? ''}`).toBe(413)
      expect(JSON.parse(answer.body)).toEqual({ error: expect.stringContaining('larger than') })
    }
    await expectBoardUnchanged('ten 16 MiB PUTs')
  }, 30_000)
})

async function putOversizedWithFetch(body: string, stream: boolean): Promise<Response | RawAnswer> {
  try {
    return await fetch(`${base}/api/images/${TARGET}`, {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: stream ? new Blob([body]).stream() : body,
      ...(stream ? { duplex: 'half' } : {}),
    } as RequestInit)
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause
    return { head: '', body: '', error: cause?.code ?? String(error) }
  }
}

function putOversizedRaw(body: string, chunked: boolean): Promise<RawAnswer> {
  const head = [`PUT /api/images/${TARGET} HTTP/1.1`, 'Host: draw64', 'Content-Type: application/json']
  return rawExchange(
    chunked
      ? [`${head.join('\r\n')}\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n`, body, '\r\n0\r\n\r\n']
      : [`${head.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n`, body],
  )
}

describe('Draw64 applies valid random draws exactly', () => {
  it('answers 200 and changes exactly the pixels a local 64×64 RGB model changes', async () => {
    // Draws in a 4×4 corner too, so that one command often paints a pixel twice: the last value wins.
    const corner = fc.integer({ min: 0, max: 3 })
    const pixel = fc.oneof(validPixel, fc.tuple(corner, corner, channel, channel, channel))
    const command = fc.oneof(
      {
        arbitrary: fc.array(pixel, { minLength: 1, maxLength: 64, size: 'medium' }).map((values) => ({ command_type: 'draw', values })),
        weight: 9,
      },
      { arbitrary: fc.constant({ command_type: 'clear_canvas' }), weight: 1 },
    )
    await fc.assert(
      fc.asyncProperty(command, async (command) => {
        const expected = new Uint8Array(await pixelsOf(base, SCRATCH))
        if (command.command_type === 'clear_canvas') expected.fill(255)
        for (const [x, y, r, g, b] of (command as { values?: Pixel[] }).values ?? []) expected.set([r, g, b], (y * SIZE + x) * 3)
        const { image: metaBefore } = await json(await fetch(`${base}/api/images/${SCRATCH}`))

        const response = await putCommand(base, SCRATCH, command)
        const sent = describeRequest('PUT', `/api/images/${SCRATCH}`, JSON.stringify({ command }))
        expect(response.status, sent).toBe(200)
        expect((await json(response)).image.updateCount, sent).toBe(metaBefore.updateCount + 1)
        const actual = await pixelsOf(base, SCRATCH)
        const wrong = actual.findIndex((byte, index) => byte !== expected[index])
        expect(wrong, `first byte differing from the model after ${sent}`).toBe(-1)
        await expectBoardUnchanged(sent)
      }),
      { numRuns: 100 },
    )
  }, 60_000)
})

describe('Draw64 answers raw HTTP/1.1 that fetch would not send with a 4xx, and stays up', () => {
  const host = 'Host: draw64'
  const put = [`PUT /api/images/${TARGET} HTTP/1.1`, host, 'Content-Type: application/json']
  const SMUGGLED = request([...put, `Content-Length: ${CLEAR.length}`], CLEAR)[0]
  const CUT_SHORT = request([...put, 'Content-Length: 100'], '{"command":')
  const cases: Array<[string, Array<string | Buffer>, number | undefined, RawOptions?]> = [
    ['a request line that is not HTTP', ['GARBAGE\r\n\r\n'], 400],
    ['an HTTP/0.9 request', ['GET /\r\n'], 400, { then: 'half-close' }],
    ['an HTTP/2 preface', ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'], 400],
    ['an unknown method', request(['BREW /api/images HTTP/1.1', host]), 400],
    ['a lowercase method', request([`put /api/images/${TARGET} HTTP/1.1`, ...put.slice(1), `Content-Length: ${CLEAR.length}`], CLEAR), 400],
    ['no Host header', request(['GET /api/images HTTP/1.1']), 400],
    ['a 20 KiB header', request(['GET /api/images HTTP/1.1', host, `X-Big: ${'a'.repeat(20_000)}`]), 431],
    ['a control character in a header value', request(['GET /api/images HTTP/1.1', host, 'X-Odd: a\x01b']), 400],
    ['a non-numeric Content-Length', request([...put, 'Content-Length: 12abc'], CLEAR), 400],
    [
      'both Content-Length and Transfer-Encoding',
      request([...put, `Content-Length: ${CLEAR.length}`, 'Transfer-Encoding: chunked'], `${CLEAR.length.toString(16)}\r\n${CLEAR}\r\n0\r\n\r\n`),
      400,
    ],
    ['a broken chunked body', request([...put, 'Transfer-Encoding: chunked'], 'zz\r\nabc\r\n'), 400],
    ['a literal ../ in the path', request([`POST /api/images/../images HTTP/1.1`, host, 'Connection: close']), 404],
    ['a literal .. as the id', request([`POST /api/images/.. HTTP/1.1`, host, 'Connection: close']), 400],
    ['an absolute-form URL to another host', request(['POST http://evil.example/api/images HTTP/1.1', host, 'Connection: close']), 404],
    ['OPTIONS *', request(['OPTIONS * HTTP/1.1', host, 'Connection: close']), 404],
    // Cut short: the client stops before Content-Length bytes; either Node answers 400 or nothing comes back.
    ['a body shorter than Content-Length, then a half-close', CUT_SHORT, 400, { then: 'half-close' }],
    ['a body shorter than Content-Length, then a reset', CUT_SHORT, undefined, { then: 'reset' }],
    ['headers cut short, then a reset', [`PUT /api/images/${TARGET} HTTP/1.1\r\nHost: dr`], undefined, { then: 'reset' }],
    // A refused body must never be run as the next request on the connection.
    [
      'a 415 body that is itself a clear_canvas request',
      request([put[0], host, 'Content-Type: text/plain', `Content-Length: ${SMUGGLED.length}`], SMUGGLED),
      415,
      { then: 'read', timeoutMs: 1000 },
    ],
  ]

  it.each(cases)('answers %s with a 4xx and stays up', async (name, payload, status, options) => {
    const answer = await rawExchange(payload, options)
    const seen = `${name} → ${JSON.stringify(answer.head.slice(0, 200))} ${answer.error ?? ''}`
    if (status !== undefined) expect(answer.status, seen).toBe(status)
    else if (answer.status !== undefined) expect(Math.floor(answer.status / 100), seen).toBe(4)
    if (/^content-type: application\/json/im.test(answer.head)) {
      expect(JSON.parse(answer.body), seen).toEqual({ error: expect.any(String) })
    }
    // Give a request whose body never came a moment to be (not) applied.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
    await expectBoardUnchanged(name)
  })
})

describe('Draw64 survives SSE clients that connect and vanish', () => {
  interface Vanisher {
    via: 'fetch' | 'socket'
    reads: boolean
    leaveAfterMs: number
    how: 'abort' | 'close' | 'reset'
  }

  /** Resolves once the client is gone: true if the server had accepted its stream by then. */
  function connectAndVanish({ via, reads, leaveAfterMs, how }: Vanisher): Promise<boolean> {
    let accepted = false
    if (via === 'socket') {
      return new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET /api/events HTTP/1.1\r\nHost: draw64\r\n\r\n`))
        // One that reads sees the 200 head; one that never reads cannot tell, and counts as not accepted.
        if (!reads) socket.pause()
        socket.once('data', (chunk: Buffer) => (accepted = chunk.toString().startsWith('HTTP/1.1 200')))
        socket.on('error', () => {})
        setTimeout(() => {
          if (how === 'reset') socket.resetAndDestroy()
          else if (how === 'close') socket.end()
          else socket.destroy()
          resolve(accepted)
        }, leaveAfterMs)
      })
    }
    return new Promise((resolve) => {
      const controller = new AbortController()
      fetch(`${base}/api/events`, { signal: controller.signal })
        .then(async (response) => {
          accepted = response.status === 200
          const reader = reads ? response.body?.getReader() : undefined
          while (reader && !(await reader.read()).done) {
            // read and drop
          }
        })
        .catch(() => {}) // aborted
      setTimeout(() => {
        controller.abort()
        resolve(accepted)
      }, leaveAfterMs)
    })
  }

  const vanisher: fc.Arbitrary<Vanisher> = fc.record({
    via: fc.constantFrom('fetch', 'socket'),
    reads: fc.boolean(),
    leaveAfterMs: fc.integer({ min: 0, max: 400 }),
    how: fc.constantFrom('abort', 'close', 'reset'),
  })

  it('brings connectedUsers back to 0 within 5 s after 50 clients vanish, and keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(vanisher, { minLength: 50, maxLength: 50 }), async (clients) => {
        const accepted = (await Promise.all(clients.map(connectAndVanish))).filter(Boolean).length
        expect(accepted, 'clients whose stream was open before they vanished').toBeGreaterThan(10)
        const deadline = Date.now() + 5000
        let users = -1
        while (Date.now() < deadline) {
          users = (await json(await fetch(`${base}/api/statistics`))).connectedUsers
          if (users === 0) break
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        expect(users, 'connectedUsers 5 s after every client left').toBe(0)
        expect(await (await fetch(server.metricsUrl)).text()).toMatch(/^draw64_sse_clients(\{[^}]*\})? 0$/m)
        expect((await fetch(`${base}/healthz`)).status).toBe(200)
      }),
      // Each run waits for the count to settle: report the first failure rather than shrink 50 clients.
      { numRuns: 3, endOnFailure: true },
    )
  }, 60_000)
})

describe('Draw64 after all of the above', () => {
  it('is up and ready, never answered a 5xx, and its memory grew by less than 100 MB', async () => {
    expect(await json(await fetch(`${base}/healthz`))).toEqual({ status: 'ok' })
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
    const metrics = await (await fetch(server.metricsUrl)).text()
    expect(metrics.split('\n').filter((line) => /http_response_status_code="5\d\d"/.test(line))).toEqual([])
    const growth = (await processMemory()) - memoryAtStart
    expect(growth, `process_memory_usage grew by ${Math.round(growth / 2 ** 20)} MiB`).toBeLessThan(100 * 2 ** 20)
    await expectBoardUnchanged('every test of this file')
  })
})
