import { describe, it, expect } from 'vitest';
import { BOARD_SIZE, PIXEL_BYTES, applyCommand, blankPixels, rgbToRgba } from '../../demo/domain/board.js';

describe('applyCommand', () => {
  it('writes draw values at (y*64+x)*3 in RGB order', () => {
    const pixels = new Uint8Array(PIXEL_BYTES);
    applyCommand(pixels, { command_type: 'draw', values: [[2, 1, 10, 20, 30], [63, 63, 1, 2, 3]] });
    const i = (1 * BOARD_SIZE + 2) * 3;
    expect([...pixels.slice(i, i + 3)]).toEqual([10, 20, 30]);
    expect([...pixels.slice(PIXEL_BYTES - 3)]).toEqual([1, 2, 3]);
    expect(pixels.reduce((sum, v) => sum + v, 0)).toBe(10 + 20 + 30 + 1 + 2 + 3);
  });

  it('clears the canvas to white', () => {
    const pixels = new Uint8Array(PIXEL_BYTES);
    applyCommand(pixels, { command_type: 'clear_canvas' });
    expect(pixels.every((v) => v === 255)).toBe(true);
  });

  it('skips values outside the board instead of writing a neighbour', () => {
    const pixels = new Uint8Array(PIXEL_BYTES);
    applyCommand(pixels, { command_type: 'draw', values: [[64, 0, 9, 9, 9], [-1, 5, 9, 9, 9]] });
    expect(pixels.every((v) => v === 0)).toBe(true);
  });
});

describe('blankPixels', () => {
  it('is a white board of 64 × 64 RGB pixels', () => {
    const pixels = blankPixels();
    expect(pixels).toHaveLength(64 * 64 * 3);
    expect(pixels.every((v) => v === 255)).toBe(true);
  });
});

describe('rgbToRgba', () => {
  it('copies each pixel into an opaque RGBA frame', () => {
    const rgb = new Uint8Array(PIXEL_BYTES);
    rgb.set([10, 20, 30], 3);
    const rgba = new Uint8ClampedArray(BOARD_SIZE * BOARD_SIZE * 4);
    rgbToRgba(rgb, rgba);
    expect([...rgba.slice(0, 8)]).toEqual([0, 0, 0, 255, 10, 20, 30, 255]);
  });
});
