// The image API (docs/contract.md): list, create, read (metadata, raw pixels, PNG), command,
// delete, and the statistics of them all.
import { PNG } from 'pngjs'
import { BOARD_SIZE } from '../../domain/board.js'
import type { ImageService } from '../../image-service.ts'
import { readJsonBody } from '../body.ts'
import { rateLimited, type RateLimiter } from '../rate-limit.ts'
import { HttpError, sendBytes, sendJson } from '../respond.ts'
import type { Route } from '../router.ts'
import { clientIdentity } from '../client-address.ts'
import { parseCommandBody, parseCoordinate, parseImageId } from '../validation.ts'
import { withSpan } from '../../with-span.ts'
import { ROUTES } from './table.ts'

function encodePng(rgb: Uint8Array): Buffer {
  const png = new PNG({ width: BOARD_SIZE, height: BOARD_SIZE, colorType: 2, inputHasAlpha: false })
  png.data = Buffer.from(rgb)
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false })
}

/** Every change to an image spends from its client's budget (see rate-limit.ts). */
export function imageRoutes(images: ImageService, limiter: RateLimiter): Route[] {
  const limited = (route: Route): Route => ({ ...route, handler: rateLimited(limiter, route.pattern, route.handler) })
  return [
    { ...ROUTES.listImages, handler: ({ response }) => sendJson(response, 200, { images: images.list() }) },
    limited({
      ...ROUTES.createImage,
      handler: ({ response }) => sendJson(response, 201, { image: images.create() }),
    }),
    {
      ...ROUTES.imagePng,
      handler: ({ response, params }) => {
        const pixels = images.pixels(parseImageId(params.id))
        sendBytes(response, 'image/png', encodePng(pixels), { 'cache-control': 'no-store' })
      },
    },
    {
      ...ROUTES.imagePixels,
      handler: ({ response, params }) => {
        const pixels = images.pixels(parseImageId(params.id))
        sendBytes(response, 'application/octet-stream', pixels, { 'cache-control': 'no-store' })
      },
    },
    {
      ...ROUTES.pixelProvenance,
      handler: ({ response, params, query }) => {
        const id = parseImageId(params.id)
        const [x, y] = [parseCoordinate(query, 'x'), parseCoordinate(query, 'y')]
        const origin = images.origin(id, x, y)
        if (!origin) throw new HttpError(404, `pixel (${x}, ${y}) of "${id}" was not painted since the image was created or cleared`)
        sendJson(response, 200, origin)
      },
    },
    {
      ...ROUTES.getImage,
      handler: ({ response, params }) => sendJson(response, 200, { image: images.get(parseImageId(params.id)) }),
    },
    limited({
      ...ROUTES.createImageNamed,
      handler: ({ response, params }) => sendJson(response, 201, { image: images.create(parseImageId(params.id)) }),
    }),
    limited({
      ...ROUTES.applyCommand,
      handler: async ({ request, response, params }) => {
        const id = parseImageId(params.id)
        const command = await withSpan('validate command', {}, async () => parseCommandBody(await readJsonBody(request)))
        sendJson(response, 200, { image: await images.apply(id, command, clientIdentity(request).id) })
      },
    }),
    limited({
      ...ROUTES.deleteImage,
      handler: ({ response, params }) => {
        images.remove(parseImageId(params.id))
        response.writeHead(204).end()
      },
    }),
    { ...ROUTES.statistics, handler: ({ response }) => sendJson(response, 200, images.statistics()) },
  ]
}
