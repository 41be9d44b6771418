import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  createRecordingWriter,
  type Frame,
  type RecordingWriter,
  type RecordingWriterOptions,
} from '@tapline/frames';
import chain, { none } from 'stream-chain';
import type { ValidContext } from './context.js';
import type {
  AnnotationEvent,
  ApiCallEvent,
  CommandEvent,
  Direction,
  EndReasonName,
  FileOperationEvent,
  QueryEvent,
  RecordedSession,
  RecordingSignature,
  SessionSummary,
  StreamCloseOptions,
  StreamKindName,
  StreamOpenOptions,
} from './contracts.js';
import { channels } from './diagnostics.js';
import { errorCode, errorMessage, SessionTermination } from './errors.js';
import { annotationKinds, directions, endReasons, fileOperationKinds, streamKinds } from './frames-build.js';
import type { SpoolEnd, SpoolRecording } from './spool.js';

/** Hooks that mask content before it is encoded. Return the input unchanged to keep it. */
export interface RedactionHooks {
  /** Stream bytes; return a masked copy (same or different length) or the same array. */
  data?(bytes: Uint8Array, where: { streamId: number; direction: Direction; channel: number }): Uint8Array;
  command?(text: string): string;
  query?(event: QueryEvent): QueryEvent;
  apiCall?(event: ApiCallEvent): ApiCallEvent;
  fileOperation?(event: FileOperationEvent): FileOperationEvent;
}

/** What a session needs from its recorder. */
export interface SessionHost {
  mode: 'best_effort' | 'strict';
  bufferBytes: number;
  maxSegmentAgeMs: number;
  terminationGraceMs: number;
  writerOptions: Omit<RecordingWriterOptions, 'sessionId'>;
  redact: RedactionHooks | undefined;
  labels: Record<string, string>;
  sign: ((sessionId: string, chainHash: string) => RecordingSignature) | undefined;
  emit(recording: SpoolRecording, type: 'session.ended', data: Record<string, unknown>): void;
  storage(recording: SpoolRecording): Array<{ sink: string; location?: string }>;
  /** Spool trouble (best-effort mode) is reported as a failed delivery of the spool. */
  spoolFailed(recording: SpoolRecording, error: unknown): void;
  sessionEnded(session: Session): void;
}

interface StreamState {
  kind: StreamKindName;
  contentRecorded: boolean;
  clientToTarget: number;
  targetToClient: number;
}

interface QueuedFrame {
  frame: Frame;
  bytes: number;
}

const CUT = Symbol('cut');

/**
 * One live recorded session. Every method is synchronous and cheap: it stamps
 * a frame (dense seq, monotonic offset) and queues it; a bounded queue feeds
 * the pipeline frames → RecordingWriter → spool, composed with stream-chain.
 */
export class Session implements RecordedSession {
  readonly sessionId: string;
  readonly context: Readonly<ValidContext>;
  readonly signal: AbortSignal;
  readonly recording: SpoolRecording;
  readonly startedAt: number;
  readonly #host: SessionHost;
  readonly #abort = new AbortController();
  readonly #startNs: bigint;
  readonly #writer: RecordingWriter;
  readonly #pipeline: Duplex;
  readonly #pipelineDone: Promise<void>;
  readonly #streams = new Map<number, StreamState>();
  readonly #queue: Array<QueuedFrame | typeof CUT> = [];
  #queuedBytes = 0;
  #writerReady = true;
  #seq = 0;
  #lastOffsetNs = 0;
  #nextStreamId = 1;
  #framesSinceCut = 0;
  #recordingFailed: unknown;
  #contentStopped: string | undefined;
  #behindBytes = 0;
  #ended: Promise<SessionSummary> | undefined;
  #closing = false;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly counts = {
    bytesClientToTarget: 0,
    bytesTargetToClient: 0,
    commands: 0,
    queries: 0,
    apiCalls: 0,
    fileOperations: 0,
    streams: 0,
    bytesNotRecorded: 0,
  };

  constructor(host: SessionHost, context: ValidContext, recording: SpoolRecording) {
    this.#host = host;
    this.context = context;
    this.sessionId = context.sessionId;
    this.recording = recording;
    this.signal = this.#abort.signal;
    this.startedAt = recording.info.startedAt;
    this.#startNs = process.hrtime.bigint();
    this.#writer = createRecordingWriter({
      ...host.writerOptions,
      sessionId: this.sessionId,
      whenBehind: host.mode === 'best_effort' ? 'store' : 'wait',
    });
    this.#pipeline = chain([
      this.#writer,
      async (segment: Buffer) => {
        const description = await recording.append(segment);
        channels.segmentSpooled.publish({
          sessionId: this.sessionId,
          segmentIndex: description.segmentIndex,
          bytes: description.byteLength,
        });
        return none;
      },
    ]);
    this.#pipeline.on('drain', () => this.#pump());
    this.#pipeline.resume();
    this.#pipelineDone = finished(this.#pipeline).catch((error: unknown) => this.#failRecording(error));
    this.#enqueueFrame({ sessionStart: this.#sessionStartBody() }, 0);
    // The grant context is made durable at once, not when the first segment fills.
    this.#enqueueCut();
    const cutTimer = setInterval(() => {
      if (this.#framesSinceCut > 0) this.#enqueueCut();
    }, host.maxSegmentAgeMs);
    cutTimer.unref();
    this.#timers.push(cutTimer);
    if (context.expiresAt !== undefined) this.#armExpiry(context.expiresAt);
  }

  now(): number {
    const offset = Number(process.hrtime.bigint() - this.#startNs);
    // One monotonic clock; never let two frames go backwards even across calls.
    this.#lastOffsetNs = Math.max(this.#lastOffsetNs, offset);
    return this.#lastOffsetNs;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** Bytes queued in front of the writer (what best-effort mode bounds). */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  openStream(kind: StreamKindName, options: StreamOpenOptions = {}): number {
    const streamId = this.#nextStreamId++;
    const contentRecorded = options.contentRecorded ?? true;
    this.#streams.set(streamId, { kind, contentRecorded, clientToTarget: 0, targetToClient: 0 });
    this.counts.streams++;
    this.#enqueueFrame(
      {
        streamOpen: {
          streamId,
          kind: streamKinds[kind] ?? 0,
          details: options.details ?? {},
          cols: options.cols ?? 0,
          rows: options.rows ?? 0,
          contentRecorded,
        },
      },
      0,
    );
    return streamId;
  }

  closeStream(streamId: number, options: StreamCloseOptions = {}): void {
    const stream = this.#streams.get(streamId);
    if (!stream) return;
    this.#streams.delete(streamId);
    this.#enqueueFrame(
      {
        streamClose: {
          streamId,
          ...(options.exitStatus !== undefined ? { exitStatus: options.exitStatus } : {}),
          exitSignal: options.exitSignal ?? '',
          detail: options.detail ?? '',
          bytesClientToTarget: stream.clientToTarget,
          bytesTargetToClient: stream.targetToClient,
        },
      },
      0,
    );
  }

  data(streamId: number, direction: Direction, bytes: Uint8Array, channel = 0): void {
    if (this.#closing || bytes.byteLength === 0) return;
    const length = bytes.byteLength;
    const stream = this.#streams.get(streamId);
    if (direction === 'client_to_target') this.counts.bytesClientToTarget += length;
    else this.counts.bytesTargetToClient += length;
    if (stream) {
      if (direction === 'client_to_target') stream.clientToTarget += length;
      else stream.targetToClient += length;
      if (!stream.contentRecorded) {
        // Counted, not recorded (forwards by default): SessionEnd says how much.
        this.counts.bytesNotRecorded += length;
        return;
      }
    }
    if (this.#contentStopped !== undefined || this.#recordingFailed !== undefined) {
      this.counts.bytesNotRecorded += length;
      return;
    }
    if (this.#overQuota(length)) return;
    if (this.#queuedBytes + length > this.#host.bufferBytes) {
      // Best effort: the live session is never slowed; what cannot be buffered
      // is counted and recorded as a gap once the writer catches up. Strict:
      // content may not go unrecorded, so the session ends instead.
      this.#behindBytes += length;
      this.counts.bytesNotRecorded += length;
      if (this.#host.mode === 'strict') {
        this.terminate(
          new SessionTermination(
            'TAPLINE_ERR_RECORDER_BEHIND',
            'recording_failed',
            `the recorder fell ${this.#host.bufferBytes} bytes behind the session`,
          ),
        );
      }
      return;
    }
    let payload = bytes;
    const redact = this.#host.redact?.data;
    if (redact) {
      payload = redact(bytes, { streamId, direction, channel });
      if (payload !== bytes) this.#noteRedaction(streamId, 'data');
    }
    this.#enqueueFrame(
      { data: { streamId, direction: directions[direction], bytes: payload, channel } },
      length,
    );
  }

  resize(streamId: number, cols: number, rows: number): void {
    this.#enqueueFrame({ resize: { streamId, cols, rows } }, 0);
  }

  command(event: CommandEvent): void {
    this.counts.commands++;
    let text = event.text;
    const redact = this.#host.redact?.command;
    if (redact) {
      text = redact(text);
      if (text !== event.text) this.#noteRedaction(event.streamId, 'command');
    }
    this.#enqueueFrame(
      {
        command: {
          streamId: event.streamId,
          text,
          source: event.source,
          startedOffsetNs: event.startedOffsetNs ?? 0,
          endedOffsetNs: event.endedOffsetNs ?? 0,
          program: event.program ?? '',
          inputSource: event.inputSource ?? '',
          programs: event.programs ?? [],
          ...(event.exitCode === undefined ? {} : { exitCode: event.exitCode }),
        },
      },
      text.length,
    );
  }

  query(event: QueryEvent): void {
    this.counts.queries++;
    const redacted = this.#host.redact?.query?.(event) ?? event;
    if (redacted !== event) this.#noteRedaction(event.streamId, 'query');
    this.#enqueueFrame(
      {
        query: {
          streamId: redacted.streamId,
          text: redacted.text,
          parameters: (redacted.parameters ?? []).map((p) => ({
            value: p.value ?? '',
            isNull: p.isNull ?? false,
            type: p.type ?? '',
          })),
          commandTag: redacted.commandTag ?? '',
          ...(redacted.rows !== undefined ? { rows: redacted.rows } : {}),
          errorCode: redacted.errorCode ?? '',
          errorMessage: redacted.errorMessage ?? '',
          durationNs: redacted.durationNs ?? 0,
          database: redacted.database ?? '',
        },
      },
      redacted.text.length,
    );
  }

  apiCall(event: ApiCallEvent): void {
    this.counts.apiCalls++;
    const redacted = this.#host.redact?.apiCall?.(event) ?? event;
    if (redacted !== event) this.#noteRedaction(event.streamId, 'api_call');
    this.#enqueueFrame({ apiCall: { ...redacted } }, redacted.requestBody?.byteLength ?? 0);
  }

  fileOperation(event: FileOperationEvent): void {
    this.counts.fileOperations++;
    const redacted = this.#host.redact?.fileOperation?.(event) ?? event;
    if (redacted !== event) this.#noteRedaction(event.streamId, 'file_operation');
    this.#enqueueFrame({ fileOperation: { ...redacted, kind: fileOperationKinds[redacted.kind] ?? 0 } }, 0);
  }

  annotation(event: AnnotationEvent): void {
    this.#enqueueFrame({ annotation: { ...event, kind: annotationKinds[event.kind] ?? 0 } }, 0);
  }

  /** Ends the session from the recorder's side: the proxy is told through `signal`. */
  terminate(termination: SessionTermination): void {
    if (this.#ended || this.signal.aborted) return;
    this.#abort.abort(termination);
    // A proxy that does not end the session in time gets it ended for it.
    const grace = setTimeout(
      () => void this.end(termination.endReason, termination.message),
      this.#host.terminationGraceMs,
    );
    grace.unref();
    this.#timers.push(grace);
  }

  end(reason: EndReasonName, detail?: string): Promise<SessionSummary> {
    this.#ended ??= this.#finish(reason, detail);
    return this.#ended;
  }

  async #finish(reason: EndReasonName, detail: string | undefined): Promise<SessionSummary> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const streamId of [...this.#streams.keys()]) this.closeStream(streamId, { detail: 'session ended' });
    this.#flushBehind();
    const termination = this.signal.reason instanceof SessionTermination ? this.signal.reason : undefined;
    const errorCodeForEnd = termination?.code ?? (reason === 'error' ? 'TAPLINE_ERR_SESSION_ERROR' : '');
    const frameCount = this.#seq + 1;
    const summary: SessionSummary = {
      sessionId: this.sessionId,
      reason,
      frames: frameCount,
      ...this.counts,
      durationNs: this.now(),
    };
    this.#enqueueFrame(
      {
        sessionEnd: {
          reason: endReasons[reason] ?? 0,
          detail: detail ?? '',
          errorCode: errorCodeForEnd,
          frames: frameCount,
          ...this.counts,
        },
      },
      0,
    );
    // Stop the live path: from here on, calls are ignored.
    this.#closing = true;
    const queue = this.#queue;
    while (queue.length > 0 && this.#writerReady) this.#pump();
    if (queue.length > 0) await new Promise<void>((resolve) => this.#onDrained.push(resolve));
    this.#pipeline.end();
    await this.#pipelineDone;
    const last = this.recording.lastSegment;
    const failed = this.#recordingFailed !== undefined || !last?.final;
    const chainHash = last?.hash ?? '';
    const signature = !failed && this.#host.sign ? this.#host.sign(this.sessionId, chainHash) : undefined;
    const end: SpoolEnd = {
      reason,
      ...(detail !== undefined ? { detail } : {}),
      ...(errorCodeForEnd ? { errorCode: errorCodeForEnd } : {}),
      complete: !failed,
      ...(failed
        ? { incompleteReason: errorCode(this.#recordingFailed ?? 'TAPLINE_ERR_RECORDING_FAILED') }
        : {}),
      chainHash,
      segments: this.recording.segmentCount,
      bytes: this.recording.bytes,
      endedAt: this.startedAt + Math.round(summary.durationNs / 1e6),
      summary,
      ...(signature ? { signature } : {}),
    };
    await this.recording.seal(end).catch((error: unknown) => this.#host.spoolFailed(this.recording, error));
    this.#host.emit(
      this.recording,
      'session.ended',
      endedEventData(this.context, end, this.#host.storage(this.recording)),
    );
    channels.sessionEnd.publish({
      sessionId: this.sessionId,
      reason,
      complete: end.complete,
      frames: summary.frames,
    });
    this.#host.sessionEnded(this);
    return summary;
  }

  readonly #onDrained: Array<() => void> = [];

  #sessionStartBody(): Frame['sessionStart'] {
    const c = this.context;
    const ms = (value: number | Date | undefined) => (value instanceof Date ? value.getTime() : (value ?? 0));
    return {
      startedAtUnixMs: this.startedAt,
      sessionId: this.sessionId,
      protocol: c.protocol,
      clientAddress: c.clientAddress ?? '',
      target: c.target ?? '',
      labels: { ...this.#host.labels, ...c.labels },
      grant: {
        user: { id: c.user.id, name: c.user.name ?? '', email: c.user.email ?? '' },
        approvers: (c.approvers ?? []).map((a) => ({
          id: a.id,
          name: a.name ?? '',
          email: a.email ?? '',
          approvedAtUnixMs: ms(a.approvedAt),
        })),
        accessFlow: c.accessFlow ? { id: c.accessFlow.id, name: c.accessFlow.name ?? '' } : null,
        accessRequestId: c.accessRequestId,
        accessRequestStatus: c.accessRequestStatus ?? 'approved',
        resource: {
          id: c.resource.id,
          type: c.resource.type,
          name: c.resource.name ?? '',
          integration: c.resource.integration ?? '',
        },
        permissions: c.permissions ?? [],
        expiresAtUnixMs: c.expiresAt ?? 0,
      },
    };
  }

  #enqueueFrame(body: Omit<Frame, 'seq' | 'offsetNs'>, bytes: number): void {
    if (this.#closing || this.#recordingFailed !== undefined) return;
    const frame = { seq: this.#seq++, offsetNs: this.now(), ...body } as Frame;
    this.#framesSinceCut++;
    if (this.#queue.length === 0 && this.#writerReady) {
      this.#writerReady = this.#pipeline.write(frame);
      return;
    }
    this.#queue.push({ frame, bytes });
    this.#queuedBytes += bytes;
  }

  #enqueueCut(): void {
    this.#framesSinceCut = 0;
    if (this.#queue.length === 0 && this.#writerReady) {
      this.#writerReady = this.#writer.cutSegment();
      return;
    }
    this.#queue.push(CUT);
  }

  #pump(): void {
    this.#writerReady = true;
    while (this.#queue.length > 0 && this.#writerReady) {
      const next = this.#queue.shift()!;
      if (next === CUT) {
        this.#writerReady = this.#writer.cutSegment();
      } else {
        this.#queuedBytes -= next.bytes;
        this.#writerReady = this.#pipeline.write(next.frame);
      }
    }
    if (this.#queue.length === 0) {
      for (const resolve of this.#onDrained.splice(0)) resolve();
      if (!this.#closing) this.#flushBehind();
    }
  }

  /** Records the content dropped while the writer was behind as one counted gap. */
  #flushBehind(): void {
    if (this.#behindBytes === 0) return;
    const bytesNotRecorded = this.#behindBytes;
    this.#behindBytes = 0;
    this.annotation({
      kind: 'gap',
      code: 'TAPLINE_ERR_RECORDER_BEHIND',
      message: 'stream content not recorded: the recorder fell behind the session',
      bytesNotRecorded,
    });
  }

  #overQuota(length: number): boolean {
    const spool = this.recording.spool;
    const session = this.recording.bytes + this.#queuedBytes + length > spool.maxSessionBytes;
    const total = spool.totalBytes + this.#queuedBytes + length > spool.maxTotalBytes;
    if (!session && !total) return false;
    const which = session ? 'session' : 'total';
    this.counts.bytesNotRecorded += length;
    if (spool.quotaPolicy === 'end_session') {
      this.terminate(
        new SessionTermination(
          'TAPLINE_ERR_QUOTA_EXCEEDED',
          'quota_exceeded',
          `the spool's ${which} quota is reached`,
        ),
      );
      return true;
    }
    this.#contentStopped = which;
    this.annotation({
      kind: 'gap',
      code: 'TAPLINE_ERR_QUOTA_EXCEEDED',
      message: `the spool's ${which} quota is reached: stream content is no longer recorded, only counted`,
      bytesNotRecorded: length,
    });
    return true;
  }

  #noteRedaction(streamId: number, what: string): void {
    this.annotation({
      kind: 'redacted',
      streamId,
      code: 'TAPLINE_REDACTED',
      message: `${what} redacted by policy`,
    });
  }

  #armExpiry(expiresAt: number): void {
    const remaining = expiresAt - Date.now();
    // setTimeout holds at most ~24.8 days; re-arm for longer grants.
    const timer = setTimeout(
      () => {
        if (Date.now() >= expiresAt) {
          this.terminate(
            new SessionTermination(
              'TAPLINE_ERR_GRANT_EXPIRED',
              'grant_expired',
              `access granted until ${new Date(expiresAt).toISOString()} has expired`,
            ),
          );
        } else {
          this.#armExpiry(expiresAt);
        }
      },
      Math.min(Math.max(remaining, 0), 2 ** 31 - 1),
    );
    timer.unref();
    this.#timers.push(timer);
  }

  #failRecording(error: unknown): void {
    this.#recordingFailed ??= error;
    this.#host.spoolFailed(this.recording, error);
    for (const resolve of this.#onDrained.splice(0)) resolve();
    if (this.#host.mode === 'strict') {
      this.terminate(
        new SessionTermination(
          'TAPLINE_ERR_RECORDING_FAILED',
          'recording_failed',
          `recording failed: ${errorMessage(error)}`,
          error,
        ),
      );
    }
  }
}

export function endedEventData(
  context: ValidContext,
  end: SpoolEnd,
  storage: Array<{ sink: string; location?: string }>,
): Record<string, unknown> {
  const summary = end.summary;
  return {
    reason: end.reason,
    ...(end.detail ? { detail: end.detail } : {}),
    ...(end.errorCode ? { errorCode: end.errorCode } : {}),
    accessRequestId: context.accessRequestId,
    userId: context.user.id,
    resourceId: context.resource.id,
    protocol: context.protocol,
    endedAt: new Date(end.endedAt).toISOString(),
    durationMs: summary ? Math.round(summary.durationNs / 1e6) : undefined,
    counts: summary
      ? {
          frames: summary.frames,
          bytesClientToTarget: summary.bytesClientToTarget,
          bytesTargetToClient: summary.bytesTargetToClient,
          commands: summary.commands,
          queries: summary.queries,
          apiCalls: summary.apiCalls,
          fileOperations: summary.fileOperations,
          streams: summary.streams,
          bytesNotRecorded: summary.bytesNotRecorded,
        }
      : undefined,
    complete: end.complete,
    ...(end.incompleteReason ? { incompleteReason: end.incompleteReason } : {}),
    recording: { chainHash: end.chainHash, segments: end.segments, bytes: end.bytes, storage },
    ...(end.signature ? { signature: end.signature } : {}),
  };
}

export function newEventId(): string {
  return randomUUID();
}
