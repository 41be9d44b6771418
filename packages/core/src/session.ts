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
  RecordingClaim,
  SessionSummary,
  StreamCloseOptions,
  StreamKindName,
  StreamOpenOptions,
} from './contracts.js';
import { channels } from './diagnostics.js';
import { errorCode, errorMessage, SessionTermination } from './errors.js';
import { type FollowListener, SessionFollow } from './follow.js';
import {
  annotationKinds,
  directions,
  endReasons,
  fileOperationKinds,
  queryBody,
  statementTypeOf,
  streamKinds,
} from './frames-build.js';
import type { ActionHub, PublishedAction } from './live.js';
import { PolicyCode } from './policy.js';
import type { ClaimSigner } from './signing.js';
import { type SpoolEnd, type SpoolRecording, tailHeadroom } from './spool.js';

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
  sign: ClaimSigner | undefined;
  /** When set, the chain head is published (signed when `sign` is) this often while the session is live. */
  chainHeads: { intervalMs: number; everySegments: number } | undefined;
  emit(
    recording: SpoolRecording,
    type: 'session.ended' | 'recording.chain_head',
    data: Record<string, unknown>,
  ): void;
  storage(recording: SpoolRecording): Array<{ sink: string; location?: string }>;
  /** Spool trouble (best-effort mode) is reported as a failed delivery of the spool. */
  spoolFailed(recording: SpoolRecording, error: unknown): void;
  sessionEnded(session: Session): void;
  /** The live action stream (issue 17): every semantic event, after redaction. */
  live?: ActionHub;
  /** Sees every action synchronously, before subscribers (content metadata, alert rules). */
  observeAction?(recording: SpoolRecording, action: PublishedAction): void;
  /** A policy decision was recorded (an annotation with a PolicyCode): it goes to the metadata too. */
  policyDecision?(recording: SpoolRecording, event: AnnotationEvent, offsetNs: number): void;
  /** Bytes of recent output kept per terminal stream for followers (`tapline watch`); 0: none. */
  followReplayBytes: number;
}

interface StreamState {
  kind: StreamKindName;
  /** Opened with a terminal size. */
  terminal: boolean;
  cols: number;
  rows: number;
  contentRecorded: boolean;
  clientToTarget: number;
  targetToClient: number;
}

interface QueuedFrame {
  frame: Frame;
  bytes: number;
}

const CUT = Symbol('cut');
const POLICY_CODES: ReadonlySet<string> = new Set(Object.values(PolicyCode));

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
  /**
   * Content bytes of data frames by seq, from the first frame not yet in a
   * spooled segment on (two parallel arrays read from `#inFlightHead`): when
   * the spool refuses a segment, this says exactly how much content was lost,
   * and the quota check counts what is still on its way to the spool.
   */
  readonly #inFlightSeqs: number[] = [];
  readonly #inFlightTotals: number[] = [];
  #inFlightHead = 0;
  #contentEnqueued = 0;
  #contentSpooled = 0;
  #notRecordedAtFailure = 0;
  /** Segments covered by the last published chain head. */
  #headSegments = 0;
  readonly #timers: NodeJS.Timeout[] = [];
  /** Terminal output for followers; created when the recorder keeps a replay or someone follows. */
  #follow: SessionFollow | undefined;
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
    if (host.followReplayBytes > 0) this.#follow = new SessionFollow(host.followReplayBytes);
    this.#writer = createRecordingWriter({
      ...host.writerOptions,
      sessionId: this.sessionId,
      whenBehind: host.mode === 'best_effort' ? 'store' : 'wait',
    });
    this.#pipeline = chain([
      this.#writer,
      async (segment: Buffer) => {
        const description = await recording.append(segment);
        this.#noteSpooled(description.firstSeq + description.frameCount);
        channels.segmentSpooled.publish({
          sessionId: this.sessionId,
          segmentIndex: description.segmentIndex,
          bytes: description.byteLength,
        });
        const heads = host.chainHeads;
        if (heads && recording.segmentCount - this.#headSegments >= heads.everySegments) this.#publishHead();
        return none;
      },
    ]);
    // Frames go straight to the writer (appendFrame); its 'drain' says when there is room again.
    this.#writer.on('drain', () => this.#pump());
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
    if (host.chainHeads) {
      const headTimer = setInterval(() => this.#publishHead(), host.chainHeads.intervalMs);
      headTimer.unref();
      this.#timers.push(headTimer);
    }
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
    // A stream opened with a size has a terminal (a pty may report 0 × 0: the viewer's size applies).
    const terminal = options.cols !== undefined || options.rows !== undefined;
    const cols = options.cols ?? 0;
    const rows = options.rows ?? 0;
    this.#streams.set(streamId, {
      kind,
      terminal,
      cols,
      rows,
      contentRecorded,
      clientToTarget: 0,
      targetToClient: 0,
    });
    if (terminal) this.#follow?.opened(streamId, kind, cols, rows);
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
    this.#publish(() => ({
      type: 'stream.opened',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      streamId,
      kind,
      details: options.details ?? {},
    }));
    return streamId;
  }

  closeStream(streamId: number, options: StreamCloseOptions = {}): void {
    const stream = this.#streams.get(streamId);
    if (!stream) return;
    this.#streams.delete(streamId);
    this.#follow?.closed(streamId);
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
    this.#publish(() => ({
      type: 'stream.closed',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      streamId,
      kind: stream.kind,
      ...(options.exitStatus === undefined ? {} : { exitStatus: options.exitStatus }),
      ...(options.exitSignal ? { exitSignal: options.exitSignal } : {}),
      bytesClientToTarget: stream.clientToTarget,
      bytesTargetToClient: stream.targetToClient,
    }));
  }

  data(streamId: number, direction: Direction, bytes: Uint8Array, channel = 0): void {
    if (this.#closing || bytes.byteLength === 0) return;
    const length = bytes.byteLength;
    const stream = this.#streams.get(streamId);
    if (this.#follow !== undefined && direction === 'target_to_client' && channel === 0)
      this.#follow.output(streamId, bytes);
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
      length,
    );
  }

  resize(streamId: number, cols: number, rows: number): void {
    const stream = this.#streams.get(streamId);
    if (stream?.terminal === true) {
      stream.cols = cols;
      stream.rows = rows;
      this.#follow?.resized(streamId, cols, rows);
    }
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
    this.#publish(() => ({
      type: 'command',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      command: { ...event, text },
    }));
  }

  query(event: QueryEvent): void {
    this.counts.queries++;
    const redacted = this.#host.redact?.query?.(event) ?? event;
    if (redacted !== event) this.#noteRedaction(event.streamId, 'query');
    this.#enqueueFrame(
      {
        query: queryBody(redacted),
      },
      redacted.text.length,
    );
    this.#publish(() => ({
      type: 'query',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      // The statement type as the recording states it (derived when the proxy gave none).
      query: redacted.statementType
        ? redacted
        : { ...redacted, statementType: statementTypeOf(redacted.text) },
    }));
  }

  apiCall(event: ApiCallEvent): void {
    this.counts.apiCalls++;
    const redacted = this.#host.redact?.apiCall?.(event) ?? event;
    if (redacted !== event) this.#noteRedaction(event.streamId, 'api_call');
    this.#enqueueFrame({ apiCall: { ...redacted } }, redacted.requestBody?.byteLength ?? 0);
    this.#publish(() => ({
      type: 'api_call',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      apiCall: redacted,
    }));
  }

  fileOperation(event: FileOperationEvent): void {
    this.counts.fileOperations++;
    const redacted = this.#host.redact?.fileOperation?.(event) ?? event;
    if (redacted !== event) this.#noteRedaction(event.streamId, 'file_operation');
    this.#enqueueFrame({ fileOperation: { ...redacted, kind: fileOperationKinds[redacted.kind] ?? 0 } }, 0);
    this.#publish(() => ({
      type: 'file_operation',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      fileOperation: redacted,
    }));
  }

  annotation(event: AnnotationEvent): void {
    this.#enqueueFrame({ annotation: { ...event, kind: annotationKinds[event.kind] ?? 0 } }, 0);
    if (event.code !== undefined && POLICY_CODES.has(event.code)) {
      try {
        this.#host.policyDecision?.(this.recording, event, this.now());
      } catch {
        // Metadata must never break the session.
      }
    }
    this.#publish(() => ({
      type: 'annotation',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
      annotation: event,
    }));
  }

  /** Hands an action to the live stream; builds it only when someone listens. */
  #publish(build: () => PublishedAction, evenWhenClosing = false): void {
    const host = this.#host;
    const listening = host.live?.active === true;
    if ((!listening && host.observeAction === undefined) || (this.#closing && !evenWhenClosing)) return;
    const action = build();
    if (listening) host.live!.publish(action);
    // After the subscribers got the action: an alert it raises follows it on the stream.
    if (host.observeAction) {
      try {
        host.observeAction(this.recording, action);
      } catch {
        // Metadata and alerts must never break the session.
      }
    }
  }

  /** Publishes `session.started` (the recorder calls it once the session is registered). */
  publishStarted(): void {
    this.#publish(() => ({
      type: 'session.started',
      sessionId: this.sessionId,
      context: this.context,
      offsetNs: this.now(),
      time: Date.now(),
    }));
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

  /** Follows this session's terminal output (see `Recorder.follow`). */
  follow(listener: FollowListener): () => void {
    if (this.#follow === undefined) {
      this.#follow = new SessionFollow(0);
      for (const [streamId, stream] of this.#streams)
        if (stream.terminal) this.#follow.opened(streamId, stream.kind, stream.cols, stream.rows);
      if (this.#ended !== undefined) this.#follow.ended();
    }
    return this.#follow.add(listener);
  }

  end(reason: EndReasonName, detail?: string): Promise<SessionSummary> {
    this.#ended ??= this.#finish(reason, detail);
    return this.#ended;
  }

  async #finish(reason: EndReasonName, detail: string | undefined): Promise<SessionSummary> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const streamId of [...this.#streams.keys()]) this.closeStream(streamId, { detail: 'session ended' });
    this.#follow?.ended();
    this.#flushBehind();
    const termination = this.signal.reason instanceof SessionTermination ? this.signal.reason : undefined;
    const errorCodeForEnd = termination?.code ?? (reason === 'error' ? 'TAPLINE_ERR_SESSION_ERROR' : '');
    const sessionEnd = (frames: number) => ({
      sessionEnd: {
        reason: endReasons[reason] ?? 0,
        detail: detail ?? '',
        errorCode: errorCodeForEnd,
        frames,
        ...this.counts,
      },
    });
    const frameCount = this.#seq + 1;
    this.#enqueueFrame(sessionEnd(frameCount), 0);
    // Stop the live path: from here on, calls are ignored.
    this.#closing = true;
    const queue = this.#queue;
    while (queue.length > 0 && this.#writerReady && this.#recordingFailed === undefined) this.#pump();
    if (queue.length > 0 && this.#recordingFailed === undefined) {
      await new Promise<void>((resolve) => this.#onDrained.push(resolve));
    }
    if (this.#recordingFailed === undefined) this.#pipeline.end();
    else this.#pipeline.destroy();
    await this.#pipelineDone;
    // The spool refused a segment (disk full, quota, I/O error): what is in it
    // stays, and one last segment records the gap and the end.
    if (this.#recordingFailed !== undefined) await this.#writeTail(sessionEnd);
    const summary: SessionSummary = {
      sessionId: this.sessionId,
      reason,
      frames: frameCount,
      ...this.counts,
      durationNs: this.now(),
    };
    const last = this.recording.lastSegment;
    const complete = last?.final === true;
    const chainHash = last?.hash ?? '';
    // A failed recording is signed too, as incomplete: the signature vouches for what reached the spool.
    const claim = recordingClaim(this.recording, complete ? 'complete' : 'incomplete');
    const signature = claim && this.#host.sign ? this.#host.sign(claim) : undefined;
    const end: SpoolEnd = {
      reason,
      ...(detail !== undefined ? { detail } : {}),
      ...(errorCodeForEnd ? { errorCode: errorCodeForEnd } : {}),
      complete,
      ...(complete
        ? {}
        : { incompleteReason: errorCode(this.#recordingFailed ?? 'TAPLINE_ERR_RECORDING_FAILED') }),
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
    this.#publish(
      () => ({
        type: 'session.ended',
        sessionId: this.sessionId,
        context: this.context,
        offsetNs: this.now(),
        time: Date.now(),
        reason,
        summary,
      }),
      true,
    );
    return summary;
  }

  /**
   * Appends the last segment after the spool refused one: it continues the
   * chain from the last spooled segment (the SessionStart too when none was
   * spooled), with a gap annotation counting every content byte that did not
   * reach the spool, and the SessionEnd with the end marker. If even this
   * does not fit, the recording stays incomplete and says why in metadata.
   */
  async #writeTail(sessionEnd: (frames: number) => Pick<Frame, 'sessionEnd'>): Promise<void> {
    const failure = this.#recordingFailed;
    this.counts.bytesNotRecorded += this.#contentInFlight;
    this.#contentSpooled = this.#contentEnqueued;
    const last = this.recording.lastSegment;
    let seq = last ? last.firstSeq + last.frameCount : 0;
    const writer = createRecordingWriter({
      ...this.#host.writerOptions,
      sessionId: this.sessionId,
      ...(last
        ? {
            continueFrom: {
              segmentIndex: last.segmentIndex + 1,
              nextSeq: seq,
              previousHash: last.hash,
              lastOffsetNs: last.lastOffsetNs,
            },
          }
        : {}),
    });
    const appended: Promise<unknown>[] = [];
    writer.on('data', (segment: Buffer) => {
      const append = this.recording.append(segment, 'tail');
      append.catch(() => {}); // awaited below, after the writer ends
      appended.push(append);
    });
    const written = new Promise<void>((resolve, reject) => {
      writer.on('end', resolve);
      writer.on('error', reject);
    });
    const offsetNs = Math.max(this.now(), last?.lastOffsetNs ?? 0);
    if (!last) writer.write({ seq: seq++, offsetNs: 0, sessionStart: this.#sessionStartBody() } as Frame);
    writer.write({
      seq: seq++,
      offsetNs,
      annotation: {
        kind: annotationKinds.gap,
        code: errorCode(failure),
        message: `stream content not recorded from here on: ${errorMessage(failure)}`,
        bytesNotRecorded: this.counts.bytesNotRecorded - this.#notRecordedAtFailure,
      },
    } as Frame);
    writer.end({ seq, offsetNs, ...sessionEnd(seq + 1) } as Frame);
    try {
      await written;
      await Promise.all(appended);
    } catch (error) {
      this.#host.spoolFailed(this.recording, error);
    }
  }

  /** Releases a session that never started (start() failed after creating it). */
  discard(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#closing = true;
    // Not a recording failure to report: the session never existed.
    this.#recordingFailed ??= new Error('session discarded');
    this.#pipeline.destroy();
  }

  readonly #onDrained: Array<() => void> = [];

  /**
   * Publishes the chain head so far as a `recording.chain_head` metadata
   * event. It leaves the storage with the metadata, so a later rewrite of the
   * stored recording (even one that recomputes every hash) no longer matches
   * it: `tapline verify --against` checks this.
   */
  #publishHead(): void {
    if (this.#closing || this.#ended !== undefined) return;
    if (this.recording.segmentCount <= this.#headSegments) return;
    const claim = recordingClaim(this.recording, 'head');
    if (!claim) return;
    this.#headSegments = claim.segments;
    const signature = this.#host.sign?.(claim);
    this.#host.emit(this.recording, 'recording.chain_head', {
      segments: claim.segments,
      firstHash: claim.firstHash,
      chainHash: claim.chainHash,
      ...(signature ? { signature } : {}),
    });
  }

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

  #enqueueFrame(body: Omit<Frame, 'seq' | 'offsetNs'>, bytes: number, content = 0): void {
    if (this.#closing || this.#recordingFailed !== undefined) return;
    const frame = { seq: this.#seq++, offsetNs: this.now(), ...body } as Frame;
    if (content > 0) {
      this.#contentEnqueued += content;
      this.#inFlightSeqs.push(frame.seq as number);
      this.#inFlightTotals.push(this.#contentEnqueued);
    }
    this.#framesSinceCut++;
    if (this.#queue.length === 0 && this.#writerReady) {
      this.#writerReady = this.#writer.appendFrame(frame);
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
        this.#writerReady = this.#writer.appendFrame(next.frame);
      }
    }
    if (this.#queue.length === 0) {
      for (const resolve of this.#onDrained.splice(0)) resolve();
      if (!this.#closing) this.#flushBehind();
    }
  }

  /** A segment ending before `nextSeq` is in the spool: its content is no longer in flight. */
  #noteSpooled(nextSeq: number): void {
    const seqs = this.#inFlightSeqs;
    let head = this.#inFlightHead;
    while (head < seqs.length && seqs[head]! < nextSeq) {
      this.#contentSpooled = this.#inFlightTotals[head]!;
      head++;
    }
    if (head === seqs.length) {
      seqs.length = 0;
      this.#inFlightTotals.length = 0;
      head = 0;
    } else if (head >= 4096 && head * 2 >= seqs.length) {
      seqs.splice(0, head);
      this.#inFlightTotals.splice(0, head);
      head = 0;
    }
    this.#inFlightHead = head;
  }

  /** Content given to the pipeline that is not in the spool yet. */
  get #contentInFlight(): number {
    return this.#contentEnqueued - this.#contentSpooled;
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
    // Raw content still on its way counts in full (compression only shrinks
    // it). The spool refuses a content segment that would cross a quota less
    // its tail headroom; a refusal fails the recording and loses the metadata
    // frames queued behind it, so this check stops content first: it keeps
    // the same headroom, plus slack for the frame and segment overhead of
    // content still in flight (it can sit in several segments when the
    // machine is slow).
    const spool = this.recording.spool;
    const pending = this.#contentInFlight + length;
    const slack = tailHeadroom(spool.maxSessionBytes) + 512 + Math.ceil(pending / 32);
    const session = this.recording.bytes + pending + slack > spool.maxSessionBytes;
    const total = spool.totalBytes + pending + slack > spool.maxTotalBytes;
    if (!session && !total) return false;
    const which = session ? 'session' : 'total';
    this.counts.bytesNotRecorded += length;
    // Either policy records the gap; from here on content is only counted.
    this.#contentStopped = which;
    this.annotation({
      kind: 'gap',
      code: 'TAPLINE_ERR_QUOTA_EXCEEDED',
      message: `the spool's ${which} quota is reached: stream content is no longer recorded, only counted`,
      bytesNotRecorded: length,
    });
    if (spool.quotaPolicy === 'end_session') {
      this.terminate(
        new SessionTermination(
          'TAPLINE_ERR_QUOTA_EXCEEDED',
          'quota_exceeded',
          `the spool's ${which} quota is reached`,
        ),
      );
    }
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

  /**
   * The spool refused a segment. Strict: the session ends. Best effort: the
   * quota policy decides — `end_session` ends it (`quota_exceeded`) when the
   * spool is full or a quota is crossed, otherwise the session goes on with
   * content counted, not recorded, and the gap is recorded at the end.
   */
  #failRecording(error: unknown): void {
    if (this.#recordingFailed !== undefined) return;
    this.#recordingFailed = error;
    this.#notRecordedAtFailure = this.counts.bytesNotRecorded;
    const code = errorCode(error);
    const outOfRoom = code === 'TAPLINE_ERR_QUOTA_EXCEEDED' || code === 'TAPLINE_ERR_SPOOL_FULL';
    // Crossing the quota is policy, recorded as a gap; anything else is a failure to report.
    if (code !== 'TAPLINE_ERR_QUOTA_EXCEEDED') this.#host.spoolFailed(this.recording, error);
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
    } else if (outOfRoom && this.recording.spool.quotaPolicy === 'end_session') {
      this.terminate(
        new SessionTermination(
          code,
          'quota_exceeded',
          `the spool has no room: ${errorMessage(error)}`,
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

/** What a signature over this spooled recording says, or undefined while it holds no segment. */
export function recordingClaim(
  recording: SpoolRecording,
  state: RecordingClaim['state'],
): RecordingClaim | undefined {
  const first = recording.segment(0);
  const last = recording.lastSegment;
  if (!first || !last) return undefined;
  return {
    sessionId: recording.sessionId,
    firstHash: first.hash,
    segments: recording.segmentCount,
    chainHash: last.hash,
    state,
  };
}

export function newEventId(): string {
  return randomUUID();
}
