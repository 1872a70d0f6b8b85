import { describe, expect, it } from 'vitest'
import { parsePrometheusText } from '../../lib/prometheus-text.ts'
import { countSeries, seriesOf } from '../../lib/series-count.ts'

// Shaped like @opentelemetry/exporter-prometheus's output: a histogram, a counter whose fourth
// attribute set went to the overflow series, and a family declared with no sample yet.
const SCRAPE = `# HELP target_info Target metadata
# TYPE target_info gauge
target_info{service_name="draw64"} 1
# HELP db_client_operation_duration Duration of SQLite statements
# UNIT db_client_operation_duration s
# TYPE db_client_operation_duration histogram
db_client_operation_duration_count{db_operation_name="SELECT"} 3
db_client_operation_duration_sum{db_operation_name="SELECT"} 0.003
db_client_operation_duration_bucket{db_operation_name="SELECT",le="0.001"} 2
db_client_operation_duration_bucket{db_operation_name="SELECT",le="+Inf"} 3
# HELP draw64_draws_total Commands applied
# TYPE draw64_draws_total counter
draw64_draws_total{draw64_command_type="draw",draw64_request_id="a"} 1
draw64_draws_total{draw64_command_type="draw",draw64_request_id="b"} 1
draw64_draws_total{draw64_command_type="draw",draw64_request_id="c"} 1
draw64_draws_total{otel_metric_overflow="true"} 7
# HELP draw64_sse_clients Clients connected
# TYPE draw64_sse_clients gauge
`

describe('countSeries', () => {
  const count = countSeries(parsePrometheusText(SCRAPE))

  it('counts one series per sample line, histogram buckets, sum and count included', () => {
    expect(count.total).toBe(1 + 4 + 4)
    expect(seriesOf(count, 'db_client_operation_duration').series).toBe(4)
  })

  it('lists the largest families first and leaves out families without samples', () => {
    expect(count.families.map((family) => family.name)).toEqual(['db_client_operation_duration', 'draw64_draws_total', 'target_info'])
  })

  it('counts the overflow series of the family past its cardinality limit', () => {
    expect(seriesOf(count, 'draw64_draws_total')).toEqual({ name: 'draw64_draws_total', series: 4, overflow: 1 })
    expect(seriesOf(count, 'target_info').overflow).toBe(0)
  })

  it('reads a family absent from the scrape as no series', () => {
    expect(seriesOf(count, 'draw64_sse_clients')).toEqual({ name: 'draw64_sse_clients', series: 0, overflow: 0 })
  })

  it('counts nothing in an empty scrape', () => {
    expect(countSeries(parsePrometheusText(''))).toEqual({ total: 0, families: [] })
  })
})
