// Real user monitoring: the browser traces its own strokes with the OpenTelemetry web SDK.
// A stroke is a span from the first cell to the server's last answer; each request it sends
// is a child span from the fetch instrumentation, which adds `traceparent` to the request, so
// the server's spans join the same trace. Spans are exported with OTLP/HTTP JSON to Draw64,
// same-origin, and join the buffer the slides read.
import { context, propagation, trace, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { BROWSER_SERVICE_NAME, BROWSER_TRACES_PATH } from '../domain/board.js';

// Only requests that change one image are traced (`…/api/images/:id`): not the polling of the
// slides, not the event stream, not the exporter's own requests.
const NOT_AN_IMAGE_CHANGE = /^(?!.*\/api\/images\/[^/?#]+$)/;

/** @type {import('@opentelemetry/api').Tracer | undefined} */
let tracer;

/**
 * Starts the page's tracing once, whatever the number of boards on it.
 * @param {string} base '' on Draw64's own page, '/draw64' through the slides' proxy
 */
function startBrowserTracing(base) {
  if (tracer) return tracer;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': BROWSER_SERVICE_NAME, 'service.version': '1.0.0' }),
    // Short batches: on the slide the browser's spans should join the server's within a second.
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${base}${BROWSER_TRACES_PATH}` }),
        scheduledDelayMillis: 300,
        maxExportBatchSize: 200,
      }),
    ],
  });
  // The 3.x SDK has no WebTracerProvider#register(): the page registers the provider, a context
  // manager for the browser and the W3C propagator that writes `traceparent` itself.
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new StackContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new FetchInstrumentation({ ignoreUrls: [NOT_AN_IMAGE_CHANGE] })],
  });
  tracer = trace.getTracer(BROWSER_SERVICE_NAME);
  return tracer;
}

/**
 * Stroke spans for one board. `send` runs a request inside the current stroke, so that its fetch
 * span is the stroke's child; `finish` sends what is left and ends the stroke when it is answered.
 * @param {string} base as for startBrowserTracing
 * @param {() => string | undefined} imageId the image drawn on, an attribute of the stroke
 */
export function createStrokeTracing(base, imageId) {
  const strokeTracer = startBrowserTracing(base);
  /** @typedef {{ span: import('@opentelemetry/api').Span, context: import('@opentelemetry/api').Context, cells: number }} Stroke */
  /** @type {Stroke | undefined} the stroke being drawn */
  let stroke;
  /** @type {Stroke | undefined} the last one finished: its remaining requests may still be queued */
  let finished;

  return {
    /** Counts cells into the current stroke, starting one if none is open. @param {number} cells */
    draw(cells) {
      if (!stroke) {
        const span = strokeTracer.startSpan('stroke', { attributes: { 'draw64.image.id': imageId() ?? '' } });
        stroke = { span, context: trace.setSpan(context.active(), span), cells: 0 };
      }
      stroke.cells += cells;
    },
    /**
     * @template T
     * @param {() => T} request must call fetch synchronously (the active context is not kept across awaits)
     * @returns {T}
     */
    send(request) {
      const owner = stroke ?? finished;
      return owner ? context.with(owner.context, request) : request();
    },
    /** Ends the stroke once `flush` has settled; a failed flush marks it as an error. @param {() => Promise<void>} flush */
    finish(flush) {
      const ending = stroke;
      stroke = undefined;
      if (!ending) return flush();
      finished = ending;
      ending.span.setAttribute('draw64.stroke.cells', ending.cells);
      return flush()
        .catch((/** @type {Error} */ error) => {
          ending.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          throw error;
        })
        .finally(() => ending.span.end());
    },
  };
}
