import { afterEach, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { pixelsOf, putCommand, rgbAt } from '../support/http.ts'

let server: Draw64Process | undefined
afterEach(() => server?.stop())

describe('drawings are stored in SQLite', () => {
  it('survives a restart of the process', async () => {
    server = await startDraw64()
    const { dataDir } = server
    await fetch(`${server.baseUrl}/api/images/kept`, { method: 'POST' })
    await putCommand(server.baseUrl, 'kept', { command_type: 'draw', values: [[7, 8, 10, 20, 30]] })
    await server.stop()

    server = await startDraw64({ dataDir })
    expect(rgbAt(await pixelsOf(server.baseUrl, 'kept'), 7, 8)).toEqual([10, 20, 30])
  })

  it('keeps every acknowledged draw through a kill -9 during a burst of draws, three times over', async () => {
    server = await startDraw64()
    const { dataDir } = server
    await fetch(`${server.baseUrl}/api/images/burst`, { method: 'POST' })
    const acknowledged: [number, number][] = []

    // Each round draws in its own band of 16 rows, so no round overwrites another's pixels.
    for (let round = 0; round < 3; round++) {
      const baseUrl = server.baseUrl
      const writers = Array.from({ length: 8 }, async (_, writer) => {
        for (let n = 0; ; n++) {
          const cell = writer * 8 + n
          const [x, y] = [cell % 64, round * 16 + (Math.floor(cell / 64) % 16)]
          try {
            const response = await putCommand(baseUrl, 'burst', { command_type: 'draw', values: [[x, y, 0, writer, 0]] })
            if (response.ok) acknowledged.push([x, y])
          } catch {
            return // the server is gone
          }
        }
      })
      await new Promise((resolve) => setTimeout(resolve, 700))
      await server.kill()
      await Promise.all(writers)

      server = await startDraw64({ dataDir })
      const pixels = await pixelsOf(server.baseUrl, 'burst')
      const lost = acknowledged.filter(([x, y]) => rgbAt(pixels, x, y)[0] !== 0 || rgbAt(pixels, x, y)[2] !== 0)
      expect(lost, `round ${round + 1}`).toEqual([])
    }
    expect(acknowledged.length).toBeGreaterThan(60)
  }, 60_000)
})
