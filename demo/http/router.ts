// A small route table. Each route's pattern doubles as the `http.route` attribute of the
// server span and of the http.server.request.duration metric: a template, never a raw URL.
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface RequestContext {
  request: IncomingMessage
  response: ServerResponse
  params: Record<string, string>
  query: URLSearchParams
}

export type Handler = (context: RequestContext) => void | Promise<void>

export interface Route {
  method: string
  pattern: string
  handler: Handler
}

interface CompiledRoute extends Route {
  regex: RegExp
  names: string[]
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'not-found' }

function compile(route: Route): CompiledRoute {
  const names: string[] = []
  const source = route.pattern
    .split('/')
    .map((segment) =>
      segment.replace(/:(\w+)|[.]/g, (token, name: string | undefined) => {
        if (!name) return '\\.'
        names.push(name)
        return '([^/]+?)'
      }),
    )
    .join('/')
  return { ...route, regex: new RegExp(`^${source}$`), names }
}

export function createRouter(routes: Route[]) {
  const compiled = routes.map(compile)

  return function match(method: string, path: string): Match {
    const allowed: string[] = []
    for (const route of compiled) {
      const found = route.regex.exec(path)
      if (!found) continue
      if (route.method !== method) {
        allowed.push(route.method)
        continue
      }
      const params: Record<string, string> = {}
      route.names.forEach((name, index) => (params[name] = found[index + 1]))
      return { kind: 'found', route, params }
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'not-found' }
  }
}
