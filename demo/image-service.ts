// The use cases of Draw64, between the HTTP edge and the storage: each one a transaction on
// the store, then an event to the connected clients. The manual spans of the talk live here.
import type { Span } from '@opentelemetry/api'
import { applyCommand, blankPixels, type Command } from './domain/board.js'
import { ImageConflictError, ImageForbiddenError, ImageNotFoundError } from './domain/errors.ts'
import type { EventPublisher } from './domain/events.ts'
import { MAX_IMAGES, MAX_IMAGES_PER_ATTENDEE, SLOTS_KEPT_FOR_SPEAKER, type ImageMeta, type Requester } from './domain/image.ts'
import type { Painter, PixelOrigin } from './domain/provenance.ts'
import { randomImageId } from './domain/image-id.ts'
import { commandsApplied, pixelsDrawn } from './instruments.ts'
import { logger } from './logger.ts'
import { countDraw } from './telemetry/cardinality-lab.ts'
import type { ImageStore } from './storage/image-store.ts'
import { withSpan } from './with-span.ts'

export interface Statistics {
  imagesCreated: number
  imagesDeleted: number
  activeImages: number
  updatesPerImage: Record<string, number>
  connectedUsers: number
}

const now = () => new Date().toISOString()
const ID_ATTEMPTS = 20

/** The origin of the pixels a command paints: the trace of its span (the browser's, when it sent traceparent). */
function paintedBy(span: Span, command: Command, client: string): Painter & { command: Command } {
  const { traceId, spanId } = span.spanContext()
  return { traceId, spanId, client, command }
}

/** The speaker's own machine (see clientIdentity in demo/http/client-address.ts). */
const SPEAKER: Requester = { kind: 'speaker', id: 'speaker' }

/** The board's slots an attendee may still fill: none of the speaker's, at most their share. */
function checkRoomFor(requester: Requester, store: ImageStore): void {
  if (store.count() >= MAX_IMAGES) throw new ImageConflictError(`the board is full: at most ${MAX_IMAGES} images`)
  if (requester.kind === 'speaker') return
  if (store.count() >= MAX_IMAGES - SLOTS_KEPT_FOR_SPEAKER) {
    throw new ImageConflictError(`the last ${SLOTS_KEPT_FOR_SPEAKER} image slots are kept for the speaker`)
  }
  if (store.countOwnedBy(requester.id) >= MAX_IMAGES_PER_ATTENDEE) {
    throw new ImageConflictError(`at most ${MAX_IMAGES_PER_ATTENDEE} images per attendee: delete one of yours first`)
  }
}

/** `beforeDraw` runs before every draw is applied: where fault flags act (demo/control/faults.ts). */
/** `drawMetricAttributes`: what a fault flag adds to a draw's metric (highCardinality). */
export function createImageService(
  store: ImageStore,
  events: EventPublisher,
  beforeDraw: () => Promise<void> = async () => {},
  drawMetricAttributes: () => Record<string, string> = () => ({}),
) {
  function mustExist<T>(id: string, value: T | undefined): T {
    if (value === undefined) throw new ImageNotFoundError(id)
    return value
  }

  // #region broadcast
  function broadcast(event: Parameters<EventPublisher['publish']>[0]): void {
    withSpan(`broadcast ${event.type}`, { 'draw64.event.type': event.type }, (span) => {
      span.setAttribute('draw64.sse.recipients', events.publish(event))
    })
  }
  // #endregion broadcast

  function create(requestedId?: string, requester: Requester = SPEAKER): ImageMeta {
    const image = store.transaction(() => {
      const id = requestedId ?? freshId()
      if (store.get(id)) throw new ImageConflictError(`image "${id}" already exists`)
      checkRoomFor(requester, store)
      return store.insert(id, blankPixels(), now(), requester.id)
    })
    logger.info({ imageId: image.id }, 'image created')
    broadcast({ type: 'image_created', data: { image } })
    return image
  }

  function freshId(): string {
    for (let attempt = 0; attempt < ID_ATTEMPTS; attempt++) {
      const id = randomImageId()
      if (!store.get(id)) return id
    }
    throw new ImageConflictError('could not find a free image id, try again')
  }

  // #region apply-spans
  async function apply(id: string, command: Command, client: string = SPEAKER.id): Promise<ImageMeta> {
    const attributes = { 'draw64.image.id': id, 'draw64.command.type': command.command_type }
    const image = await withSpan('apply command', attributes, async (span) => {
      // The drawLatency and drawErrors fault flags act here, when switched on.
      await beforeDraw()
      const { updated, painted } = store.transaction(() => {
        const { image: before, pixels, origins } = mustExist(id, store.load(id))
        const painted = applyCommand(pixels, command)
        const updated = withSpan('persist image', { 'draw64.image.id': id }, () => store.writePixels(before, pixels, now(), { origins, ...paintedBy(span, command, client) }))
        return { updated, painted }
      })
      // #endregion apply-spans
      // #region apply-metrics
      // Counted once committed: a rolled-back command painted nothing.
      span.setAttribute('draw64.pixels.count', painted)
      // #region count-pixels
      pixelsDrawn.add(painted)
      commandsApplied.add(1, { 'draw64.command.type': command.command_type })
      // #endregion count-pixels
      countDraw(drawMetricAttributes())
      return updated
      // #endregion apply-metrics
    })
    // #region apply-log
    logger.info({ imageId: id, commandType: command.command_type }, `${command.command_type} applied to ${id}`)
    broadcast({ type: 'image_updated', data: { id, command } })
    // #endregion apply-log
    return image
  }

  /** An attendee deletes only the images they created; the speaker deletes any. */
  function remove(id: string, requester: Requester = SPEAKER): void {
    store.transaction(() => {
      const owner = mustExist(id, store.ownerOf(id))
      if (requester.kind === 'attendee' && owner !== requester.id) {
        throw new ImageForbiddenError(`image "${id}" was created by someone else: only they${owner === 'speaker' ? ' (here, the speaker)' : ''} may delete it`)
      }
      store.delete(id)
    })
    logger.info({ imageId: id }, 'image deleted')
    broadcast({ type: 'image_deleted', data: { id } })
  }

  function statistics(): Statistics {
    const images = store.list()
    return {
      ...store.counters(),
      activeImages: images.length,
      updatesPerImage: Object.fromEntries(images.map((image) => [image.id, image.updateCount])),
      connectedUsers: events.clientCount,
    }
  }

  return {
    list: () => store.list(),
    get: (id: string) => mustExist(id, store.get(id)),
    pixels: (id: string) => mustExist(id, store.pixels(id)),
    /** Who last painted pixel (x, y); null when nobody did since the image was created or cleared. */
    origin: (id: string, x: number, y: number): PixelOrigin | null => mustExist(id, store.origin(id, x, y)),
    create,
    apply,
    remove,
    statistics,
  }
}

export type ImageService = ReturnType<typeof createImageService>
