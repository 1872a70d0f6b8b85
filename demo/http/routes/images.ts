// The image API (docs/contract.md): list, create, read (metadata, raw pixels, PNG), command,
// delete, and the statistics of them all.
import { PNG } from 'pngjs'
import { BOARD_SIZE } from '../../domain/board.js'
import type { ImageService } from '../../image-service.ts'
import { readJsonBody } from '../body.ts'
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

/** Changes and heavy reads spend from their client's budgets: see the route table and budgets.ts. */
export function imageRoutes(images: ImageService): Route[] {
  return [
    { ...ROUTES.listImages, handler: ({ response }) => sendJson(response, 200, { images: images.list() }) },
    {
      ...ROUTES.createImage,
      handler: ({ request, response }) => sendJson(response, 201, { image: images.create(undefined, clientIdentity(request)) }),
    },
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
    {
      ...ROUTES.createImageNamed,
      handler: ({ request, response, params }) => sendJson(response, 201, { image: images.create(parseImageId(params.id), clientIdentity(request)) }),
    },
    {
      ...ROUTES.applyCommand,
      handler: async ({ request, response, params }) => {
        const id = parseImageId(params.id)
        const command = await withSpan('validate command', {}, async () => parseCommandBody(await readJsonBody(request)))
        sendJson(response, 200, { image: await images.apply(id, command, clientIdentity(request).id) })
      },
    },
    {
      ...ROUTES.deleteImage,
      handler: ({ request, response, params }) => {
        images.remove(parseImageId(params.id), clientIdentity(request))
        response.writeHead(204).end()
      },
    },
    { ...ROUTES.statistics, handler: ({ response }) => sendJson(response, 200, images.statistics()) },
  ]
}
