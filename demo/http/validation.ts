// Request bodies and path parameters are parsed into typed values here, once, at the edge;
// the rest of the code trusts the types. Every message names the field that is wrong.
import type { core } from 'zod/mini'
import { BOARD_SIZE, type Command } from '../domain/board.js'
import { commandBodySchema, type Schema } from '../../lib/wire.ts'
import { IMAGE_ID_PATTERN } from '../domain/image-id.ts'
import { HttpError } from './respond.ts'

function fieldName(path: PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  )
}

/** A zod failure as the API's 400: its first issue, named by its field (`command.values[3][0]`). */
export function badRequest(error: core.$ZodError, context = ''): HttpError {
  const issue = error.issues[0]!
  const field = fieldName(issue.path)
  return new HttpError(400, `${context}${field ? `${field}: ${issue.message}` : issue.message}`)
}

/** The body as the schema types it, or a 400 naming the first wrong field. */
export function parseBody<T>(schema: Schema<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  throw badRequest(result.error)
}

export function parseCommandBody(body: unknown): Command {
  return parseBody(commandBodySchema, body).command
}

export function parseImageId(raw: string): string {
  if (!IMAGE_ID_PATTERN.test(raw)) {
    throw new HttpError(400, 'image id must be 1 to 30 letters, digits or dashes')
  }
  return raw
}

/** A pixel coordinate from the query string (`?x=12&y=40`): an integer on the board. */
export function parseCoordinate(query: URLSearchParams, name: 'x' | 'y'): number {
  const raw = query.get(name)
  const value = raw !== null && /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN
  if (!(value < BOARD_SIZE)) throw new HttpError(400, `${name} must be an integer from 0 to ${BOARD_SIZE - 1}`)
  return value
}
