// Sets up where metrics and traces go, before the service itself is loaded: bin/passkey-coach.cjs requires this
// (built as dist/telemetry.cjs) ahead of the service bundle when the service starts, as Azure Monitor asks
// (`useAzureMonitor()` before anything else is imported). The service only ever talks to the OpenTelemetry API.

import { shutdownAzureMonitor, useAzureMonitor } from '@azure/monitor-opentelemetry';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';
import { chooseExporter, type TelemetryExporter } from './exporter-choice.js';

/** How often metrics leave the process: Application Insights' own default, so the alerts' windows fit it. */
export const EXPORT_INTERVAL_MS = 60_000;

export interface TelemetryHandle {
  exporter: TelemetryExporter;
  /** Sends what is still buffered and stops; the service calls it at the end of a graceful stop. */
  shutdown(): Promise<void>;
}

/**
 * Starts the exporter the environment asks for (the same rule the configuration check applies, src/config) and
 * returns how to flush it. `none` registers nothing: every metric and span is then a no-op of the API.
 */
export function startTelemetry(env: NodeJS.ProcessEnv, command: string): TelemetryHandle {
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || undefined;
  const demo = command === 'demo' || !env.BOT_ID?.trim();
  const exporter = chooseExporter(env.TELEMETRY_EXPORTER?.trim() || 'auto', connectionString, demo);
  if (exporter === 'azure-monitor') return azureMonitor(env, connectionString ?? '');
  if (exporter === 'console') return consoleTelemetry();
  return { exporter, shutdown: async () => {} };
}

function azureMonitor(env: NodeJS.ProcessEnv, connectionString: string): TelemetryHandle {
  // The role name Application Insights groups instances under (its resource detector adds the instance itself).
  env.OTEL_SERVICE_NAME ??= 'passkey-coach';
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString },
    // Automatic instrumentation is off, every kind of it: HTTP spans would carry URLs (download tokens, names in Graph
    // paths) and Azure SDK spans table keys. The service makes its own spans and metrics, with words only.
    instrumentationOptions: {
      http: { enabled: false },
      azureSdk: { enabled: false },
      mongoDb: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
      bunyan: { enabled: false },
      winston: { enabled: false },
    },
    enableLiveMetrics: false,
  });
  return { exporter: 'azure-monitor', shutdown: () => shutdownAzureMonitor() };
}

/** Metrics and spans printed among the log lines, a minute at a time: for a look while developing. */
function consoleTelemetry(): TelemetryHandle {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
  trace.setGlobalTracerProvider(tracer);
  const meter = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: EXPORT_INTERVAL_MS })] });
  metrics.setGlobalMeterProvider(meter);
  return {
    exporter: 'console',
    async shutdown() {
      await Promise.allSettled([tracer.shutdown(), meter.shutdown()]);
    },
  };
}
