// Prometheus text on http://HOST:PORT/metrics: the OpenTelemetry SDK and its
// Prometheus exporter, registered as the global MeterProvider before the
// recorder is created, so @tapline/core's instruments report through it.
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

export async function serveMetrics(port: number, host: string): Promise<MetricsEndpoint> {
  const exporter = new PrometheusExporter({ port, host, preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(provider);
  await exporter.startServer();
  return {
    url: `http://${host}:${port}/metrics`,
    async close() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
