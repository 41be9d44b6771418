// A small in-memory RecordedSession for tests, until @tapline/core's recorder
// lands: it keeps every call as an event and can be revoked.
import { randomUUID } from 'node:crypto';
import type {
  AnnotationEvent,
  ApiCallEvent,
  CommandEvent,
  Direction,
  EndReasonName,
  RecordedSession,
  SessionContext,
  SessionSummary,
  StreamCloseOptions,
  StreamKindName,
  StreamOpenOptions,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';

export type MemoryEvent =
  | { type: 'open'; streamId: number; kind: StreamKindName; options: StreamOpenOptions | undefined }
  | { type: 'close'; streamId: number; options: StreamCloseOptions | undefined }
  | { type: 'data'; streamId: number; direction: Direction; bytes: Buffer; channel: number | undefined }
  | { type: 'resize'; streamId: number; cols: number; rows: number }
  | { type: 'command'; event: CommandEvent }
  | { type: 'api'; event: ApiCallEvent }
  | { type: 'annotation'; event: AnnotationEvent }
  | { type: 'end'; reason: EndReasonName; detail: string | undefined };

export class MemorySession implements RecordedSession {
  readonly sessionId: string;
  readonly context: Readonly<SessionContext>;
  readonly events: MemoryEvent[] = [];
  private readonly controller = new AbortController();
  private readonly started = process.hrtime.bigint();
  private nextStream = 1;
  ended: EndReasonName | undefined;

  constructor(context: SessionContext) {
    this.sessionId = context.sessionId ?? randomUUID();
    this.context = { ...context, sessionId: this.sessionId };
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }
  revoke(reason: 'revoked' | 'grant_expired' = 'revoked'): void {
    const error = Object.assign(new TaplineError('TAPLINE_ERR_SESSION_REVOKED', `session ${reason}`), {
      endReason: reason,
    });
    this.controller.abort(error);
  }
  private check(): void {
    if (this.ended) throw new Error(`recorded after end: session ${this.sessionId}`);
  }
  now(): number {
    return Number(process.hrtime.bigint() - this.started);
  }
  openStream(kind: StreamKindName, options?: StreamOpenOptions): number {
    this.check();
    const streamId = this.nextStream++;
    this.events.push({ type: 'open', streamId, kind, options });
    return streamId;
  }
  closeStream(streamId: number, options?: StreamCloseOptions): void {
    this.check();
    this.events.push({ type: 'close', streamId, options });
  }
  data(streamId: number, direction: Direction, bytes: Uint8Array, channel?: number): void {
    this.check();
    this.events.push({ type: 'data', streamId, direction, bytes: Buffer.from(bytes), channel });
  }
  resize(streamId: number, cols: number, rows: number): void {
    this.check();
    this.events.push({ type: 'resize', streamId, cols, rows });
  }
  command(event: CommandEvent): void {
    this.check();
    this.events.push({ type: 'command', event });
  }
  query(): void {}
  apiCall(event: ApiCallEvent): void {
    this.check();
    this.events.push({
      type: 'api',
      event: { ...event, requestBody: event.requestBody ? Buffer.from(event.requestBody) : undefined },
    });
  }
  fileOperation(): void {}
  annotation(event: AnnotationEvent): void {
    this.check();
    this.events.push({ type: 'annotation', event });
  }
  async end(reason: EndReasonName, detail?: string): Promise<SessionSummary> {
    if (!this.ended) {
      this.ended = reason;
      this.events.push({ type: 'end', reason, detail });
    }
    return {
      sessionId: this.sessionId,
      reason,
      frames: this.events.length,
      bytesClientToTarget: 0,
      bytesTargetToClient: 0,
      commands: 0,
      queries: 0,
      apiCalls: this.apiCalls().length,
      fileOperations: 0,
      streams: 0,
      bytesNotRecorded: 0,
      durationNs: this.now(),
    };
  }
  apiCalls(): ApiCallEvent[] {
    return this.events.flatMap((event) => (event.type === 'api' ? [event.event] : []));
  }
}

export class MemoryRecorder {
  readonly sessions: MemorySession[] = [];
  async start(context: SessionContext): Promise<MemorySession> {
    const session = new MemorySession(context);
    this.sessions.push(session);
    return session;
  }
}
