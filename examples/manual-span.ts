// The manual span of the slide "Un span à la main", on Draw64's own domain: a child of the active
// span, the exception recorded and the status set to ERROR when the work throws, ended in every
// case. Draw64 wraps the same pattern once (demo/with-span.ts) for its sync and async work.
import { SpanStatusCode, trace } from '@opentelemetry/api'
import { applyCommand, type Command } from '../demo/domain/board.js'

const tracer = trace.getTracer('draw64')

export function applyTraced(imageId: string, pixels: Uint8Array, command: Command): number {
  // #region start-active-span
  const attributes = { 'draw64.image.id': imageId, 'draw64.command.type': command.command_type }
  return tracer.startActiveSpan('apply command', { attributes }, (span) => {
    try {
      return applyCommand(pixels, command)
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
      throw error
    } finally {
      span.end() // a span never ended is never exported
    }
  })
  // #endregion start-active-span
}
