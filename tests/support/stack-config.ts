// Reading the configuration files of stack/, shared by the tests of the compose stack and of
// the Kubernetes example.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

export const STACK = join(import.meta.dirname, '..', '..', 'stack')

export const readYaml = (path: string): any => parse(readFileSync(join(STACK, path), 'utf8'))

/** Host of an exporter or datasource endpoint: `jaeger:4317` or `http://prometheus:9090/…`. */
export const hostOf = (endpoint: string) => (endpoint.includes('://') ? new URL(endpoint).hostname : endpoint.split(':')[0])
export const portOf = (endpoint: string) => Number(endpoint.includes('://') ? new URL(endpoint).port : endpoint.split(':')[1])

/** What a Collector configuration gets wrong: a pipeline naming an undefined component, or a component no pipeline uses. */
export function pipelineProblems(config: any): string[] {
  const problems: string[] = []
  const used = new Set<string>()
  for (const [name, pipeline] of Object.entries<any>(config.service.pipelines)) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const component of pipeline[kind] ?? []) {
        used.add(`${kind}.${component}`)
        if (!(component in (config[kind] ?? {}))) problems.push(`pipeline ${name} names ${kind}.${component}, which is not defined`)
      }
    }
    if (!pipeline.receivers?.length || !pipeline.exporters?.length) problems.push(`pipeline ${name} needs receivers and exporters`)
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    for (const component of Object.keys(config[kind] ?? {})) {
      if (!used.has(`${kind}.${component}`)) problems.push(`${kind}.${component} is defined but no pipeline uses it`)
    }
  }
  return problems
}

/** The OTLP ports a Collector configuration listens on. */
export const otlpPorts = (config: any) => Object.values<any>(config.receivers.otlp.protocols).map(({ endpoint }) => portOf(endpoint))
