import { describe, it, expect } from 'vitest';
import { PALETTE, linePixels, createStrokeBatcher, hexToRgb } from '../../demo/web/drawing.js';
import type { DrawCommand } from '../../demo/domain/board.js';

type Command = DrawCommand;

describe('linePixels', () => {
  it('returns a single pixel when both ends are the same', () => {
    expect(linePixels(3, 4, 3, 4)).toEqual([[3, 4]]);
  });

  it('includes both ends of horizontal, vertical and diagonal lines', () => {
    expect(linePixels(0, 0, 3, 0)).toEqual([[0, 0], [1, 0], [2, 0], [3, 0]]);
    expect(linePixels(5, 3, 5, 0)).toEqual([[5, 3], [5, 2], [5, 1], [5, 0]]);
    expect(linePixels(2, 2, 0, 0)).toEqual([[2, 2], [1, 1], [0, 0]]);
  });

  it('draws a steep line with one pixel per row, no gaps and no duplicates', () => {
    const pixels = linePixels(10, 0, 13, 20);
    expect(pixels).toHaveLength(21);
    expect(pixels[0]).toEqual([10, 0]);
    expect(pixels.at(-1)).toEqual([13, 20]);
    expect(new Set(pixels.map(([x, y]) => `${x},${y}`)).size).toBe(pixels.length);
    for (let i = 1; i < pixels.length; i++) {
      expect(Math.abs(pixels[i][0] - pixels[i - 1][0])).toBeLessThanOrEqual(1);
      expect(Math.abs(pixels[i][1] - pixels[i - 1][1])).toBe(1);
    }
  });
});

describe('createStrokeBatcher', () => {
  it('sends everything added before a flush as one draw command', async () => {
    const sent: Command[] = [];
    const batcher = createStrokeBatcher((command) => { sent.push(command); });
    batcher.add(1, 1, 255, 0, 0);
    batcher.add(2, 1, 0, 255, 0);
    await batcher.flush();
    expect(sent).toEqual([{ command_type: 'draw', values: [[1, 1, 255, 0, 0], [2, 1, 0, 255, 0]] }]);
    expect(batcher.size).toBe(0);
  });

  it('sends a pixel drawn twice once, with its last colour', async () => {
    const sent: Command[] = [];
    const batcher = createStrokeBatcher((command) => { sent.push(command); });
    batcher.add(5, 5, 255, 0, 0);
    batcher.add(5, 5, 0, 0, 255);
    await batcher.flush();
    expect(sent).toEqual([{ command_type: 'draw', values: [[5, 5, 0, 0, 255]] }]);
  });

  it('splits a flush into commands of at most maxValues values', async () => {
    const sent: Command[] = [];
    const batcher = createStrokeBatcher((command) => { sent.push(command); }, { maxValues: 4 });
    for (let x = 0; x < 10; x++) batcher.add(x, 0, 0, 0, 0);
    await batcher.flush();
    expect(sent.map((c) => c.values.length)).toEqual([4, 4, 2]);
    expect(sent.flatMap((c) => c.values.map(([x]) => x))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('keeps one request in flight and sends pixels added meanwhile in the next one', async () => {
    const sent: Command[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const batcher = createStrokeBatcher(async (command) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      sent.push(command);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
    });
    batcher.add(0, 0, 1, 1, 1);
    const first = batcher.flush();
    batcher.add(1, 0, 2, 2, 2);
    const second = batcher.flush();
    await Promise.all([first, second]);
    expect(maxInFlight).toBe(1);
    expect(sent.map((c) => c.values)).toEqual([[[0, 0, 1, 1, 1]], [[1, 0, 2, 2, 2]]]);
  });

  it('rejects a flush when sending fails and keeps the unsent pixels pending', async () => {
    const batcher = createStrokeBatcher(() => Promise.reject(new Error('boom')), { maxValues: 1 });
    batcher.add(0, 0, 0, 0, 0);
    batcher.add(1, 0, 0, 0, 0);
    await expect(batcher.flush()).rejects.toThrow('boom');
    expect(batcher.size).toBe(1);
  });

  it('does not send anything when nothing was drawn', async () => {
    let calls = 0;
    const batcher = createStrokeBatcher(() => { calls++; });
    await batcher.flush();
    expect(calls).toBe(0);
  });
});

describe('colours', () => {
  it('reads a colour written as 6 or 3 hex digits', () => {
    expect(hexToRgb('#ff8800')).toEqual([255, 136, 0]);
    expect(hexToRgb('#F80')).toEqual([255, 136, 0]);
  });

  it('offers 16 distinct palette colours, black and white included', () => {
    const hexes = PALETTE.map((c) => c.hex);
    expect(new Set(hexes).size).toBe(16);
    expect(hexes).toContain('#000000');
    expect(hexes).toContain('#ffffff');
  });
});
