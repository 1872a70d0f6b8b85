// The standard logger: JSON lines on stdout. The pino instrumentation (demo/instrumentation.ts)
// adds trace_id and span_id to each line written inside a span and forwards it to OTel logs.
import pino from 'pino'

export const logger = pino({ level: process.env.LOG_LEVEL || 'info' })
