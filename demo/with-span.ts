// The manual-span pattern of the talk: a child of the active span, with the exception recorded
// and the status set to ERROR when the work throws. Works for sync and async work alike.
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api'

const tracer = trace.getTracer('draw64')

function fail(span: Span, error: unknown): never {
  span.recordException(error as Error)
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
  span.end()
  throw error
}

// #region with-span
export function withSpan<T>(name: string, attributes: Attributes, work: (span: Span) => T): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    let result: T
    try {
      result = work(span)
    } catch (error) {
      fail(span, error)
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => (span.end(), value),
        (error) => fail(span, error),
      ) as T
    }
    span.end()
    return result
  })
}
// #endregion with-span
