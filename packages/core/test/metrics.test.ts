// recorder.stats() and the OpenTelemetry instruments read from it, collected
// by a real SDK MeterProvider (what an application registers).
import { join } from 'node:path';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileSink, createRecorder } from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}

  /** Every data point by metric name, as `name{attr=value}` → value. */
  async points(): Promise<Map<string, number>> {
    const { resourceMetrics } = await this.collect();
    const points = new Map<string, number>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const attributes = Object.entries(point.attributes)
            .map(([key, value]) => `${key}=${String(value)}`)
            .join(',');
          points.set(`${metric.descriptor.name}{${attributes}}`, point.value as number);
        }
      }
    }
    return points;
  }
}

describe('recorder stats and metrics', () => {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  afterAll(async () => {
    await provider.shutdown();
    metrics.disable();
  });

  it('report live sessions, bytes per protocol, spooled segments and delivery lag, and move as a session runs', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
      // An emitter that reports a backlog (as the HTTP emitter's outbox does).
      metadata: {
        name: 'backlogged',
        emit: async () => {},
        close: async () => {},
        stats: () => ({ pending: 3 }),
      },
    });
    expect(recorder.stats()).toMatchObject({
      activeSessions: 0,
      bytesByProtocol: {},
      sinks: { file: { running: 0 } },
    });
    const session = await recorder.start(grant({ protocol: 'ssh' }));
    const stream = session.openStream('ssh_shell');
    session.data(stream, 'client_to_target', Buffer.from('ls\r'));
    session.data(stream, 'target_to_client', Buffer.alloc(4096, 0x61));
    const live = await reader.points();
    expect(live.get('tapline.sessions.active{}')).toBe(1);
    expect(live.get('tapline.recorded.bytes{protocol=ssh}')).toBe(3 + 4096);
    expect(recorder.stats().bytesByProtocol).toEqual({ ssh: 3 + 4096 });
    expect(recorder.stats().metadataPending).toEqual({ backlogged: 3 });
    expect(live.get('tapline.metadata.pending{emitter=backlogged}')).toBe(3);

    await session.end('client_closed');
    await recorder.idle();
    const ended = await reader.points();
    expect(ended.get('tapline.sessions.active{}')).toBe(0);
    // Ended sessions still count: a counter never goes down.
    expect(ended.get('tapline.recorded.bytes{protocol=ssh}')).toBe(3 + 4096);
    expect(ended.get('tapline.segments.spooled{}')).toBeGreaterThanOrEqual(2);
    expect(ended.get('tapline.delivery.lag{sink=file}')).toBe(0);
    expect(ended.get('tapline.delivery.failed{sink=file}')).toBe(0);
    expect(recorder.stats().spool.segmentsSpooled).toBe(ended.get('tapline.segments.spooled{}'));
    await recorder.close();
  });
});
