// The Draw64 board, one model for the server (image-service, validation), the standalone page
// (demo/web, bundled by esbuild) and the slide's board (components/Draw64Canvas.vue): its size,
// its commands, how a command paints it and how it reaches a canvas. Plain ESM with JSDoc
// types, so the page loads it as it is and TypeScript checks it like the rest. Pure: no I/O.

/** Width and height of every image, in pixels. */
export const BOARD_SIZE = 64;
/** R, G, B: a pixel is 3 bytes, row-major, pixel (x, y) at byte (y * 64 + x) * 3. */
const CHANNELS = 3;
export const PIXEL_BYTES = BOARD_SIZE * BOARD_SIZE * CHANNELS;
/** Values one draw command may hold: a full board (the server refuses more). */
export const MAX_DRAW_VALUES = 4096;

const WHITE = 255;

/** @typedef {readonly [x: number, y: number, r: number, g: number, b: number]} PixelValue one pixel of a draw: x, y in 0–63, r, g, b in 0–255 */
/** @typedef {{ readonly command_type: 'draw', readonly values: readonly PixelValue[] }} DrawCommand */
/** @typedef {{ readonly command_type: 'clear_canvas' }} ClearCanvasCommand */
/** @typedef {DrawCommand | ClearCanvasCommand} Command */

/** A new image: every pixel white. */
export function blankPixels() {
  return new Uint8Array(PIXEL_BYTES).fill(WHITE);
}

/**
 * Applies a command to RGB pixels in place and returns how many pixels it painted. Values
 * off the board are skipped rather than written over a neighbour (the server refuses them
 * before they get here; a client trusts nobody's stroke blindly).
 * @param {Uint8Array} pixels PIXEL_BYTES bytes
 * @param {Command} command
 * @returns {number}
 */
export function applyCommand(pixels, command) {
  if (command.command_type === 'clear_canvas') {
    pixels.fill(WHITE);
    return BOARD_SIZE * BOARD_SIZE;
  }
  let painted = 0;
  for (const [x, y, r, g, b] of command.values) {
    if (x < 0 || x >= BOARD_SIZE || y < 0 || y >= BOARD_SIZE) continue;
    const offset = (y * BOARD_SIZE + x) * CHANNELS;
    pixels[offset] = r;
    pixels[offset + 1] = g;
    pixels[offset + 2] = b;
    painted++;
  }
  return painted;
}

/**
 * Copies RGB pixels into a canvas's RGBA frame, opaque, channel by channel: no garbage per
 * repaint under load.
 * @param {Uint8Array} rgb PIXEL_BYTES bytes
 * @param {Uint8ClampedArray} rgba BOARD_SIZE * BOARD_SIZE * 4 bytes, an ImageData's data
 */
export function rgbToRgba(rgb, rgba) {
  for (let source = 0, target = 0; source < PIXEL_BYTES; source += CHANNELS, target += 4) {
    rgba[target] = rgb[source];
    rgba[target + 1] = rgb[source + 1];
    rgba[target + 2] = rgb[source + 2];
    rgba[target + 3] = 255;
  }
}

// Real user monitoring: the boards in browsers trace their strokes as this service and export
// the spans to this path of Draw64 (OTLP/HTTP JSON), which files them all under that name.
export const BROWSER_SERVICE_NAME = 'draw64-web';
export const BROWSER_TRACES_PATH = '/rum/v1/traces';
