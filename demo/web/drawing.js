// What both boards in a browser draw with (the standalone page and the slide's board): strokes
// turned into cells, cells batched into draw commands, colours, and the canvas repainted once per
// frame. No fetch here; the board itself is demo/domain/board.js.
import { BOARD_SIZE, MAX_DRAW_VALUES, rgbToRgba } from '../domain/board.js';

/** @typedef {import('../domain/board.js').PixelValue} PixelValue */
/** @typedef {import('../domain/board.js').DrawCommand} DrawCommand */

/**
 * Pixels of the segment from (x0, y0) to (x1, y1), both ends included,
 * each pixel once (Bresenham, all octants).
 * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1
 * @returns {[number, number][]}
 */
export function linePixels(x0, y0, x1, y1) {
  let x = Math.round(x0);
  let y = Math.round(y0);
  const xEnd = Math.round(x1);
  const yEnd = Math.round(y1);
  const dx = Math.abs(xEnd - x);
  const dy = -Math.abs(yEnd - y);
  const sx = x < xEnd ? 1 : -1;
  const sy = y < yEnd ? 1 : -1;
  let err = dx + dy;
  /** @type {[number, number][]} */
  const pixels = [];
  for (;;) {
    pixels.push([x, y]);
    if (x === xEnd && y === yEnd) return pixels;
    const e2 = 2 * err;
    if (e2 >= dy) { err += dy; x += sx; }
    if (e2 <= dx) { err += dx; y += sy; }
  }
}

/**
 * Collects drawn pixels and sends them as draw commands, one at a time.
 * A pixel drawn twice before a flush is sent once, with its last colour;
 * a command never holds more than `maxValues` values (the server's limit).
 * Pixels added while a command is in flight go out in the next one, so
 * strokes reach the server in the order they were drawn.
 * @param {(command: DrawCommand) => Promise<unknown> | unknown} send
 * @param {{ maxValues?: number }} [options]
 */
export function createStrokeBatcher(send, { maxValues = MAX_DRAW_VALUES } = {}) {
  /** @type {Map<number, PixelValue>} keyed by y*BOARD_SIZE+x, so re-adding keeps the last colour */
  const pending = new Map();
  /** @type {Promise<void> | null} */
  let inFlight = null;

  /** Takes up to maxValues pending values, oldest first. */
  function takeChunk() {
    /** @type {PixelValue[]} */
    const values = [];
    for (const [key, value] of pending) {
      if (values.length >= maxValues) break;
      values.push(value);
      pending.delete(key);
    }
    return values;
  }

  async function drain() {
    try {
      while (pending.size > 0) {
        await send({ command_type: 'draw', values: takeChunk() });
      }
    } finally {
      inFlight = null;
    }
  }

  return {
    /** @param {number} x @param {number} y @param {number} r @param {number} g @param {number} b */
    add(x, y, r, g, b) {
      pending.set(y * BOARD_SIZE + x, [x, y, r, g, b]);
    },
    /**
     * Sends everything pending; resolves when the queue is empty, rejects
     * with the first failed send (the values not yet sent stay pending).
     * @returns {Promise<void>}
     */
    flush() {
      if (!inFlight && pending.size > 0) inFlight = drain();
      return inFlight ?? Promise.resolve();
    },
    /** Number of pixels waiting to be sent. */
    get size() {
      return pending.size;
    },
  };
}

/**
 * '#ff8800' or '#f80' → [255, 136, 0].
 * @param {string} hex
 * @returns {[number, number, number]}
 */
export function hexToRgb(hex) {
  let digits = hex.replace(/^#/, '');
  if (digits.length === 3) digits = [...digits].map((d) => d + d).join('');
  if (!/^[0-9a-f]{6}$/i.test(digits)) throw new Error(`not a colour: ${hex}`);
  const n = parseInt(digits, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * 16 colours (PICO-8's palette, with pure white), named for screen readers.
 * @type {ReadonlyArray<{ name: string, hex: string }>}
 */
export const PALETTE = Object.freeze([
  { name: 'noir', hex: '#000000' },
  { name: 'bleu nuit', hex: '#1d2b53' },
  { name: 'prune', hex: '#7e2553' },
  { name: 'vert sapin', hex: '#008751' },
  { name: 'brun', hex: '#ab5236' },
  { name: 'gris foncé', hex: '#5f574f' },
  { name: 'gris clair', hex: '#c2c3c7' },
  { name: 'blanc', hex: '#ffffff' },
  { name: 'rouge', hex: '#ff004d' },
  { name: 'orange', hex: '#ffa300' },
  { name: 'jaune', hex: '#ffec27' },
  { name: 'vert', hex: '#00e436' },
  { name: 'bleu ciel', hex: '#29adff' },
  { name: 'lavande', hex: '#83769c' },
  { name: 'rose', hex: '#ff77a8' },
  { name: 'pêche', hex: '#ffccaa' },
]);

/**
 * Paints the board's current pixels on a canvas now, or at the next animation frame however
 * many strokes arrive before it, reusing one frame.
 * @param {() => CanvasRenderingContext2D | null | undefined} context
 * @param {() => Uint8Array} pixels read when painting: the board may have been replaced meanwhile
 * @param {() => void} [onPainted]
 */
export function createBoardPainter(context, pixels, onPainted = () => {}) {
  /** @type {ImageData | undefined} */
  let frame;
  let queued = false;

  function now() {
    const target = context();
    if (!target) return;
    frame ??= target.createImageData(BOARD_SIZE, BOARD_SIZE);
    rgbToRgba(pixels(), frame.data);
    target.putImageData(frame, 0, 0);
    onPainted();
  }

  return {
    now,
    soon() {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        now();
      });
    },
  };
}
