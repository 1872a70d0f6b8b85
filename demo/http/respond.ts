// One error shape for the whole API: {"error": "what is wrong"} with the right status.
import type { ServerResponse } from 'node:http'

export class HttpError extends Error {
  readonly status: number
  readonly headers: Record<string, string>

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.headers = headers
    this.name = 'HttpError'
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(response, status, JSON.stringify(body), headers)
}

/** A body already serialized, such as a telemetry page assembled from cached JSON texts. */
export function sendJsonText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

export function sendError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { error: message }, headers)
}

export function sendBytes(response: ServerResponse, contentType: string, bytes: Uint8Array, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': bytes.byteLength, ...headers })
  response.end(bytes)
}
