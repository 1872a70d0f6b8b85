// Traffic with something to see in it, for the recording and the PDF export: strokes of a
// drawing, a few readers, and the usual mistakes (a 400, a 404).

export const TALK_IMAGE = 'talk'

/** One stroke of a drawing: twelve pixels along a circle arc, in one of three colours. */
export function stroke(step: number): number[][] {
  const hue = step % 3
  const colour = [hue === 0 ? 230 : 40, hue === 1 ? 200 : 60, hue === 2 ? 240 : 80]
  const radius = 8 + (step % 20)
  return Array.from({ length: 12 }, (_, n) => {
    const angle = ((step * 12 + n) / 60) * Math.PI
    return [Math.round(32 + radius * Math.cos(angle)), Math.round(32 + radius * Math.sin(angle)), ...colour]
  })
}

export function drawStroke(baseUrl: string, step: number, image = TALK_IMAGE): Promise<Response> {
  return fetch(`${baseUrl}/api/images/${image}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ command: { command_type: 'draw', values: stroke(step) } }),
  })
}

/** Creates the talk's image if needed (409 when it exists is fine). */
export async function ensureTalkImage(baseUrl: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/images/${TALK_IMAGE}`, { method: 'POST' })
  if (!response.ok && response.status !== 409) throw new Error(`cannot create image ${TALK_IMAGE}: ${response.status}`)
}

/** One second's worth of activity: four strokes, and now and then a reader or a mistake. */
export async function activity(baseUrl: string, second: number): Promise<void> {
  for (let n = 0; n < 4; n++) await drawStroke(baseUrl, second * 4 + n)
  const image = `${baseUrl}/api/images/${TALK_IMAGE}`
  if (second % 5 === 2) {
    await fetch(image, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: { command_type: 'draw', values: [[64, 3, 255, 0, 0]] } }),
    })
  }
  if (second % 7 === 3) await fetch(`${image}.png`)
  if (second % 3 === 0) await fetch(`${image}/pixels`)
  if (second % 11 === 5) await fetch(`${baseUrl}/api/images/missing-image`)
}
