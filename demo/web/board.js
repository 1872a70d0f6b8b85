// Pure Draw64 board helpers: no DOM, no fetch, so the web page and the
// slides' Vue component share the exact same drawing logic.

/** Width and height of every Draw64 image, in pixels. */
export const SIZE = 64;

/** Bytes in a pixel buffer: SIZE × SIZE RGB, row-major, index (y*SIZE+x)*3. */
export const PIXELS_BYTES = SIZE * SIZE * 3;

/** @typedef {[number, number, number, number, number]} DrawValue [x, y, r, g, b] */
/** @typedef {{ command_type: 'draw', values: DrawValue[] }} DrawCommand */
/** @typedef {{ command_type: 'clear_canvas' }} ClearCommand */
/** @typedef {DrawCommand | ClearCommand} Command */

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
export function createStrokeBatcher(send, { maxValues = 4096 } = {}) {
  /** @type {Map<number, DrawValue>} keyed by y*SIZE+x, so re-adding keeps the last colour */
  const pending = new Map();
  /** @type {Promise<void> | null} */
  let inFlight = null;

  /** Takes up to maxValues pending values, oldest first. */
  function takeChunk() {
    /** @type {DrawValue[]} */
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
      pending.set(y * SIZE + x, [x, y, r, g, b]);
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
 * Applies a command to an RGB pixel buffer in place and returns it.
 * Values outside the board are skipped rather than corrupting a neighbour.
 * @param {Uint8Array} pixels SIZE*SIZE*3 bytes
 * @param {Command} command
 * @returns {Uint8Array}
 */
export function applyCommand(pixels, command) {
  if (command.command_type === 'clear_canvas') {
    pixels.fill(255);
  } else if (command.command_type === 'draw') {
    for (const [x, y, r, g, b] of command.values) {
      if (x < 0 || x >= SIZE || y < 0 || y >= SIZE) continue;
      const i = (y * SIZE + x) * 3;
      pixels[i] = r;
      pixels[i + 1] = g;
      pixels[i + 2] = b;
    }
  }
  return pixels;
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
