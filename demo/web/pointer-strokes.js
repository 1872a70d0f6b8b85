// Turns mouse, pen and touch input on the board into runs of board cells,
// through Pointer Events so one code path serves every device.
import { BOARD_SIZE } from '../domain/board.js';
import { linePixels } from './drawing.js';

/**
 * The board cell under a pointer, whatever the canvas's size on screen.
 * @param {HTMLCanvasElement} canvas
 * @param {{ clientX: number, clientY: number }} e
 * @returns {[number, number]}
 */
export function boardCellAt(canvas, e) {
  const rect = canvas.getBoundingClientRect();
  const clamp = (/** @type {number} */ v) => Math.min(BOARD_SIZE - 1, Math.max(0, Math.floor(v * BOARD_SIZE)));
  return [clamp((e.clientX - rect.left) / rect.width), clamp((e.clientY - rect.top) / rect.height)];
}

/**
 * Calls `onCells` with the cells each stroke crosses, with no gap between
 * successive pointer positions. Several fingers may draw at once.
 * @param {HTMLCanvasElement} canvas
 * @param {(cells: [number, number][]) => void} onCells
 * @param {() => boolean} canDraw checked when a stroke starts
 * @param {() => void} [onStrokesEnd] called when the last pointer drawing lifts
 */
export function trackStrokes(canvas, onCells, canDraw, onStrokesEnd = () => {}) {
  /** Last cell of each pointer currently drawing. @type {Map<number, [number, number]>} */
  const strokes = new Map();

  /** @param {PointerEvent} e */
  const cellAt = (e) => boardCellAt(canvas, e);

  canvas.addEventListener('pointerdown', (e) => {
    if (!canDraw() || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId); // keep the stroke when the finger slips off the board
    const cell = cellAt(e);
    strokes.set(e.pointerId, cell);
    onCells([cell]);
  });

  canvas.addEventListener('pointermove', (e) => {
    let from = strokes.get(e.pointerId);
    if (!from) return;
    // Coalesced events keep fast strokes smooth where the browser offers them.
    const coalesced = e.getCoalescedEvents?.() ?? [];
    for (const event of coalesced.length ? coalesced : [e]) {
      const to = cellAt(event);
      if (to[0] !== from[0] || to[1] !== from[1]) onCells(linePixels(from[0], from[1], to[0], to[1]));
      from = to;
    }
    strokes.set(e.pointerId, from);
  });

  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    canvas.addEventListener(type, (e) => {
      if (strokes.delete(/** @type {PointerEvent} */ (e).pointerId) && strokes.size === 0) onStrokesEnd();
    });
  }
}
