// Small helpers for talking to the real server over HTTP.

export async function json(response: Response): Promise<any> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text.slice(0, 200)}`)
  }
}

export function putCommand(baseUrl: string, id: string, command: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/images/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command }),
  })
}

export async function pixelsOf(baseUrl: string, id: string): Promise<Uint8Array> {
  const response = await fetch(`${baseUrl}/api/images/${id}/pixels`)
  if (!response.ok) throw new Error(`pixels of ${id}: ${response.status}`)
  return new Uint8Array(await response.arrayBuffer())
}

export function rgbAt(pixels: Uint8Array, x: number, y: number): number[] {
  const offset = (y * 64 + x) * 3
  return [pixels[offset], pixels[offset + 1], pixels[offset + 2]]
}
