// The Kubernetes example of stack/k8s, parsed and checked against itself and against what the
// slide "Kubernetes : l'opérateur instrumente pour vous" says: Draw64 deployed with the
// OpenTelemetry Operator's Node.js injection, its Instrumentation and its Collector.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { hostOf, otlpPorts, pipelineProblems, portOf, STACK } from '../support/stack-config.ts'

describe('stack/k8s', () => {
  const files = readdirSync(join(STACK, 'k8s')).filter((file) => file.endsWith('.yaml')).sort()
  const documents = files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(STACK, 'k8s', file), 'utf8')).map((document) => ({ file, errors: document.errors, resource: document.toJS() })),
  )
  const resources = documents.map(({ resource }) => resource)
  const ofKind = (kind: string) => resources.filter((resource) => resource.kind === kind)
  const [deployment] = ofKind('Deployment')
  const [instrumentation] = ofKind('Instrumentation')
  const [otelCollector] = ofKind('OpenTelemetryCollector')

  it('parses, every document of every file', () => {
    expect(documents.filter(({ errors }) => errors.length > 0).map(({ file, errors }) => `${file}: ${errors[0].message}`)).toEqual([])
    expect(resources.map((resource) => resource.kind).sort()).toEqual(['Deployment', 'Instrumentation', 'Namespace', 'OpenTelemetryCollector', 'Service'])
  })

  it('applies with `kubectl apply -f stack/k8s/` in a working order: namespace, Collector, Instrumentation, Draw64', () => {
    const firstFileOf = (kind: string) => documents.find(({ resource }) => resource.kind === kind)!.file
    const order = ['Namespace', 'OpenTelemetryCollector', 'Instrumentation', 'Deployment'].map(firstFileOf)
    expect(order).toEqual([...order].sort())
    const [namespace] = ofKind('Namespace')
    for (const resource of resources.filter((resource) => resource.kind !== 'Namespace')) expect(resource.metadata.namespace).toBe(namespace.metadata.name)
  })

  it('asks the operator to inject its Node.js SDK into the Draw64 pods', () => {
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'instrumentation.opentelemetry.io/inject-nodejs': 'true' })
    const [container] = deployment.spec.template.spec.containers
    // Draw64's own bootstrap would start a second SDK next to the injected one.
    expect(container.command).toEqual(['node', '--import', 'tsx', 'demo/main.ts'])
  })

  it('has an Instrumentation sending to the OTLP port of the Collector the operator runs', () => {
    expect(instrumentation.apiVersion).toBe('opentelemetry.io/v1alpha1')
    const endpoint = instrumentation.spec.exporter.endpoint
    expect(hostOf(endpoint)).toBe(`${otelCollector.metadata.name}-collector`)
    expect(otlpPorts(otelCollector.spec.config)).toContain(portOf(endpoint))
    expect(instrumentation.spec.sampler).toEqual({ type: 'parentbased_traceidratio', argument: '0.25' })
    expect(pipelineProblems(otelCollector.spec.config)).toEqual([])
    expect(otelCollector.spec.autoscaler).toMatchObject({ minReplicas: 1, maxReplicas: expect.any(Number) })
  })

  it('serves Draw64 through a Service that selects its pods', () => {
    const [service] = ofKind('Service')
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector)
    const portNames = deployment.spec.template.spec.containers[0].ports.map((port: any) => port.name)
    for (const port of service.spec.ports) expect(portNames).toContain(port.targetPort)
  })
})
