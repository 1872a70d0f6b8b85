// Reads request bodies, refusing them early when they are too large, or not JSON when JSON is due.
import type { IncomingMessage } from 'node:http'
import { HttpError } from './respond.ts'

/** A full 4096-value draw command is ~82 KiB compact; this leaves room for pretty-printed JSON. */
export const MAX_BODY_BYTES = 256 * 1024

export async function readJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = request.headers['content-type'] ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, 'the body must be JSON: send the header content-type: application/json')
  }
  const declared = Number(request.headers['content-length'])
  if (declared > limit) throw new HttpError(413, `the body is larger than ${limit} bytes`)

  const text = (await readBody(request, limit)).toString('utf8')
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'the body is not valid JSON')
  }
}

/** A body that may be absent (`curl -X POST …`): undefined then, otherwise as readJsonBody. */
export async function readOptionalJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const { 'content-length': length, 'transfer-encoding': encoding } = request.headers
  if (length === '0' || (length === undefined && encoding === undefined)) return undefined
  return readJsonBody(request, limit)
}

/**
 * Reads a whole body, refusing it (413) past `limit`. Plain 'data' events rather than
 * `for await`: one promise per body instead of one per chunk, which matters when async_hooks
 * (the OTel context manager) watch every promise.
 */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    request.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received > limit) {
        request.removeAllListeners('data')
        request.pause()
        reject(new HttpError(413, `the body is larger than ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}
