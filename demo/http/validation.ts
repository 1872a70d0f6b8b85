// Request bodies and path parameters are parsed into typed values here, once, at the edge;
// the rest of the code trusts the types. Every message names the field that is wrong.
import { z } from 'zod'
import { BOARD_SIZE, MAX_DRAW_VALUES, type Command } from '../domain/board.js'
import { IMAGE_ID_PATTERN } from '../domain/image-id.ts'
import { HttpError } from './respond.ts'

function integerIn(name: string, max: number) {
  const message = `${name} must be an integer from 0 to ${max}`
  return z.number({ error: message }).int({ error: message }).min(0, { error: message }).max(max, { error: message })
}

const coordinate = (name: string) => integerIn(name, BOARD_SIZE - 1)
const channel = (name: string) => integerIn(name, 255)

const pixelValue = z.tuple([coordinate('x'), coordinate('y'), channel('r'), channel('g'), channel('b')], {
  error: 'each value must be an array [x, y, r, g, b]',
})

const drawCommand = z.strictObject({
  command_type: z.literal('draw'),
  values: z
    .array(pixelValue, { error: 'values must be an array of [x, y, r, g, b]' })
    .min(1, { error: 'values must hold at least one [x, y, r, g, b]' })
    .max(MAX_DRAW_VALUES, { error: `values must hold at most ${MAX_DRAW_VALUES} pixels per command` }),
})

const clearCanvasCommand = z.strictObject({ command_type: z.literal('clear_canvas') })

const commandBody = z.strictObject(
  {
    command: z.discriminatedUnion('command_type', [drawCommand, clearCanvasCommand], {
      error: (issue) =>
        issue.input === undefined || typeof issue.input !== 'object'
          ? 'command must be an object with a command_type'
          : 'command_type must be "draw" or "clear_canvas"',
    }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.join(', ')}`
        : 'the body must be a JSON object {"command": {...}}',
  },
)

function fieldName(path: PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  )
}

/** A zod failure as the API's 400: its first issue, named by its field (`command.values[3][0]`). */
export function badRequest(error: z.ZodError, context = ''): HttpError {
  const issue = error.issues[0]!
  const field = fieldName(issue.path)
  return new HttpError(400, `${context}${field ? `${field}: ${issue.message}` : issue.message}`)
}

/** The body as the schema types it, or a 400 naming the first wrong field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  throw badRequest(result.error)
}

export function parseCommandBody(body: unknown): Command {
  return parseBody(commandBody, body).command
}

export function parseImageId(raw: string): string {
  if (!IMAGE_ID_PATTERN.test(raw)) {
    throw new HttpError(400, 'image id must be 1 to 30 letters, digits or dashes')
  }
  return raw
}
