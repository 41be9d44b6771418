import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryReceipt, RecordingSummary, Sink, SinkCheckpoint, SinkRecording } from './contracts.js';
import { channels } from './diagnostics.js';
import { coreError, errorCode, errorMessage } from './errors.js';
import type { SinkProgress, SpoolEnd, SpoolRecording } from './spool.js';

export interface RetryOptions {
  /**
   * Failed attempts in a row before the delivery is given up (until restart or
   * `retryFailed()`). With the default delays this rides out about 2.5 to 5
   * minutes of outage. @default 12
   */
  maxAttempts?: number;
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 60000 */
  maxDelayMs?: number;
}

export interface DeliveryFailure {
  sink: string;
  code: string;
  message: string;
  attempt: number;
  permanent: boolean;
  willRetry: boolean;
}

export interface DeliveryEvents {
  failed(failure: DeliveryFailure): void;
  delivered(sink: string, receipt: DeliveryReceipt): void;
  progress(sink: string, segmentsWritten: number): void;
}

const CHECKPOINT_SEGMENTS = 16;
const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * A sink failure that retrying cannot fix (access denied, no such bucket):
 * code TAPLINE_ERR_SINK_PERMANENT, or any error with `permanent: true` or
 * `details.permanent`.
 */
export function isPermanent(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as { permanent?: unknown; code?: unknown; details?: { permanent?: unknown } };
  return (
    record.permanent === true ||
    record.details?.permanent === true ||
    record.code === 'TAPLINE_ERR_SINK_PERMANENT'
  );
}

/**
 * Feeds one spooled recording to one sink, in order, at the sink's pace, from
 * its last durable checkpoint. A failure aborts the attempt and retries with
 * backoff from the checkpoint, so the sink sees every segment exactly once in
 * its durable output; the spool keeps everything until `close()` succeeds.
 */
export class Delivery {
  readonly sink: Sink;
  readonly recording: SpoolRecording;
  state: 'running' | 'delivered' | 'failed' | 'stopped' = 'running';
  /** Segments handed to the sink in the current attempt. */
  written = 0;
  readonly done: Promise<void>;
  readonly #events: DeliveryEvents;
  readonly #retry: Required<RetryOptions>;
  #stopping = false;
  #checkpointRefused = false;
  /** The sink declined the spool's file once: it gets segments from then on. */
  #adoptDeclined = false;
  #adopting = false;
  #wakeSleep: (() => void) | undefined;
  #onStop: () => void = () => {};
  readonly #stopped = new Promise<void>((resolve) => {
    this.#onStop = resolve;
  });

  constructor(recording: SpoolRecording, sink: Sink, events: DeliveryEvents, retry: RetryOptions = {}) {
    this.recording = recording;
    this.sink = sink;
    this.#events = events;
    this.#retry = {
      maxAttempts: retry.maxAttempts ?? 12,
      initialDelayMs: retry.initialDelayMs ?? 500,
      maxDelayMs: retry.maxDelayMs ?? 60_000,
    };
    this.done = this.#run();
  }

  /**
   * Segments the spool holds that this sink has not been handed yet. A sink
   * waiting to take the spool's file whole is never behind: that file is the
   * copy it will keep.
   */
  get lag(): number {
    return this.#adopting ? 0 : this.recording.segmentCount - this.written;
  }

  /** Stops after the current step (shutdown); the spool keeps what is undelivered. */
  stop(): void {
    this.#stopping = true;
    this.#wakeSleep?.();
    this.#onStop();
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      const progress = await this.recording.loadSinkProgress(this.sink.name);
      if (progress.delivered) {
        this.state = 'delivered';
        return;
      }
      const checkpoint = this.#checkpointRefused ? { segments: 0 } : this.#usableCheckpoint(progress);
      let attempt: SinkRecording | undefined;
      try {
        let receipt = checkpoint.segments === 0 ? await this.#adopt() : undefined;
        if (receipt === undefined && !this.#stopping) {
          attempt = await this.sink.open(
            this.recording.info,
            checkpoint.segments > 0 ? checkpoint : undefined,
          );
          receipt = await this.#feed(attempt, checkpoint);
        }
        if (receipt === undefined) {
          await attempt?.abort(new Error('delivery stopped')).catch(() => {});
          break;
        }
        // The sink has it for good; a progress file that cannot be written (a
        // full spool disk) only means a restart delivers it once more.
        await this.recording
          .saveSinkProgress(this.sink.name, { checkpoint, delivered: receipt })
          .catch(() => {});
        this.state = 'delivered';
        channels.recordingDelivered.publish({
          sessionId: this.recording.sessionId,
          sink: this.sink.name,
          receipt,
        });
        this.#events.delivered(this.sink.name, receipt);
        return;
      } catch (error) {
        failures++;
        if (attempt)
          await attempt.abort(error instanceof Error ? error : new Error(String(error))).catch(() => {});
        // A sink that refuses the checkpoint it is handed gets the recording from the start.
        if (errorCode(error) === 'TAPLINE_ERR_SINK_CHECKPOINT') this.#checkpointRefused = true;
        const permanent = isPermanent(error);
        const willRetry = !permanent && failures < this.#retry.maxAttempts && !this.#stopping;
        const failure: DeliveryFailure = {
          sink: this.sink.name,
          code: errorCode(error),
          message: errorMessage(error),
          attempt: failures,
          permanent,
          willRetry,
        };
        channels.sinkFailure.publish({ sessionId: this.recording.sessionId, ...failure });
        this.#events.failed(failure);
        if (!willRetry) {
          this.state = 'failed';
          return;
        }
        const delay = Math.min(this.#retry.maxDelayMs, this.#retry.initialDelayMs * 2 ** (failures - 1));
        await this.#sleep(delay * (0.5 + Math.random() / 2));
      }
    }
    this.state = 'stopped';
  }

  /**
   * A checkpoint is only resumed from when it lies inside the spool and names
   * the same segment there: recovery may have cut a torn tail (or a disk lost
   * segments) after the sink stored them, and resuming past the spool would
   * deliver segments the manifest and metadata do not describe. Otherwise the
   * sink starts over from segment 0.
   */
  #usableCheckpoint(progress: SinkProgress): SinkCheckpoint {
    const { checkpoint } = progress;
    if (checkpoint.segments === 0) return checkpoint;
    const last = this.recording.segment(checkpoint.segments - 1);
    const fits =
      checkpoint.segments <= this.recording.segmentCount &&
      last !== undefined &&
      (progress.chainHash === undefined || progress.chainHash === last.hash);
    if (fits) return checkpoint;
    channels.sinkFailure.publish({
      sessionId: this.recording.sessionId,
      sink: this.sink.name,
      code: 'TAPLINE_ERR_CHECKPOINT_BEYOND_SPOOL',
      message: `checkpoint at ${checkpoint.segments} segments does not fit the ${this.recording.segmentCount} in the spool: delivering from the start`,
      attempt: 0,
      permanent: false,
      willRetry: true,
    });
    return { segments: 0 };
  }

  /**
   * For a sink that takes whole files (`Sink.adopt`): waits for the recording
   * to end, then hands over the spool's segment file, so no segment is read
   * back or written a second time. Resolves with the receipt, or undefined
   * when stopped or when the file cannot be handed over (the last segment is
   * only in memory, the sink declined): the sink is then fed segments.
   */
  async #adopt(): Promise<DeliveryReceipt | undefined> {
    const sink = this.sink;
    if (!sink.adopt || this.#adoptDeclined) return undefined;
    this.#adopting = true;
    try {
      let end = this.recording.end;
      while (end === undefined) {
        if (this.#stopping) return undefined;
        await Promise.race([this.recording.changed(), this.#stopped]);
        end = this.recording.end;
      }
      const file = this.recording.sealedFile();
      if (file === undefined) return undefined;
      const receipt = await sink
        .adopt(this.recording.info, file, this.#summary(end, file.segments))
        .catch((error) => {
          if (errorCode(error) !== 'TAPLINE_ERR_SINK_ADOPT_UNSUPPORTED') throw error;
          this.#adoptDeclined = true;
          return undefined;
        });
      if (receipt) {
        this.written = file.segments;
        this.#events.progress(sink.name, this.written);
      }
      return receipt;
    } finally {
      this.#adopting = false;
    }
  }

  /**
   * What the sink is told when it closes: the spool's end state, once it is
   * sure to describe the `handed` segments the sink has.
   */
  #summary(end: SpoolEnd, handed: number): RecordingSummary {
    if (end.segments === 0) {
      // Nothing reached the spool (it refused even the last segment): there is no recording to deliver.
      throw Object.assign(
        coreError('TAPLINE_ERR_EMPTY', 'the spool holds no segment of this recording', undefined, 'delivery'),
        { permanent: true },
      );
    }
    if (end.segments !== handed || end.segments !== this.recording.segmentCount) {
      // Never close a delivery whose object the manifest would not describe.
      throw coreError(
        'TAPLINE_ERR_DELIVERY_MISMATCH',
        `the sink has ${handed} segments, the spool ${this.recording.segmentCount}, the end state ${end.segments}`,
        undefined,
        'delivery',
      );
    }
    return {
      complete: end.complete,
      chainHash: end.chainHash,
      segments: end.segments,
      bytes: end.bytes,
      ...(end.incompleteReason ? { incompleteReason: end.incompleteReason } : {}),
      ...(end.signature ? { signature: end.signature } : {}),
    };
  }

  /** Writes segments from the checkpoint on; resolves with the receipt, or undefined if stopped. */
  async #feed(attempt: SinkRecording, checkpoint: SinkCheckpoint): Promise<DeliveryReceipt | undefined> {
    this.written = checkpoint.segments;
    let durable = checkpoint;
    let saved = checkpoint;
    let savedAt = Date.now();
    for (;;) {
      if (this.#stopping) return undefined;
      if (this.written < this.recording.segmentCount) {
        const index = this.written;
        const bytes = await this.recording.read(index);
        const description = this.recording.segment(index)!;
        const reached = await attempt.write(bytes, {
          sessionId: description.sessionId,
          segmentIndex: description.segmentIndex,
          firstSeq: description.firstSeq,
          frameCount: description.frameCount,
          final: description.final,
          hash: description.hash,
        });
        this.written++;
        channels.segmentDelivered.publish({
          sessionId: this.recording.sessionId,
          sink: this.sink.name,
          segmentIndex: index,
        });
        this.#events.progress(this.sink.name, this.written);
        if (reached && reached.segments > durable.segments) durable = reached;
        // Checkpoints are persisted at most every CHECKPOINT_SEGMENTS segments or
        // CHECKPOINT_INTERVAL_MS: an older checkpoint only means a resume replays a
        // few more segments, which every sink handles exactly once.
        if (
          durable.segments - saved.segments >= CHECKPOINT_SEGMENTS ||
          (durable !== saved && Date.now() - savedAt >= CHECKPOINT_INTERVAL_MS)
        ) {
          const chainHash = this.recording.segment(durable.segments - 1)?.hash;
          // Best effort: a checkpoint that cannot be saved (full spool disk)
          // only means a resume replays more segments.
          await this.recording
            .saveSinkProgress(this.sink.name, { checkpoint: durable, ...(chainHash ? { chainHash } : {}) })
            .catch(() => {});
          saved = durable;
          savedAt = Date.now();
        }
        continue;
      }
      const end = this.recording.end;
      if (end) return attempt.close(this.#summary(end, this.written));
      await Promise.race([this.recording.changed(), this.#stopped]);
    }
  }

  async #sleep(ms: number): Promise<void> {
    const controller = new AbortController();
    this.#wakeSleep = () => controller.abort();
    await sleep(ms, undefined, { signal: controller.signal }).catch(() => {});
    this.#wakeSleep = undefined;
  }
}
