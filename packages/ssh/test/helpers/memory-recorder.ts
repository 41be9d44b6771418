// A small in-memory RecordedSession for tests: collects every call.
import { createHash, randomUUID } from 'node:crypto';
import type {
  AnnotationEvent,
  ApiCallEvent,
  CommandEvent,
  Direction,
  EndReasonName,
  FileOperationEvent,
  QueryEvent,
  RecordedSession,
  SessionContext,
  SessionSummary,
  StreamCloseOptions,
  StreamKindName,
  StreamOpenOptions,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';

export interface MemoryStream {
  id: number;
  kind: StreamKindName;
  options: StreamOpenOptions;
  closed: StreamCloseOptions | undefined;
  bytes: Record<Direction, number>;
  stderrBytes: number;
  /** SHA-256 of the recorded target_to_client bytes of channel 0, and of client_to_target. */
  hashes: Record<Direction, ReturnType<typeof createHash>>;
  /** The first bytes of each direction (up to `captureLimit`). */
  captured: Record<Direction, Buffer[]>;
  capturedStderr: Buffer[];
  resizes: Array<{ cols: number; rows: number }>;
}

export class MemorySession implements RecordedSession {
  readonly sessionId: string;
  readonly context: Readonly<SessionContext>;
  readonly streams = new Map<number, MemoryStream>();
  readonly commands: CommandEvent[] = [];
  readonly annotations: AnnotationEvent[] = [];
  readonly fileOperations: FileOperationEvent[] = [];
  endReason: EndReasonName | undefined;
  endDetail: string | undefined;
  readonly ended: Promise<EndReasonName>;
  private resolveEnded!: (reason: EndReasonName) => void;
  private readonly controller = new AbortController();
  private readonly started = process.hrtime.bigint();
  private nextStreamId = 1;
  private readonly captureLimit: number;

  constructor(context: SessionContext, captureLimit: number) {
    this.sessionId = context.sessionId ?? randomUUID();
    this.context = { ...context, sessionId: this.sessionId };
    this.captureLimit = captureLimit;
    this.ended = new Promise((resolve) => {
      this.resolveEnded = resolve;
    });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Simulates the recorder's grant expiry timer. */
  expire(): void {
    this.controller.abort(
      Object.assign(
        new TaplineError('TAPLINE_ERR_GRANT_EXPIRED', 'grant expired', { component: 'recorder' }),
        {
          endReason: 'grant_expired',
        },
      ),
    );
  }

  /** Simulates `recorder.revoke(accessRequestId)`. */
  revoke(): void {
    this.controller.abort(
      Object.assign(new TaplineError('TAPLINE_ERR_REVOKED', 'revoked', { component: 'recorder' }), {
        endReason: 'revoked',
      }),
    );
  }

  now(): number {
    return Number(process.hrtime.bigint() - this.started);
  }

  openStream(kind: StreamKindName, options: StreamOpenOptions = {}): number {
    const id = this.nextStreamId++;
    this.streams.set(id, {
      id,
      kind,
      options,
      closed: undefined,
      bytes: { client_to_target: 0, target_to_client: 0 },
      stderrBytes: 0,
      hashes: { client_to_target: createHash('sha256'), target_to_client: createHash('sha256') },
      captured: { client_to_target: [], target_to_client: [] },
      capturedStderr: [],
      resizes: [],
    });
    return id;
  }

  closeStream(streamId: number, options: StreamCloseOptions = {}): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) throw new Error(`closeStream: unknown stream ${streamId}`);
    if (stream.closed !== undefined) throw new Error(`closeStream: stream ${streamId} closed twice`);
    stream.closed = options;
  }

  data(streamId: number, direction: Direction, bytes: Uint8Array, channel?: number): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) throw new Error(`data: unknown stream ${streamId}`);
    if (channel === 1) {
      stream.stderrBytes += bytes.length;
      if (this.captured(stream.capturedStderr) < this.captureLimit)
        stream.capturedStderr.push(Buffer.from(bytes));
      return;
    }
    stream.bytes[direction] += bytes.length;
    if (stream.options.contentRecorded !== false) stream.hashes[direction].update(bytes);
    if (
      stream.options.contentRecorded !== false &&
      this.captured(stream.captured[direction]) < this.captureLimit
    ) {
      stream.captured[direction].push(Buffer.from(bytes));
    }
  }

  resize(streamId: number, cols: number, rows: number): void {
    this.streams.get(streamId)?.resizes.push({ cols, rows });
  }

  command(event: CommandEvent): void {
    this.commands.push(event);
  }

  query(_event: QueryEvent): void {}

  apiCall(_event: ApiCallEvent): void {}

  fileOperation(event: FileOperationEvent): void {
    this.fileOperations.push(event);
  }

  annotation(event: AnnotationEvent): void {
    this.annotations.push(event);
  }

  async end(reason: EndReasonName, detail?: string): Promise<SessionSummary> {
    if (this.endReason === undefined) {
      this.endReason = reason;
      this.endDetail = detail;
      this.resolveEnded(reason);
    }
    let bytesClientToTarget = 0;
    let bytesTargetToClient = 0;
    for (const stream of this.streams.values()) {
      bytesClientToTarget += stream.bytes.client_to_target;
      bytesTargetToClient += stream.bytes.target_to_client + stream.stderrBytes;
    }
    return {
      sessionId: this.sessionId,
      reason: this.endReason,
      frames: 0,
      bytesClientToTarget,
      bytesTargetToClient,
      commands: this.commands.length,
      queries: 0,
      apiCalls: 0,
      fileOperations: this.fileOperations.length,
      streams: this.streams.size,
      bytesNotRecorded: 0,
      durationNs: this.now(),
    };
  }

  /** The captured text of a stream direction (stdout only). */
  text(streamId: number, direction: Direction): string {
    return Buffer.concat(this.streams.get(streamId)?.captured[direction] ?? []).toString('utf8');
  }

  streamsOf(kind: StreamKindName): MemoryStream[] {
    return [...this.streams.values()].filter((stream) => stream.kind === kind);
  }

  private captured(chunks: Buffer[]): number {
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    return total;
  }
}

export interface MemoryRecorder {
  start(context: SessionContext): Promise<MemorySession>;
  readonly sessions: MemorySession[];
  /** Makes the next `start()` reject (a recorder in strict mode that cannot record). */
  failNextStart(): void;
  /** Resolves with the first session (existing or future) that matches. */
  waitFor(predicate: (session: MemorySession) => boolean, timeoutMs?: number): Promise<MemorySession>;
}

export function createMemoryRecorder(options: { captureLimit?: number } = {}): MemoryRecorder {
  const sessions: MemorySession[] = [];
  const waiters: Array<{
    predicate: (session: MemorySession) => boolean;
    resolve: (session: MemorySession) => void;
  }> = [];
  let failNext = false;
  return {
    sessions,
    failNextStart() {
      failNext = true;
    },
    async start(context) {
      if (failNext) {
        failNext = false;
        throw new TaplineError('TAPLINE_ERR_SPOOL_UNAVAILABLE', 'spool unavailable', {
          component: 'recorder',
        });
      }
      const session = new MemorySession(context, options.captureLimit ?? 1024 * 1024);
      sessions.push(session);
      for (const waiter of waiters.splice(0)) {
        if (waiter.predicate(session)) waiter.resolve(session);
        else waiters.push(waiter);
      }
      return session;
    },
    waitFor(predicate, timeoutMs = 20_000) {
      const found = sessions.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('waitFor: no matching session')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (session) => {
            clearTimeout(timer);
            resolve(session);
          },
        });
      });
    },
  };
}
