// A Draw64 image: 64×64 RGB pixels, row-major, 3 bytes per pixel at (y * 64 + x) * 3.
// Pure: no I/O, no telemetry, so it can be tested and reasoned about alone.

export const CANVAS_SIZE = 64
export const CHANNELS = 3
export const PIXEL_BYTES = CANVAS_SIZE * CANVAS_SIZE * CHANNELS
export const MAX_DRAW_VALUES = 4096

const WHITE = 255

/** One pixel of a draw command: x, y in 0–63, r, g, b in 0–255. */
export type PixelValue = readonly [x: number, y: number, r: number, g: number, b: number]

export type DrawCommand = { readonly command_type: 'draw'; readonly values: readonly PixelValue[] }
export type ClearCanvasCommand = { readonly command_type: 'clear_canvas' }
export type Command = DrawCommand | ClearCanvasCommand
export type CommandType = Command['command_type']

export function blankPixels(): Uint8Array {
  return new Uint8Array(PIXEL_BYTES).fill(WHITE)
}

/** Applies a command in place and returns how many pixels it painted. */
export function applyCommand(pixels: Uint8Array, command: Command): number {
  if (command.command_type === 'clear_canvas') {
    pixels.fill(WHITE)
    return CANVAS_SIZE * CANVAS_SIZE
  }
  for (const [x, y, r, g, b] of command.values) {
    const offset = (y * CANVAS_SIZE + x) * CHANNELS
    pixels[offset] = r
    pixels[offset + 1] = g
    pixels[offset + 2] = b
  }
  return command.values.length
}
