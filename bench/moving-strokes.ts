// Strokes as the room draws them: each one lands on pixels the previous one did not touch.
// A pointer traces Lissajous figures across the 64×64 board, one figure after another, each in
// the next colour; its path is cut into 10-pixel strokes, the bodies of successive PUTs. Five
// figures and four colours: the cycle repeats only after twenty figures, so a figure drawn
// again repaints pixels in another colour, over strokes cut elsewhere. Deterministic.
import { BOARD_SIZE } from '../demo/domain/board.js'

const STROKE_PIXELS = 10
const FIGURES: [number, number][] = [[3, 4], [5, 4], [3, 2], [5, 6], [1, 2]]
const COLOURS: [number, number, number][] = [[200, 30, 30], [30, 120, 200], [40, 160, 60], [240, 180, 20]]

/** The pixels of one Lissajous figure, in drawing order, each next to the one before. */
function figure(a: number, b: number): [number, number][] {
  const centre = (BOARD_SIZE - 1) / 2
  const points: [number, number][] = []
  for (let step = 0; step < 8000; step++) {
    const t = (2 * Math.PI * step) / 8000
    const x = Math.round(centre + centre * Math.sin(a * t + Math.PI / 2))
    const y = Math.round(centre + centre * Math.sin(b * t))
    const last = points.at(-1)
    if (!last || last[0] !== x || last[1] !== y) points.push([x, y])
  }
  return points
}

/** The JSON bodies of one full cycle of strokes, to be sent in turn. */
export function movingStrokeBodies(): string[] {
  const path: [number, number, number, number, number][] = []
  for (let n = 0; n < FIGURES.length * COLOURS.length; n++) {
    const [a, b] = FIGURES[n % FIGURES.length]!
    const [r, g, bl] = COLOURS[n % COLOURS.length]!
    for (const [x, y] of figure(a, b)) path.push([x, y, r, g, bl])
  }
  const bodies: string[] = []
  for (let start = 0; start < path.length; start += STROKE_PIXELS) {
    bodies.push(JSON.stringify({ command: { command_type: 'draw', values: path.slice(start, start + STROKE_PIXELS) } }))
  }
  return bodies
}
