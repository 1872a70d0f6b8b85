// The standard OTEL_* exporter variables, read as the SDK reads them, but *added* to the
// buffers the slides poll (NodeSDK ignores these variables once processors are given to it).
// Draw64's defaults: traces and logs stay in-process ("none"), metrics go to Prometheus.
import { diag } from '@opentelemetry/api'
import { getNumberFromEnv, getStringFromEnv, getStringListFromEnv } from '@opentelemetry/core'
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto'
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http'
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto'
import { OTLPTraceExporter as OTLPTraceExporterJson } from '@opentelemetry/exporter-trace-otlp-http'
import { OTLPTraceExporter as OTLPTraceExporterProto } from '@opentelemetry/exporter-trace-otlp-proto'
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs'
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type IMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics'
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace'

type Signal = 'TRACES' | 'METRICS' | 'LOGS'

function exporterNames(signal: Signal): string[] {
  const names = getStringListFromEnv(`OTEL_${signal}_EXPORTER`) ?? []
  return names.includes('none') ? [] : names
}

function usesJson(signal: Signal): boolean {
  const protocol = getStringFromEnv(`OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`) ?? getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf'
  if (protocol !== 'http/json' && protocol !== 'http/protobuf') {
    diag.warn(`OTLP protocol "${protocol}" is not bundled with Draw64; using http/protobuf`)
  }
  return protocol === 'http/json'
}

function unsupported(signal: Signal, name: string): [] {
  diag.warn(`OTEL_${signal}_EXPORTER="${name}" is not supported by Draw64 (use otlp, console or none)`)
  return []
}

/** OTEL_BSP_* for spans, OTEL_BLRP_* for log records. */
function batchOptions(prefix: 'BSP' | 'BLRP') {
  return {
    maxQueueSize: getNumberFromEnv(`OTEL_${prefix}_MAX_QUEUE_SIZE`),
    scheduledDelayMillis: getNumberFromEnv(`OTEL_${prefix}_SCHEDULE_DELAY`),
    exportTimeoutMillis: getNumberFromEnv(`OTEL_${prefix}_EXPORT_TIMEOUT`),
    maxExportBatchSize: getNumberFromEnv(`OTEL_${prefix}_MAX_EXPORT_BATCH_SIZE`),
  }
}

function periodicReader(exporter: PushMetricExporter): IMetricReader {
  const exportIntervalMillis = getNumberFromEnv('OTEL_METRIC_EXPORT_INTERVAL') ?? 60_000
  const exportTimeoutMillis = Math.min(getNumberFromEnv('OTEL_METRIC_EXPORT_TIMEOUT') ?? 30_000, exportIntervalMillis)
  return new PeriodicExportingMetricReader({ exporter, exportIntervalMillis, exportTimeoutMillis })
}

/** What each exporter name of a signal's OTEL_*_EXPORTER list becomes; a name not listed is unsupported. */
function fromEnv<Component>(signal: Signal, choices: Record<string, () => Component[]>): Component[] {
  return exporterNames(signal).flatMap((name) => (Object.hasOwn(choices, name) ? choices[name]!() : unsupported(signal, name)))
}

/** The classes one signal's pipeline is made of: traces and logs are built the same way. */
interface Pipeline<Exporter, Processor> {
  Console: new () => Exporter
  OtlpJson: new () => Exporter
  OtlpProto: new () => Exporter
  Simple: new (config: { exporter: Exporter }) => Processor
  Batch: new (config: { exporter: Exporter } & ReturnType<typeof batchOptions>) => Processor
}

/** console: printed as each one ends; otlp: batched, with the OTEL_BSP_* or OTEL_BLRP_* options. */
function processorsFromEnv<Exporter, Processor>(signal: 'TRACES' | 'LOGS', batchPrefix: 'BSP' | 'BLRP', pipeline: Pipeline<Exporter, Processor>): Processor[] {
  return fromEnv<Processor>(signal, {
    console: () => [new pipeline.Simple({ exporter: new pipeline.Console() })],
    otlp: () => {
      const exporter = usesJson(signal) ? new pipeline.OtlpJson() : new pipeline.OtlpProto()
      return [new pipeline.Batch({ exporter, ...batchOptions(batchPrefix) })]
    },
  })
}

export function spanProcessorsFromEnv(): SpanProcessor[] {
  return processorsFromEnv<SpanExporter, SpanProcessor>('TRACES', 'BSP', {
    Console: ConsoleSpanExporter, OtlpJson: OTLPTraceExporterJson, OtlpProto: OTLPTraceExporterProto,
    Simple: SimpleSpanProcessor, Batch: BatchSpanProcessor,
  })
}

export function logRecordProcessorsFromEnv(): LogRecordProcessor[] {
  return processorsFromEnv<LogRecordExporter, LogRecordProcessor>('LOGS', 'BLRP', {
    Console: ConsoleLogRecordExporter, OtlpJson: OTLPLogExporterJson, OtlpProto: OTLPLogExporterProto,
    Simple: SimpleLogRecordProcessor, Batch: BatchLogRecordProcessor,
  })
}

/** Push readers on top of the Prometheus one, which the slides always scrape. */
export function metricReadersFromEnv(): IMetricReader[] {
  return fromEnv<IMetricReader>('METRICS', {
    prometheus: () => [],
    console: () => [periodicReader(new ConsoleMetricExporter())],
    otlp: () => [periodicReader(usesJson('METRICS') ? new OTLPMetricExporterJson() : new OTLPMetricExporterProto())],
  })
}
