import { PNG } from 'pngjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDraw64, type Draw64Process } from '../../demo/draw64-process.ts'
import { json, pixelsOf, putCommand, rgbAt } from '../support/http.ts'

let server: Draw64Process
let base: string

beforeAll(async () => {
  server = await startDraw64()
  base = server.baseUrl
})
afterAll(() => server.stop())

describe('Draw64 image API', () => {
  it('answers liveness and readiness', async () => {
    expect(await json(await fetch(`${base}/healthz`))).toEqual({ status: 'ok' })
    const ready = await fetch(`${base}/readyz`)
    expect(ready.status).toBe(200)
  })

  it('creates an image with a readable random id, then lists and reads it', async () => {
    const created = await fetch(`${base}/api/images`, { method: 'POST' })
    expect(created.status).toBe(201)
    const { image } = await json(created)
    expect(image.id).toMatch(/^[a-z]+-\d{3}$/)
    expect(image.updateCount).toBe(0)

    const { images } = await json(await fetch(`${base}/api/images`))
    expect(images.map((listed: { id: string }) => listed.id)).toContain(image.id)
    expect((await json(await fetch(`${base}/api/images/${image.id}`))).image).toEqual(image)
  })

  it('creates an image with a given id and refuses the same id twice', async () => {
    expect((await fetch(`${base}/api/images/given-id`, { method: 'POST' })).status).toBe(201)
    const again = await fetch(`${base}/api/images/given-id`, { method: 'POST' })
    expect(again.status).toBe(409)
    expect((await json(again)).error).toContain('already exists')
  })

  it('draws pixels, serves them as 12288 raw RGB bytes and as a PNG', async () => {
    await fetch(`${base}/api/images/drawn`, { method: 'POST' })
    const drawn = await putCommand(base, 'drawn', { command_type: 'draw', values: [[0, 0, 255, 0, 0], [63, 63, 0, 0, 255]] })
    expect(drawn.status).toBe(200)
    expect((await json(drawn)).image.updateCount).toBe(1)

    const pixels = await pixelsOf(base, 'drawn')
    expect(pixels.length).toBe(64 * 64 * 3)
    expect(rgbAt(pixels, 0, 0)).toEqual([255, 0, 0])
    expect(rgbAt(pixels, 63, 63)).toEqual([0, 0, 255])
    expect(rgbAt(pixels, 1, 1)).toEqual([255, 255, 255])

    const png = await fetch(`${base}/api/images/drawn.png`)
    expect(png.headers.get('content-type')).toBe('image/png')
    const decoded = PNG.sync.read(Buffer.from(await png.arrayBuffer()))
    expect([decoded.width, decoded.height]).toEqual([64, 64])
    expect([...decoded.data.subarray(0, 4)]).toEqual([255, 0, 0, 255])
  })

  it('clears the canvas to white', async () => {
    await fetch(`${base}/api/images/cleared`, { method: 'POST' })
    await putCommand(base, 'cleared', { command_type: 'draw', values: [[5, 5, 1, 2, 3]] })
    expect((await putCommand(base, 'cleared', { command_type: 'clear_canvas' })).status).toBe(200)
    expect(rgbAt(await pixelsOf(base, 'cleared'), 5, 5)).toEqual([255, 255, 255])
  })

  it('deletes an image, then answers 404 for it everywhere', async () => {
    await fetch(`${base}/api/images/doomed`, { method: 'POST' })
    expect((await fetch(`${base}/api/images/doomed`, { method: 'DELETE' })).status).toBe(204)
    for (const path of ['/api/images/doomed', '/api/images/doomed/pixels', '/api/images/doomed.png']) {
      const response = await fetch(`${base}${path}`)
      expect(response.status).toBe(404)
      expect((await json(response)).error).toContain('doomed')
    }
    expect((await fetch(`${base}/api/images/doomed`, { method: 'DELETE' })).status).toBe(404)
    expect((await putCommand(base, 'doomed', { command_type: 'clear_canvas' })).status).toBe(404)
  })

  it('keeps at most 10 images and answers 409 past the cap', async () => {
    const { images } = await json(await fetch(`${base}/api/images`))
    for (let n = images.length; n < 10; n++) {
      expect((await fetch(`${base}/api/images`, { method: 'POST' })).status).toBe(201)
    }
    const full = await fetch(`${base}/api/images`, { method: 'POST' })
    expect(full.status).toBe(409)
    expect((await json(full)).error).toContain('at most 10')
    expect((await fetch(`${base}/api/images/one-more`, { method: 'POST' })).status).toBe(409)
    expect((await json(await fetch(`${base}/api/images`))).images).toHaveLength(10)
  })

  it('reports statistics: images created and deleted, updates per image, connected users', async () => {
    const stats = await json(await fetch(`${base}/api/statistics`))
    expect(stats.imagesDeleted).toBe(1)
    expect(stats.imagesCreated).toBe(11)
    expect(stats.activeImages).toBe(10)
    expect(stats.updatesPerImage.drawn).toBe(1)
    expect(stats.connectedUsers).toBe(0)
  })

  it('answers 404 for an unknown route and 405 with Allow for a wrong method', async () => {
    const unknown = await fetch(`${base}/api/nothing-here`)
    expect(unknown.status).toBe(404)
    expect((await json(unknown)).error).toBeTruthy()
    const wrong = await fetch(`${base}/api/images`, { method: 'PATCH' })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, POST')
  })

  it('serves the standalone page and its script bundled with the web SDK, nothing else', async () => {
    const page = await fetch(`${base}/`)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(await page.text()).toContain('Draw64')
    const script = await fetch(`${base}/web/app.js`)
    expect(script.headers.get('content-type')).toContain('javascript')
    const bundle = await script.text()
    expect(bundle).toContain('/rum/v1/traces')
    expect(bundle).not.toMatch(/from\s*["']@opentelemetry/) // bare imports resolved
    expect((await fetch(`${base}/web/drawing.js`)).status).toBe(404) // inside the bundle
    expect((await fetch(`${base}/web/..%2Fmain.ts`)).status).toBe(404)
  })
})
