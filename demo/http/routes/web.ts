// The standalone Draw64 page: the files of demo/web, read once at start and served from memory.
// Only files that exist there are served, so no path can reach outside the folder. The page's
// script is bundled on first request (esbuild): it imports the OpenTelemetry web SDK from
// node_modules, which a browser cannot resolve by itself.
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { HttpError, sendBytes } from '../respond.ts'
import type { Route } from '../router.ts'
import { ROUTES } from './table.ts'

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url))
const ENTRY = 'app.js'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

async function bundleEntry(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [join(WEB_DIR, ENTRY)],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0].contents
}

export function webRoutes(): Route[] {
  // Only the entry is served as a module: its imports are inside the bundle.
  const files = new Map<string, Uint8Array | Promise<Uint8Array>>(
    readdirSync(WEB_DIR)
      .filter((name) => CONTENT_TYPES[extname(name)] && extname(name) !== '.js')
      .map((name) => [name, readFileSync(join(WEB_DIR, name))]),
  )
  const serve = (name: string): Route['handler'] => async ({ response }) => {
    if (name === ENTRY && !files.has(ENTRY)) {
      // A failed build is not kept: the next request tries again.
      files.set(ENTRY, bundleEntry().catch((error: unknown) => {
        files.delete(ENTRY)
        throw error
      }))
    }
    const file = files.get(name)
    if (!file) throw new HttpError(404, `no file ${name}`)
    sendBytes(response, CONTENT_TYPES[extname(name)], Buffer.from(await file), { 'cache-control': 'no-cache' })
  }
  return [
    { ...ROUTES.page, handler: serve('index.html') },
    { ...ROUTES.webFile, handler: (context) => serve(context.params.file)(context) },
  ]
}
