// The deck's markdown, read with Slidev's own parser: its size, its speaker notes, its code
// imported from the running demo (never pasted), and no image from another host.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { load } from '@slidev/parser/fs'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')

interface Slide {
  index: number
  title?: string
  note?: string
  content: string
}

let slides: Slide[]

beforeAll(async () => {
  const data = await load({ userRoot: ROOT, roots: [ROOT] }, join(ROOT, 'slides.md'))
  slides = data.slides as unknown as Slide[]
})

describe('the deck', () => {
  it('has 40 to 60 slides', () => {
    expect(slides.length).toBeGreaterThanOrEqual(40)
    expect(slides.length).toBeLessThanOrEqual(60)
  })

  it('has speaker notes on every slide', () => {
    expect(slides.filter((slide) => !slide.note?.trim()).map((slide) => `${slide.index + 1} ${slide.title}`)).toEqual([])
  })

  it('imports its code from demo/ with snippet regions that exist', () => {
    const imports = slides.flatMap((slide) => [...slide.content.matchAll(/^<<< @\/(\S+?)(?:#(\S+))?(?:\s|$)/gm)])
    expect(imports.length).toBeGreaterThanOrEqual(8)
    for (const [line, path, region] of imports) {
      expect(existsSync(join(ROOT, path)), line).toBe(true)
      if (region) expect(readFileSync(join(ROOT, path), 'utf8'), line).toContain(`#region ${region}`)
    }
    expect(imports.some(([, path]) => path === 'demo/instrumentation.ts')).toBe(true)
  })

  it('shows no image from another host', () => {
    const remote = slides.flatMap((slide) => [
      ...slide.content.matchAll(/!\[[^\]]*\]\((https?:)?\/\/[^)]+\)|<img[^>]+src="(https?:)?\/\/[^"]+"/g),
    ])
    expect(remote.map(([match]) => match)).toEqual([])
  })
})
