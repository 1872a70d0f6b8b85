// French typography on the slides: a non-breaking space (U+00A0, or the narrow U+202F) before
// « : ; ? ! ». Slide text only: frontmatter, speaker notes, code (fenced, inline, <code>), HTML
// tags and their attributes, Vue expressions, URLs and slot markers (`::left::`) are left out.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
const DECK = ['slides.md', ...readdirSync(join(ROOT, 'pages')).filter((file) => file.endsWith('.md')).map((file) => `pages/${file}`)]

/** The text of a deck file a reader sees on the slides, other parts blanked out. */
export function slideText(markdown: string): string {
  return markdown
    .replace(/^---\n[\s\S]*?\n---\n/gm, '\n') // frontmatter blocks
    .replace(/<!--[\s\S]*?-->/g, ' ') // speaker notes
    .replace(/^```[\s\S]*?^```/gm, ' ') // fenced code, mermaid included
    .replace(/^<<< .*$/gm, ' ') // imported snippets
    .replace(/^::\w+::$/gm, ' ') // slots
    .replace(/<code>[\s\S]*?<\/code>/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(/\{\{[\s\S]*?\}\}/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/(https?:\/\/|[\w.-]+\.(io|com|org|dev)\/)\S*/g, ' ')
    .replace(/&nbsp;|&#160;|&#8239;/g, '\u00a0')
}

export function missingSpaces(text: string): string[] {
  return [...text.matchAll(/[^;?!:]{0,20}(?: |(?<=[\p{L}\d*_)»]))[;?!]|[^;?!:]{0,20} :/gu)]
    .map(([match]) => match.trim())
    .filter((match) => !/\d :\d/.test(match))
}

describe('French typography on the slides', () => {
  it('finds a missing non-breaking space, and nothing in code, notes or attributes', () => {
    expect(missingSpaces(slideText('# Pourquoi ? Parce que : voilà!'))).toHaveLength(3)
    expect(missingSpaces(slideText('# Pourquoi\u00a0?\n\n`a ? b : c` <div :size="3">x</div>\n<!-- notes : libres ! -->'))).toEqual([])
  })

  it.each(DECK)('puts a non-breaking space before « : ; ? ! » in %s', (file) => {
    expect(missingSpaces(slideText(readFileSync(join(ROOT, file), 'utf8')))).toEqual([])
  })
})
