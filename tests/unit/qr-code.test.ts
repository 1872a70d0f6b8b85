import jsQR from 'jsqr'
import { describe, expect, it } from 'vitest'
import { qrCode, qrModules } from '../../lib/qr-code.ts'

const QUIET_ZONE = 4
const PIXELS_PER_MODULE = 4

/** Renders the modules as a scanner would see them: black on white, with the quiet zone. */
function rasterize(modules: boolean[][]): { data: Uint8ClampedArray; side: number } {
  const side = (modules.length + 2 * QUIET_ZONE) * PIXELS_PER_MODULE
  const data = new Uint8ClampedArray(side * side * 4).fill(255)
  modules.forEach((cells, row) =>
    cells.forEach((dark, col) => {
      if (!dark) return
      for (let dy = 0; dy < PIXELS_PER_MODULE; dy++) {
        for (let dx = 0; dx < PIXELS_PER_MODULE; dx++) {
          const x = (col + QUIET_ZONE) * PIXELS_PER_MODULE + dx
          const y = (row + QUIET_ZONE) * PIXELS_PER_MODULE + dy
          data.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3)
        }
      }
    }),
  )
  return { data, side }
}

describe('qrCode', () => {
  it.each(['http://192.168.1.23:8064/', 'http://localhost:8064/', 'http://[fd00::2]:8064/#talk'])('encodes %s so that a decoder reads it back', (url) => {
    const { data, side } = rasterize(qrModules(url))
    expect(jsQR(data, side, side)?.data).toBe(url)
  })

  it('draws one unit square per dark module', () => {
    const modules = qrModules('http://10.0.0.7:8064/')
    const { size, path } = qrCode('http://10.0.0.7:8064/')
    expect(size).toBe(modules.length)
    expect(path.match(/M/g)?.length).toBe(modules.flat().filter(Boolean).length)
  })
})
