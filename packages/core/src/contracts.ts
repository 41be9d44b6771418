// The contracts between the recorder, the protocol proxies, the sinks and the
// metadata emitters. Types only: every package codes against these.

import type { DecodedFrame } from '@tapline/frames';

/** Which way bytes travelled through the proxy. */
export type Direction = 'client_to_target' | 'target_to_client';

/** The kinds of stream a session can carry (mirrors tapline.v1.StreamKind). */
export type StreamKindName =
  | 'ssh_shell'
  | 'ssh_exec'
  | 'ssh_sftp'
  | 'ssh_forward'
  | 'ssh_subsystem'
  | 'kube_exec'
  | 'kube_attach'
  | 'kube_port_forward'
  | 'kube_api'
  | 'db_connection';

/** Why a session ended (mirrors tapline.v1.EndReason). */
export type EndReasonName =
  | 'client_closed'
  | 'target_closed'
  | 'grant_expired'
  | 'revoked'
  | 'error'
  | 'shutdown'
  | 'quota_exceeded'
  | 'recording_failed';

export interface Person {
  id: string;
  name?: string;
  email?: string;
}

export interface Approver extends Person {
  /** When the approval was given (Unix ms or Date). */
  approvedAt?: number | Date;
}

/**
 * The grant behind a session: who, approved by whom, through which access
 * flow, to which resource, until when. Validated by `recorder.start()`.
 */
export interface SessionContext {
  /** A UUID; generated when absent. */
  sessionId?: string;
  /** "ssh", "kubernetes", "postgres", "mysql", ... */
  protocol: string;
  user: Person;
  approvers?: Approver[];
  accessFlow?: { id: string; name?: string };
  accessRequestId: string;
  /** e.g. "approved", "auto_approved". @default "approved" */
  accessRequestStatus?: string;
  resource: { id: string; type: string; name?: string; integration?: string };
  permissions?: string[];
  /** "203.0.113.7:51234" */
  clientAddress?: string;
  /** The target as the connector reaches it, "db.internal:5432". */
  target?: string;
  /** Grant expiry (Unix ms or Date). The session ends with `grant_expired` then. */
  expiresAt?: number | Date;
  /** Connector labels recorded in SessionStart (connector id, version, region). */
  labels?: Record<string, string>;
}

/** What a sink is told about the recording when it opens it. */
export interface RecordingInfo {
  sessionId: string;
  /** Wall-clock start, Unix ms. */
  startedAt: number;
  context: Readonly<SessionContext>;
}

/** What a sink is told about each segment it receives. */
export interface SegmentInfo {
  sessionId: string;
  segmentIndex: number;
  firstSeq: number;
  frameCount: number;
  /** True for the segment that carries the end marker. */
  final: boolean;
  /** SHA-256 of this segment, hex: the chain hash so far. */
  hash: string;
}

/**
 * Durable progress a sink reports: how many segments (from index 0) it has
 * stored durably, and any state it needs to resume (an upload id, a byte
 * offset). The spool persists it and hands it back to `open()` after a crash
 * or an outage, so every segment is delivered exactly once.
 */
export interface SinkCheckpoint {
  segments: number;
  state?: unknown;
}

/** How a recording ended, as told to `SinkRecording.close()`. */
export interface RecordingSummary {
  complete: boolean;
  /** Hex SHA-256 of the last segment. */
  chainHash: string;
  segments: number;
  bytes: number;
  /** Why the recording is incomplete, when it is (a coded reason). */
  incompleteReason?: string;
  /** Present when the recorder signs recordings. */
  signature?: RecordingSignature;
}

/**
 * What a signature says about a recording, independent of where it is
 * stored: which session, which recording of it (the first segment's hash),
 * how far it reaches (segment count and the hash of its last segment), and
 * in what state: `complete` (ends with the end marker), `incomplete` (sealed
 * without it: a crash or a failed recording) or `head` (a prefix published
 * while the session was live; more may follow).
 */
export interface RecordingClaim {
  sessionId: string;
  /** Hex SHA-256 of segment 0. */
  firstHash: string;
  segments: number;
  /** Hex SHA-256 of segment `segments - 1`. */
  chainHash: string;
  state: 'complete' | 'incomplete' | 'head';
}

/**
 * An Ed25519 signature. `format: 'tapline-recording-v2'` signs a
 * {@link RecordingClaim} (docs/format.md, "Signatures"); without `format` it
 * is a legacy v1 signature over `tapline-recording-v1:<sessionId>:<chainHash>`.
 */
export interface RecordingSignature {
  algorithm: 'ed25519';
  keyId: string;
  /** Absent on legacy (v1) signatures. */
  format?: 'tapline-recording-v2';
  /** The claim as signed, for people and diagnostics; verifiers recompute it from the recording. */
  signed?: RecordingClaim;
  /** Base64 signature. */
  value: string;
}

/** Where a sink put a recording once it is durable. */
export interface DeliveryReceipt {
  /** e.g. "file:///var/tapline/recordings/…", "s3://bucket/key". */
  location: string;
  bytes: number;
}

/**
 * A destination for recordings. `open()` is called once per recording (again,
 * with `resume`, after a crash or failure); the spool feeds it segments in
 * order, one at a time.
 */
export interface Sink {
  /** Stable name, used in metadata and checkpoints ("file", "s3"). */
  readonly name: string;
  open(recording: RecordingInfo, resume?: SinkCheckpoint): Promise<SinkRecording>;
  /** Where the recording will be once delivered (for session.ended metadata). */
  locate?(recording: RecordingInfo): string;
  /**
   * Takes a whole recording as the spool's own file, instead of segment by
   * segment through `open()`: a sink on the spool's disk links it (no byte
   * written twice) or copies it inside the kernel. Called once the recording
   * has ended, when no earlier attempt left a checkpoint and every segment is
   * on disk; the file is never written again, and the spool only deletes its
   * own name for it. Resolves only when the recording is durable where the
   * sink keeps it. Rejecting with TAPLINE_ERR_SINK_ADOPT_UNSUPPORTED makes the
   * delivery use `open()` instead; any other rejection is a failed attempt,
   * retried like one.
   */
  adopt?(recording: RecordingInfo, file: SpooledFile, summary: RecordingSummary): Promise<DeliveryReceipt>;
}

/** A finished recording's segments as the spool keeps them: one file, segment after segment. */
export interface SpooledFile {
  /** Absolute path; read or link it, never write it. */
  path: string;
  /** The file's size: every segment, nothing after. */
  bytes: number;
  segments: number;
}

export interface SinkRecording {
  /**
   * Accepts the next segment. Resolves when the sink can take another (this
   * is the backpressure); returns a checkpoint when durable progress was made.
   * Rejects on failure; the spool keeps the segment and retries later.
   */
  write(segment: Uint8Array, info: SegmentInfo): Promise<SinkCheckpoint | undefined>;
  /** Resolves only when every segment written is durable. */
  close(summary: RecordingSummary): Promise<DeliveryReceipt>;
  /** Gives up on this attempt; must not delete data already durable. */
  abort(reason: Error): Promise<void>;
}

export type MetadataEventType =
  | 'session.started'
  | 'session.ended'
  | 'recording.delivered'
  | 'recording.failed'
  /** A signed chain head published while the session is live (`recorder.chainHeads`). */
  | 'recording.chain_head'
  /** A command, query, API call or file operation; only to emitters with `includeContent` (docs/format.md). */
  | 'session.action'
  /** An alert rule matched an action (`createRecorder({ alerts })`); to every emitter. */
  | 'alert'
  /** The policy denied an action, allowed one naming a rule, or failed (`PolicyCode`); to every emitter, its content only with `includeContent`. */
  | 'policy.decision';

/** One metadata event. Never carries raw session content unless configured. */
export interface MetadataEvent {
  /** Schema version of the event payload. */
  version: 1;
  /** A UUID, stable across retries: receivers dedupe on it. */
  id: string;
  type: MetadataEventType;
  /** ISO-8601 time the event happened. */
  time: string;
  sessionId: string;
  /** Ordered per session, starting at 0. */
  sequence: number;
  data: Record<string, unknown>;
}

export interface MetadataEmitter {
  readonly name: string;
  /**
   * True when the integrator opted this emitter into session content: it then
   * gets `session.action` events and `data.content` (command lines, queries,
   * API paths...), redacted by the recorder's hooks; the emitter caps its size.
   * Any other emitter gets neither. @default false
   */
  readonly includeContent?: boolean;
  /** Resolves once the event is durably accepted (written or queued on disk). */
  emit(event: MetadataEvent): Promise<void>;
  /** Flushes and releases resources. */
  close(): Promise<void>;
  /** Optional: events accepted but not yet delivered (reported as `tapline.metadata.pending`). */
  stats?(): { pending: number };
}

/** Options of `RecordedSession.openStream()`. */
export interface StreamOpenOptions {
  details?: Record<string, string>;
  /** Terminal size for terminal streams. */
  cols?: number;
  rows?: number;
  /** Record the stream's bytes (true) or only count them (false). @default true */
  contentRecorded?: boolean;
}

export interface StreamCloseOptions {
  exitStatus?: number;
  /** Signal name without "SIG". */
  exitSignal?: string;
  detail?: string;
}

export interface CommandEvent {
  streamId: number;
  text: string;
  /** "exec", "terminal", "fullscreen". */
  source: string;
  startedOffsetNs?: number;
  endedOffsetNs?: number;
  program?: string;
  /** For "terminal": how the line was entered ("typed", "pasted", "recalled", "completed"). */
  inputSource?: string;
  /** For "terminal": every program the command runs, in order. */
  programs?: string[];
  /** The exit status the shell reported, when it did. */
  exitCode?: number;
}

/** What a recovery analyzer is given: the frames recovered from an incomplete recording. */
export interface RecoveredRecording {
  sessionId: string;
  /** Every frame of the recording's whole segments, in order (decoded, decrypted). */
  frames: readonly DecodedFrame[];
}

/**
 * Derives, after a crash, the semantic events the live analyzers had not
 * written yet (e.g. the command that was running), from the recovered raw
 * frames. Protocol packages supply them (`recoverTerminalCommands()` in
 * @tapline/ssh); the recorder appends what they return, before the crash note.
 */
export type RecoveryAnalyzer = (recording: RecoveredRecording) => Promise<CommandEvent[]> | CommandEvent[];

/** One bound parameter of a statement, as the client sent it. */
export interface QueryParameterEvent {
  value?: string;
  isNull?: boolean;
  /** Wire type name or OID, as the protocol states it. */
  type?: string;
  /** The wire format the client used: `'text'` or `'binary'`. */
  format?: 'text' | 'binary';
  /** Size in bytes on the wire, set when `value` is elided (bytea, long data) or cut short. */
  length?: number;
  /** A redaction hook replaced the value. */
  redacted?: boolean;
}

/** A database statement and its outcome (the `Query` frame; docs/format.md). */
export interface QueryEvent {
  streamId: number;
  text: string;
  parameters?: QueryParameterEvent[];
  /** `'SELECT 3'`, `'INSERT 0 1'`, ... */
  commandTag?: string;
  rows?: number;
  errorCode?: string;
  errorMessage?: string;
  /** `'ERROR'`, `'FATAL'`, ... as the server stated it. */
  errorSeverity?: string;
  durationNs?: number;
  database?: string;
  /** When the statement reached the proxy (ns since session start). */
  startedOffsetNs?: number;
  /** `'simple'`/`'extended'` (PostgreSQL), `'text'`/`'prepared'` (MySQL). */
  mode?: string;
  /** What the client asked for; `'query'` when omitted (docs/format.md lists the values). */
  kind?: string;
  /** The prepared statement's name or id. */
  statement?: string;
  /** The portal's name (PostgreSQL). */
  portal?: string;
  /** The transaction state after the statement. */
  transactionStatus?: 'idle' | 'transaction' | 'failed';
  /** Bytes moved by COPY or LOAD DATA. */
  copyBytes?: number;
  /** Warnings or notices the server reported. */
  warnings?: number;
  /** The first keyword, upper-cased (`'SELECT'`, `'DROP'`); derived from `text` when omitted. */
  statementType?: string;
  /** MySQL: the auto-increment id an INSERT generated. */
  lastInsertId?: number;
  /** kind `'notification'`: the channel; `text` holds the payload. */
  channel?: string;
}

export interface ApiCallEvent {
  streamId: number;
  verb: string;
  method: string;
  path: string;
  apiGroup?: string;
  apiVersion?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  statusCode: number;
  durationNs?: number;
  requestBody?: Uint8Array;
  requestBodyTruncated?: boolean;
  requestBytes?: number;
  responseBytes?: number;
  userAgent?: string;
}

export type FileOperationKindName =
  | 'open'
  | 'close'
  | 'read'
  | 'write'
  | 'remove'
  | 'rename'
  | 'mkdir'
  | 'rmdir'
  | 'setstat'
  | 'symlink'
  | 'opendir'
  | 'stat'
  | 'readlink'
  | 'realpath'
  | 'upload'
  | 'download';

export interface FileOperationEvent {
  streamId: number;
  kind: FileOperationKindName;
  path: string;
  targetPath?: string;
  flags?: string[];
  bytesRead?: number;
  bytesWritten?: number;
  /** "ok", "no_such_file", "permission_denied", "failure", ... */
  status?: string;
  statusMessage?: string;
  attributes?: Record<string, string>;
}

export type AnnotationKindName = 'gap' | 'error' | 'redacted' | 'refused' | 'note' | 'auth';

export interface AnnotationEvent {
  kind: AnnotationKindName;
  streamId?: number;
  code?: string;
  message?: string;
  bytesNotRecorded?: number;
  details?: Record<string, string>;
}

/** Totals reported when a session ends. */
export interface SessionSummary {
  sessionId: string;
  reason: EndReasonName;
  frames: number;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  commands: number;
  queries: number;
  apiCalls: number;
  fileOperations: number;
  streams: number;
  bytesNotRecorded: number;
  durationNs: number;
}

/**
 * What a protocol proxy holds for one live session. Every method is
 * synchronous and never blocks the proxied traffic: frames are queued to the
 * recorder's bounded pipeline (best-effort mode spills to the spool).
 */
export interface RecordedSession {
  readonly sessionId: string;
  readonly context: Readonly<SessionContext>;
  /**
   * Aborted when the session must end from the recorder's side: grant expiry,
   * revoke, quota policy, or a recording failure in strict mode. The reason is
   * a TaplineError whose `endReason` says which. Proxies listen to it, tell the
   * user, disconnect, then call `end()`.
   */
  readonly signal: AbortSignal;
  /** Nanoseconds since the session started, from the session's clock. */
  now(): number;
  openStream(kind: StreamKindName, options?: StreamOpenOptions): number;
  closeStream(streamId: number, options?: StreamCloseOptions): void;
  data(streamId: number, direction: Direction, bytes: Uint8Array, channel?: number): void;
  resize(streamId: number, cols: number, rows: number): void;
  command(event: CommandEvent): void;
  query(event: QueryEvent): void;
  apiCall(event: ApiCallEvent): void;
  fileOperation(event: FileOperationEvent): void;
  annotation(event: AnnotationEvent): void;
  /** Ends the session (idempotent); resolves when the recording is spooled. */
  end(reason: EndReasonName, detail?: string): Promise<SessionSummary>;
}
