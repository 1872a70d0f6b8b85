// A plain static file server, as any static host would serve `slidev build`'s output: files as
// they are, and index.html for the slide routes (/1, /2 …) of the single-page app.
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import type { AddressInfo } from 'node:net'

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
}

export async function serveStatic(root: string): Promise<{ url: string; close: () => void }> {
  const server: Server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split('?')[0]))
    const file = join(root, path)
    const fallback = join(root, 'index.html')
    for (const candidate of extname(path) ? [file] : [fallback]) {
      try {
        const body = await readFile(candidate)
        response.writeHead(200, { 'content-type': TYPES[extname(candidate)] ?? 'application/octet-stream' }).end(body)
        return
      } catch {
        // fall through to 404
      }
    }
    response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
}
