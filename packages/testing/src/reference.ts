import type {
  DeliveryReceipt,
  MetadataEmitter,
  MetadataEvent,
  RecordingInfo,
  SegmentInfo,
  Sink,
  SinkCheckpoint,
  SinkRecording,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { createSlowWritable, type Valve } from './helpers.js';
import { concatBytes } from './segments.js';

export interface MemorySinkOptions {
  /** Storage stalls while this valve is paused. */
  valve?: Valve;
  /** Bytes the sink buffers ahead of its storage before write() waits. @default 65536 */
  highWaterMark?: number;
}

/** The reference sink: what the conformance suite expects, in ~80 lines. */
export interface MemorySink extends Sink {
  /** Durable bytes per session id. */
  readonly stored: Map<string, Uint8Array[]>;
  /** The durable bytes behind a receipt's location ("memory://SESSION"). */
  read(location: string): Uint8Array;
}

interface MemoryState {
  /** How many durable segments the checkpoint covers. */
  segments: number;
}

export function createMemorySink(options: MemorySinkOptions = {}): MemorySink {
  const stored = new Map<string, Uint8Array[]>();
  return {
    name: 'memory',
    stored,
    read(location) {
      return concatBytes(stored.get(location.replace('memory://', '')) ?? []);
    },
    async open(recording: RecordingInfo, resume?: SinkCheckpoint): Promise<SinkRecording> {
      // Resuming drops whatever came after the checkpoint: the spool replays it.
      const durable = (stored.get(recording.sessionId) ?? []).slice(0, resume?.segments ?? 0);
      stored.set(recording.sessionId, durable);
      let expected = durable.length;
      let reported = durable.length;
      let ended = false;
      const storage = createSlowWritable({
        highWaterMark: options.highWaterMark ?? 65536,
        ...(options.valve ? { valve: options.valve } : {}),
      });
      const finished = new Promise<void>((resolve, reject) => {
        storage.on('finish', resolve);
        storage.on('error', reject);
      });
      finished.catch(() => {});
      // Each chunk is one whole segment: durable once the storage acknowledged it.
      let acknowledged = 0;
      const collected = storage.chunks;
      const sync = (): void => {
        while (acknowledged < collected.length) durable.push(new Uint8Array(collected[acknowledged++]!));
      };
      const checkpoint = (): SinkCheckpoint | undefined => {
        sync();
        if (durable.length === reported) return undefined;
        reported = durable.length;
        return { segments: durable.length, state: { segments: durable.length } satisfies MemoryState };
      };
      return {
        async write(segment: Uint8Array, info: SegmentInfo) {
          if (ended)
            throw new TaplineError('TAPLINE_ERR_SINK_CLOSED', 'write after close or abort', {
              component: 'memory',
            });
          if (info.segmentIndex !== expected) {
            throw new TaplineError(
              'TAPLINE_ERR_SINK_ORDER',
              `expected segment ${expected}, got ${info.segmentIndex}`,
              {
                component: 'memory',
              },
            );
          }
          expected++;
          if (!storage.write(Buffer.from(segment)))
            await new Promise<void>((resolve) => storage.once('drain', resolve));
          return checkpoint();
        },
        async close(): Promise<DeliveryReceipt> {
          ended = true;
          storage.end();
          await finished;
          sync();
          let bytes = 0;
          for (const chunk of durable) bytes += chunk.length;
          return { location: `memory://${recording.sessionId}`, bytes };
        },
        async abort() {
          ended = true;
          sync();
          storage.destroy();
        },
      };
    },
  };
}

/** The reference emitter: keeps events in memory, as a receiver would see them. */
export interface MemoryMetadataEmitter extends MetadataEmitter {
  /** Every event received, in order (JSON copies, as they would cross a wire). */
  readonly received: MetadataEvent[];
  /** Returns and forgets what was received. */
  drain(): MetadataEvent[];
}

export function createMemoryMetadataEmitter(): MemoryMetadataEmitter {
  let received: MetadataEvent[] = [];
  let closed = false;
  return {
    name: 'memory',
    get received() {
      return received;
    },
    drain() {
      const out = received;
      received = [];
      return out;
    },
    async emit(event) {
      if (closed)
        throw new TaplineError('TAPLINE_ERR_METADATA_CLOSED', 'emit after close', { component: 'memory' });
      received.push(JSON.parse(JSON.stringify(event)) as MetadataEvent);
    },
    async close() {
      closed = true;
    },
  };
}
