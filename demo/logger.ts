// The standard logger: JSON lines on stdout. The pino instrumentation (demo/instrumentation.ts)
// adds trace_id and span_id to each line written inside a span and forwards it to OTel logs.
// Lines are written asynchronously: under load, many lines leave in one write instead of one
// blocking write per draw. pino flushes what is left synchronously when the process exits.
import pino from 'pino'

export const logger = pino({ level: process.env.LOG_LEVEL || 'info' }, pino.destination({ dest: 1, sync: false }))
