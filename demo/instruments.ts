// The one place that knows Draw64's own metric names. Attribute values are bounded:
// command types, SQL operations and table names come from the code, never from a request.
import { metrics } from '@opentelemetry/api'

const meter = metrics.getMeter('draw64')

// #region pixels
export const pixelsDrawn = meter.createCounter('draw64.pixels.drawn', {
  description: 'Pixels painted by draw and clear commands',
  unit: '{pixel}',
})
// #endregion pixels

export const commandsApplied = meter.createCounter('draw64.commands', { description: 'Commands applied to images, by command type', unit: '{command}' })
export const sseClients = meter.createUpDownCounter('draw64.sse.clients', { description: 'Clients connected to the live event stream', unit: '{client}' })

export const rateLimitRejections = meter.createCounter('draw64.rate_limit.rejections', {
  description: 'Requests refused because their client exceeded a budget (429), or attendees filled the room of live streams (503), by route and budget',
  unit: '{request}',
})

export const dbOperationDuration = meter.createHistogram('db.client.operation.duration', {
  description: 'Duration of SQLite statements',
  unit: 's',
  advice: { explicitBucketBoundaries: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] },
})

const activeImages = meter.createObservableGauge('draw64.images.active', { description: 'Images currently stored', unit: '{image}' })

/** Reads the image count at collection time, so every replica reports the shared database's truth. */
export function observeActiveImages(count: () => number): void {
  activeImages.addCallback((result) => result.observe(count()))
}
