// A small route table. Each route's pattern doubles as the `http.route` attribute of the
// server span and of the http.server.request.duration metric: a template, never a raw URL.
// Imports nothing at run time: the bootstrap reads it (pathMatcher) before the app is loaded.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RouteDeclaration } from './routes/table.ts'

export interface RequestContext {
  request: IncomingMessage
  response: ServerResponse
  params: Record<string, string>
  query: URLSearchParams
  /** Set by a route's budget (budgets.ts): spends more of it once the cost of the answer is known. */
  charge?: (tokens: number) => void
}

export type Handler = (context: RequestContext) => void | Promise<void>

/** A declared route (routes/table.ts) and what answers it. */
export interface Route extends RouteDeclaration {
  handler: Handler
}

interface CompiledPattern {
  regex: RegExp
  names: string[]
}

type CompiledRoute = Route & CompiledPattern

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'not-found' }

/** A template's regex source, unanchored, and the names of its parameters in order. */
function templateSource(pattern: string): { source: string; names: string[] } {
  const names: string[] = []
  const source = pattern
    .split('/')
    .map((segment) =>
      segment.replace(/:(\w+)|[.]/g, (token, name: string | undefined) => {
        if (!name) return '\\.'
        names.push(name)
        return '([^/]+?)'
      }),
    )
    .join('/')
  return { source, names }
}

function compile(pattern: string): CompiledPattern {
  const { source, names } = templateSource(pattern)
  return { regex: new RegExp(`^${source}$`), names }
}

/** Whether a request target (path, maybe with a query) matches one of the templates. */
export function pathMatcher(patterns: readonly string[]): (target: string) => boolean {
  // One regex for all of them: the bootstrap asks this of every request, and testing each
  // template's regex in turn cost the HTTP span 3.6 µs (CPU profile).
  const any = new RegExp(`^(?:${patterns.map((pattern) => templateSource(pattern).source).join('|')})$`)
  return (target) => {
    const query = target.indexOf('?')
    return any.test(query < 0 ? target : target.slice(0, query))
  }
}

export function createRouter(routes: Route[]) {
  const compiled: CompiledRoute[] = routes.map((route) => ({ ...route, ...compile(route.pattern) }))

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
