// The deck's markdown, read with Slidev's own parser: a 40-minute talk (its clock, its notes),
// readable from the back (bullets and code per slide), its code imported from files that run
// (never pasted), highlights that still point at the code the slide names, no remote image.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { clockOf, loadDeck, spokenWords, talkMinutes, TALK_MINUTES, type SlideClock } from '../../scripts/talk-clock.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const MAX_NOTE_WORDS = 180
const MAX_BULLETS = 7
const MAX_CODE_LINES = 12
// A chapter's announced start may differ from the computed clock by this much (minutes).
const CLOCK_TOLERANCE = 1

type Slide = Awaited<ReturnType<typeof loadDeck>>[number]
let slides: Slide[]
let clock: SlideClock[]

beforeAll(async () => {
  slides = await loadDeck(ROOT)
  clock = clockOf(slides)
})

const label = (slide: Slide) => `${slide.index + 1} ${slide.title}`
const IMPORT = /^<<< @\/([^\s#]+)(?:#(\S+))?(?:\s+(\w+))?(?:\s+\{([^}]*)\})?/gm
const imports = (slide: Slide) => [...slide.content.matchAll(IMPORT)].map(([line, path, region, , highlight]) => ({ line, path, region, highlight }))
const withoutCode = (content: string) => content.replace(/^```[\s\S]*?^```/gm, '')

/** The lines Slidev shows for `<<< @/path#region`: between the markers, nested markers dropped. */
function snippetLines(path: string, region?: string): string[] {
  const lines = readFileSync(join(ROOT, path), 'utf8').split('\n')
  if (!region) return lines.at(-1) === '' ? lines.slice(0, -1) : lines
  const marker = (kind: string, name: string) => new RegExp(`^\\s*(//|#)\\s*#?${kind}\\s+${name}\\s*$`)
  const start = lines.findIndex((line) => marker('region', region).test(line))
  const end = lines.findIndex((line, index) => index > start && marker('endregion', region).test(line))
  return lines.slice(start + 1, end).filter((line) => !/^\s*(\/\/|#)\s*#?(end)?region\b/.test(line))
}

/** Line numbers (1-based) of a highlight group such as `2`, `6-8` or `1,3-4`. */
function groupLines(group: string): number[] {
  return group.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number)
    return Array.from({ length: to - from + 1 }, (_, offset) => from + offset)
  })
}

describe('the talk', () => {
  it('has 40 to 48 slides', () => {
    expect(slides.length).toBeGreaterThanOrEqual(40)
    expect(slides.length).toBeLessThanOrEqual(48)
  })

  it('has speaker notes on every slide, none over 180 spoken words', () => {
    expect(slides.filter((slide) => !slide.note?.trim()).map(label)).toEqual([])
    expect(slides.filter((slide) => spokenWords(slide.note ?? '') > MAX_NOTE_WORDS).map(label)).toEqual([])
  })

  it('fits in 40 minutes at 130 words a minute, live moments included', () => {
    expect(talkMinutes(clock)).toBeLessThanOrEqual(TALK_MINUTES)
  })

  it('announces the clock at the start and at every chapter, where the notes really get', () => {
    const starts = slides.filter((slide, index) => index === 0 || slide.frontmatter.layout === 'section' || slide.frontmatter.level === 1)
    expect(starts.filter((slide) => clock[slide.index].announced === undefined).map(label)).toEqual([])
    const drift = clock.filter((slide) => slide.announced !== undefined && Math.abs(slide.announced - slide.startsAt) > CLOCK_TOLERANCE)
    expect(drift.map((slide) => `${slide.no} ${slide.title}: ⏱ ${slide.announced} vs ${slide.startsAt.toFixed(1)}`)).toEqual([])
  })

  it('keeps the runbook out of the notes, in a page of its own', () => {
    expect(existsSync(join(ROOT, 'docs', 'runbook.md'))).toBe(true)
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('docs/runbook.md')
  })
})

describe('the slides, read from the back of the room', () => {
  it(`have at most ${MAX_BULLETS} bullets each`, () => {
    const crowded = slides.filter((slide) => (withoutCode(slide.content).match(/^\s*(?:[-*]|\d+\.)\s+\S/gm) ?? []).length > MAX_BULLETS)
    expect(crowded.map(label)).toEqual([])
  })

  it(`show at most ${MAX_CODE_LINES} lines of code each`, () => {
    const codeLines = (slide: Slide) =>
      [...slide.content.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].reduce((sum, [, body]) => sum + body.split('\n').filter((line) => line.trim()).length, 0) +
      imports(slide).reduce((sum, { path, region }) => sum + snippetLines(path, region).filter((line) => line.trim()).length, 0)
    expect(slides.filter((slide) => codeLines(slide) > MAX_CODE_LINES).map((slide) => `${label(slide)}: ${codeLines(slide)} lines`)).toEqual([])
  })
})

describe('the code on the slides', () => {
  it('is imported from files that run (demo/, examples/, stack/), with regions that exist', () => {
    const all = slides.flatMap(imports)
    expect(all.length).toBeGreaterThanOrEqual(8)
    for (const { line, path, region } of all) {
      expect(path, line).toMatch(/^(demo|examples|stack)\//)
      expect(existsSync(join(ROOT, path)), line).toBe(true)
      if (region) expect(snippetLines(path, region).length, line).toBeGreaterThan(0)
    }
    expect(all.some(({ path }) => path === 'examples/instrumentation.ts')).toBe(true)
  })

  it('highlights, click after click, the code that the slide names (frontmatter `highlights`)', () => {
    const problems: string[] = []
    for (const slide of slides) {
      const highlighted = imports(slide).filter(({ highlight }) => highlight)
      const markers = (slide.frontmatter.highlights as string[] | undefined) ?? []
      if (highlighted.length === 0) {
        if (markers.length) problems.push(`${label(slide)}: highlights without a highlighted snippet`)
        continue
      }
      if (highlighted.length > 1) problems.push(`${label(slide)}: one highlighted snippet per slide`)
      const { path, region, highlight } = highlighted[0]
      const groups = highlight!.split('|')
      if (groups.length !== markers.length) problems.push(`${label(slide)}: ${groups.length} highlight groups, ${markers.length} markers`)
      const lines = snippetLines(path, region)
      groups.forEach((group, index) => {
        if (group.trim() === '*' || markers[index] === undefined) return
        const shown = groupLines(group).map((no) => lines[no - 1] ?? '')
        if (!shown.some((line) => line.includes(markers[index]))) problems.push(`${label(slide)}: {${group}} of ${path}#${region} no longer shows "${markers[index]}"`)
      })
    }
    expect(problems).toEqual([])
  })

  it('shows no image from another host', () => {
    const remote = slides.flatMap((slide) => [
      ...slide.content.matchAll(/!\[[^\]]*\]\((https?:)?\/\/[^)]+\)|<img[^>]+src="(https?:)?\/\/[^"]+"/g),
    ])
    expect(remote.map(([match]) => match)).toEqual([])
  })
})
