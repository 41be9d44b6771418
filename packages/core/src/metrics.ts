// Metrics through the OpenTelemetry API only: with no SDK registered by the
// application every instrument is a no-op; with one (the example connector
// serves Prometheus text) they are read from `recorder.stats()` when the SDK
// collects, so the relay's hot path does no metric work at all.
import { type Attributes, type Meter, metrics } from '@opentelemetry/api';
import type { RecorderStats } from './recorder.js';

interface Observed {
  stats(): RecorderStats;
}

/** Recorders whose stats the instruments report (weakly held: a dropped recorder is forgotten). */
const recorders = new Set<WeakRef<Observed>>();
/** The MeterProvider the instruments were made with (the API has no proxy provider for metrics). */
let registeredWith: unknown;

function register(meter: Meter): void {
  const active = meter.createObservableUpDownCounter('tapline.sessions.active', {
    description: 'Live recorded sessions',
  });
  const recordedBytes = meter.createObservableCounter('tapline.recorded.bytes', {
    description: 'Session content bytes seen, both directions, per protocol',
    unit: 'By',
  });
  const spooled = meter.createObservableCounter('tapline.segments.spooled', {
    description: 'Segments appended to the spool',
  });
  const spoolBytes = meter.createObservableGauge('tapline.spool.bytes', {
    description: 'Bytes held in the spool',
    unit: 'By',
  });
  const spoolFull = meter.createObservableGauge('tapline.spool.full', {
    description: '1 while the spool disk is full',
  });
  const lag = meter.createObservableGauge('tapline.delivery.lag', {
    description: 'Segments still to deliver, per sink',
  });
  const failed = meter.createObservableGauge('tapline.delivery.failed', {
    description: 'Deliveries that gave up (kept in the spool for retryFailed() or the next start), per sink',
  });
  const metadataFailures = meter.createObservableCounter('tapline.metadata.failures', {
    description: 'Metadata events an emitter refused or failed',
  });
  const metadataPending = meter.createObservableGauge('tapline.metadata.pending', {
    description: 'Metadata events accepted but not yet delivered, per emitter (the backlog)',
  });
  meter.addBatchObservableCallback(
    (result) => {
      let sessions = 0;
      let segments = 0;
      let bytesInSpool = 0;
      let full = 0;
      let metadata = 0;
      const byProtocol = new Map<string, number>();
      const bySink = new Map<string, { lag: number; failed: number }>();
      const byEmitter = new Map<string, number>();
      for (const ref of recorders) {
        const recorder = ref.deref();
        if (!recorder) {
          recorders.delete(ref);
          continue;
        }
        const stats = recorder.stats();
        sessions += stats.activeSessions;
        segments += stats.spool.segmentsSpooled;
        bytesInSpool += stats.spool.bytes;
        full = Math.max(full, stats.spool.full ? 1 : 0);
        metadata += stats.metadataFailures;
        for (const [protocol, bytes] of Object.entries(stats.bytesByProtocol)) {
          byProtocol.set(protocol, (byProtocol.get(protocol) ?? 0) + bytes);
        }
        for (const [emitter, pending] of Object.entries(stats.metadataPending)) {
          byEmitter.set(emitter, (byEmitter.get(emitter) ?? 0) + pending);
        }
        for (const [sink, entry] of Object.entries(stats.sinks)) {
          const sum = bySink.get(sink) ?? { lag: 0, failed: 0 };
          sum.lag += entry.lagSegments;
          sum.failed += entry.failed;
          bySink.set(sink, sum);
        }
      }
      result.observe(active, sessions);
      result.observe(spooled, segments);
      result.observe(spoolBytes, bytesInSpool);
      result.observe(spoolFull, full);
      result.observe(metadataFailures, metadata);
      for (const [protocol, bytes] of byProtocol) {
        result.observe(recordedBytes, bytes, { protocol } satisfies Attributes);
      }
      for (const [emitter, pending] of byEmitter) result.observe(metadataPending, pending, { emitter });
      for (const [sink, sum] of bySink) {
        result.observe(lag, sum.lag, { sink });
        result.observe(failed, sum.failed, { sink });
      }
    },
    [active, recordedBytes, spooled, spoolBytes, spoolFull, lag, failed, metadataFailures, metadataPending],
  );
}

/**
 * Reports `recorder` through the OpenTelemetry instruments of `@tapline/core`.
 * The application registers its MeterProvider before it creates recorders; a
 * provider registered later is picked up by the next recorder created.
 */
export function observeRecorder(recorder: Observed): void {
  const provider = metrics.getMeterProvider();
  if (provider !== registeredWith) {
    registeredWith = provider;
    register(provider.getMeter('@tapline/core'));
  }
  recorders.add(new WeakRef(recorder));
}
