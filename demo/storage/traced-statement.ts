// One span per SQLite statement, named and attributed as the OpenTelemetry database
// semantic conventions ask (db.system.name, db.operation.name, db.query.text), plus the
// db.client.operation.duration histogram. The SQL is our own parameterised text: no user value in it.
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api'
import type { Database, Statement } from 'better-sqlite3'
import { dbOperationDuration } from '../instruments.ts'

const tracer = trace.getTracer('draw64.storage')

/** Called before each statement; lets a fault flag slow the database step down. */
export type StatementHook = () => void

export interface TracedStatement<Row> {
  get(...params: unknown[]): Row | undefined
  all(...params: unknown[]): Row[]
  run(...params: unknown[]): { changes: number }
}

function describe(sql: string): { operation: string; collection: string } {
  const operation = sql.trim().split(/\s+/, 1)[0].toUpperCase()
  const table = /\b(?:FROM|INTO|UPDATE)\s+(\w+)/i.exec(sql)
  return { operation, collection: table ? table[1] : '' }
}

export function tracedStatement<Row>(db: Database, sql: string, beforeEach: StatementHook): TracedStatement<Row> {
  const statement: Statement = db.prepare(sql)
  const { operation, collection } = describe(sql)
  const spanName = collection ? `${operation} ${collection}` : operation
  const metricAttributes = { 'db.system.name': 'sqlite', 'db.operation.name': operation, 'db.collection.name': collection }
  const spanAttributes = { ...metricAttributes, 'db.query.text': sql.replace(/\s+/g, ' ').trim(), 'db.namespace': db.name }

  // #region db-span
  function traced<T>(run: () => T): T {
    return tracer.startActiveSpan(spanName, { kind: SpanKind.CLIENT, attributes: spanAttributes }, (span: Span) => {
      const started = performance.now()
      let errorType: string | undefined
      try {
        beforeEach()
        return run()
      } catch (error) {
        errorType = (error as { code?: string }).code ?? (error as Error).name
        span.recordException(error as Error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
        span.setAttribute('error.type', errorType)
        throw error
      } finally {
        const seconds = (performance.now() - started) / 1000
        dbOperationDuration.record(seconds, errorType ? { ...metricAttributes, 'error.type': errorType } : metricAttributes)
        span.end()
      }
    })
  }
  // #endregion db-span

  return {
    get: (...params) => traced(() => statement.get(...params) as Row | undefined),
    all: (...params) => traced(() => statement.all(...params) as Row[]),
    run: (...params) => traced(() => statement.run(...params)),
  }
}
