// What the service reports, caught in memory: the OpenTelemetry SDK registered globally with in-memory exporters, as
// the bootstrap registers Azure Monitor's, so the service's own code paths run unchanged. Call before the service
// starts (instruments are looked up when the service is built).

import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, type DataPoint, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TelemetryCapture {
  /** Collects now; the sum over the data points whose attributes include `attributes` (a histogram's: its count); undefined when none. */
  value(name: string, attributes?: Record<string, string>): Promise<number | undefined>;
  /** Every data point of the last collection, by metric name. */
  collect(): Promise<Map<string, DataPoint<unknown>[]>>;
  spans(): ReadableSpan[];
  stop(): Promise<void>;
}

export function captureTelemetry(): TelemetryCapture {
  metrics.disable();
  trace.disable();
  context.disable();
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
  trace.setGlobalTracerProvider(tracerProvider);
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when asked (forceFlush): an interval longer than any test.
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 30_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);

  const collect = async (): Promise<Map<string, DataPoint<unknown>[]>> => {
    metricExporter.reset();
    await reader.forceFlush();
    const exported: ResourceMetrics[] = metricExporter.getMetrics();
    const byName = new Map<string, DataPoint<unknown>[]>();
    for (const resource of exported) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, [...(byName.get(metric.descriptor.name) ?? []), ...(metric.dataPoints as DataPoint<unknown>[])]);
      }
    }
    return byName;
  };
  return {
    collect,
    async value(name, attributes = {}) {
      const points = ((await collect()).get(name) ?? []).filter((candidate) => Object.entries(attributes).every(([key, value]) => candidate.attributes[key] === value));
      if (points.length === 0) return undefined;
      return points.reduce((sum, point) => {
        const value = point.value as number | { count: number };
        return sum + (typeof value === 'number' ? value : value.count);
      }, 0);
    },
    spans: () => spanExporter.getFinishedSpans(),
    async stop() {
      await Promise.allSettled([meterProvider.shutdown(), tracerProvider.shutdown()]);
      metrics.disable();
      trace.disable();
      context.disable();
    },
  };
}
