// The recording shipped under public/ is what the slides show with no demo: it must parse, and
// tell chapter 6's stories too.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RECORDING_PATH } from '../../lib/demo-endpoints.ts'
import { parsePrometheusText } from '../../lib/prometheus-text.ts'
import { countSeries, seriesOf } from '../../lib/series-count.ts'
import { recordingSchema } from '../../lib/wire.ts'

const recording = recordingSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'public', RECORDING_PATH), 'utf8')))

describe('the shipped recording', () => {
  it('holds draw64_draws_total climbing to its limit with an overflow series, then back to one series', () => {
    const series = recording.scrapes.map((scrape) => seriesOf(countSeries(parsePrometheusText(scrape.text)), 'draw64_draws_total'))
    expect(Math.max(...series.map((family) => family.series))).toBe(50)
    expect(series.some((family) => family.overflow === 1)).toBe(true)
    expect(series.at(-1)!.series).toBe(1)
  })

  it('still parses when its spans predate serviceVersion: they get the empty version', () => {
    const { serviceVersion: _, ...olderSpan } = recording.spans[0]!
    const older = recordingSchema.parse({ ...recording, spans: [olderSpan] })
    expect(older.spans[0]!.serviceVersion).toBe('')
  })

  it('holds delta and cumulative readings of the same counter whose deltas add up', () => {
    const points = recording.temporality!.points
    expect(points.length).toBeGreaterThanOrEqual(10)
    for (let i = 1; i < points.length; i++) expect(points[i]!.delta.value).toBe(points[i]!.cumulative.value - points[i - 1]!.cumulative.value)
  })
})
