// The standalone Draw64 page: the files of demo/web, read once at start and served from memory.
// Only files that exist there are served, so no path can reach outside the folder.
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HttpError, sendBytes } from '../respond.ts'
import type { Route } from '../router.ts'

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url))

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

export function webRoutes(): Route[] {
  const files = new Map(
    readdirSync(WEB_DIR)
      .filter((name) => CONTENT_TYPES[extname(name)])
      .map((name) => [name, readFileSync(join(WEB_DIR, name))]),
  )
  const serve = (name: string): Route['handler'] => ({ response }) => {
    const file = files.get(name)
    if (!file) throw new HttpError(404, `no file ${name}`)
    sendBytes(response, CONTENT_TYPES[extname(name)], file, { 'cache-control': 'no-cache' })
  }
  return [
    { method: 'GET', pattern: '/', handler: serve('index.html') },
    { method: 'GET', pattern: '/web/:file', handler: (context) => serve(context.params.file)(context) },
  ]
}
