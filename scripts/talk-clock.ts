// The talk's clock, read from the speaker notes: speech at 130 words a minute plus the live
// moments each note budgets (`[démo 1:30]`) and a few seconds to change slide, slide by slide, against the cumulative times the
// notes announce at each chapter start (`⏱ 12:00`). `npm run clock` prints it; the deck test
// holds the talk to 40 minutes with it.
import { join } from 'node:path'
import { load } from '@slidev/parser/fs'

export const WORDS_PER_MINUTE = 130
export const TALK_MINUTES = 40
/** Changing slide, a pause, a glance at the room: a few seconds each, counted too. */
export const SECONDS_PER_SLIDE = 5

export interface SlideClock {
  no: number
  title: string
  words: number
  demoSeconds: number
  /** Minutes from the start of the talk when this slide comes up, by the computed clock. */
  startsAt: number
  /** The `⏱ m:ss` mark the notes announce, in minutes, if any. */
  announced?: number
}

const minutes = (text: string) => {
  const [m, s] = text.split(':').map(Number)
  return m + s / 60
}

/** Words a speaker says: the notes without their marks. */
export function spokenWords(note: string): number {
  return note.replace(/⏱\s*\d+:\d\d/g, '').replace(/\[démo \d+:\d\d\]/g, '').split(/\s+/).filter((word) => /[\p{L}\d]/u.test(word)).length
}

export const slideMinutes = (slide: Pick<SlideClock, 'words' | 'demoSeconds'>) =>
  slide.words / WORDS_PER_MINUTE + (slide.demoSeconds + SECONDS_PER_SLIDE) / 60

/** When the last slide ends, in minutes. */
export const talkMinutes = (clock: SlideClock[]) => clock.at(-1)!.startsAt + slideMinutes(clock.at(-1)!)

export function clockOf(slides: { title?: string; note?: string }[]): SlideClock[] {
  let elapsed = 0
  return slides.map((slide, index) => {
    const note = slide.note ?? ''
    const demo = note.match(/\[démo (\d+:\d\d)\]/)
    const mark = note.match(/⏱\s*(\d+:\d\d)/)
    const clock: SlideClock = {
      no: index + 1,
      title: slide.title ?? '',
      words: spokenWords(note),
      demoSeconds: demo ? Math.round(minutes(demo[1]) * 60) : 0,
      startsAt: elapsed,
      announced: mark ? minutes(mark[1]) : undefined,
    }
    elapsed += slideMinutes(clock)
    return clock
  })
}

export async function loadDeck(root = join(import.meta.dirname, '..')) {
  const data = await load({ userRoot: root, roots: [root] }, join(root, 'slides.md'))
  return data.slides as unknown as { index: number; title?: string; note?: string; content: string; frontmatter: Record<string, unknown> }[]
}

const format = (value: number) => {
  const seconds = Math.round(value * 60)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

if (import.meta.main) {
  const clock = clockOf(await loadDeck())
  for (const slide of clock) {
    const mark = slide.announced === undefined ? '' : `  ⏱ ${format(slide.announced)}`
    const demo = slide.demoSeconds ? `  + démo ${slide.demoSeconds} s` : ''
    console.log(`${String(slide.no).padStart(2)}  ${format(slide.startsAt).padStart(5)}  ${String(slide.words).padStart(3)} mots${demo}  ${slide.title}${mark}`)
  }
  const total = talkMinutes(clock)
  const words = clock.reduce((sum, slide) => sum + slide.words, 0)
  const demo = clock.reduce((sum, slide) => sum + slide.demoSeconds, 0) / 60
  console.log(`\n${clock.length} slides · ${words} mots de notes (${format(words / WORDS_PER_MINUTE)} à ${WORDS_PER_MINUTE} mots/min) + ${format(demo)} de démo + ${SECONDS_PER_SLIDE} s par slide = ${format(total)} sur ${TALK_MINUTES} min`)
}
