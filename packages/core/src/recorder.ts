import { randomUUID } from 'node:crypto';
import {
  type CodecName,
  createRecordingWriter,
  type DecodedFrame,
  defaultCodec,
  type KeyWrapper,
  readFrames,
  TaplineError,
  tapline,
} from '@tapline/frames';
import { actionEventData } from './action-metadata.js';
import { type ValidContext, validateContext } from './context.js';
import type {
  AnnotationEvent,
  CommandEvent,
  EndReasonName,
  MetadataEmitter,
  MetadataEventType,
  RecordedSession,
  RecoveryAnalyzer,
  SessionContext,
  Sink,
} from './contracts.js';
import { Delivery, type DeliveryFailure, type RetryOptions } from './delivery.js';
import { renamedOption } from './deprecation.js';
import { channels } from './diagnostics.js';
import { coreError, errorCode, errorMessage, SessionTermination } from './errors.js';
import { type FollowListener, MAX_FOLLOW_REPLAY_BYTES } from './follow.js';
import { isNoSpace } from './fs-util.js';
import {
  ActionHub,
  type LiveAction,
  type LiveActionListener,
  type LiveStats,
  type LiveSubscribeOptions,
  type PublishedAction,
} from './live.js';
import { logTo, type TaplineLogger } from './logger.js';
import { observeRecorder } from './metrics.js';
import { PolicyCode } from './policy.js';
import { type AlertRule, type AlertRuleSet, compileAlertRules } from './rules.js';
import { endedEventData, type RedactionHooks, recordingClaim, Session, type SessionHost } from './session.js';
import { createSigner, type SigningOptions } from './signing.js';
import { type QuarantineEntry, Spool, type SpoolOptions, type SpoolRecording } from './spool.js';

export interface RecorderOptions {
  /** Where recordings go. Each sink gets every segment, at its own pace, from the spool. */
  sinks: Sink[];
  /** Where metadata events go (session.started/ended, recording.delivered/failed). */
  metadata?: MetadataEmitter | MetadataEmitter[];
  /** The local write-ahead spool. */
  spool: SpoolOptions;
  segment?: {
    /** @default 'zstd' (gzip where no zstd prebuild loads) */
    codec?: CodecName;
    /** @default 1 */
    level?: number;
    /** zstd level while a session outruns compression (best-effort mode). @default -1 */
    pressureLevel?: number;
    /** Raw bytes per segment. @default 1048576 */
    segmentBytes?: number;
    /** A segment is cut at least this often while frames arrive, bounding what a crash can lose. @default 2000 */
    maxSegmentAgeMs?: number;
  };
  /** Envelope encryption of every segment under a per-session data key. */
  encryption?: { keyWrapper: KeyWrapper };
  /**
   * Ed25519 signature over every sealed recording (complete, or incomplete
   * after a failure or a crash) and over the chain heads published while it
   * is recorded. See docs/format.md, "Signatures".
   */
  signing?: SigningOptions;
  /**
   * Publish the chain head of each live recording as a `recording.chain_head`
   * metadata event (signed when `signing` is set) every `intervalMs` when new
   * segments were spooled, and at once every `everySegments` segments.
   * `tapline verify --against` checks a stored recording against them.
   * `false` turns them off. @default on with `signing` ({ intervalMs: 30000, everySegments: 64 }), off without
   */
  chainHeads?: false | { intervalMs?: number; everySegments?: number };
  /**
   * `best_effort`: the live session is never slowed or stopped by recording
   * trouble; content that cannot be buffered is counted as a gap.
   * `strict`: a session starts only with a writable spool and working sinks,
   * and is ended (reason `recording_failed`) when recording fails or a sink
   * falls too far behind. @default 'best_effort'
   */
  mode?: 'best_effort' | 'strict';
  strict?: {
    /** Segments a sink may lag behind the spool before a strict session ends. @default 64 */
    maxLagSegments?: number;
  };
  /** Bytes of stream content buffered in memory per session before the writer. @default 16777216 */
  bufferBytes?: number;
  redact?: RedactionHooks;
  /** Retries of failed deliveries: `{ initialDelayMs, maxDelayMs, maxAttempts }` (docs/conventions.md). */
  retry?: RetryOptions;
  /** @deprecated Use `retry`. */
  delivery?: RetryOptions;
  /** How long a proxy has to end a session after `signal` aborts, before the recorder does. @default 10000 */
  terminationGraceMs?: number;
  /** Labels recorded in every SessionStart (connector id, version, region). */
  labels?: Record<string, string>;
  /**
   * Run over the frames of a recording a crash cut off, before it is sealed:
   * the commands they return are appended (redacted like live ones), so a
   * command whose input reached the spool is not lost with the process.
   * A throwing analyzer is skipped. @default []
   */
  recoveryAnalyzers?: RecoveryAnalyzer[];
  /**
   * Alert rules evaluated on every action as it happens (after redaction):
   * each rule an action matches raises one `alert` — on the live stream
   * (`recorder.on('action')`, type `alert`) and as an `alert` metadata event
   * to every emitter (content only to those with `includeContent`).
   * Invalid rules throw TAPLINE_ERR_INVALID_RULE here.
   */
  alerts?: { rules: AlertRule[] };
  /**
   * A pino-compatible logger: every metadata event (session started/ended,
   * recording delivered/failed, chain heads) at info, failures and quarantines
   * at warn. Fields carry ids, counts and codes, never session content.
   */
  logger?: TaplineLogger;
  /**
   * Bytes of recent output kept per terminal stream (a shell or an exec with
   * a pty, a kube exec with a tty), so that a follower arriving late
   * (`follow()`, `tapline watch`) starts from the current screen. Costs up to
   * this much memory per open terminal stream. At most 1 MiB. @default 0
   */
  followReplayBytes?: number;
}

export interface RecoveryReport {
  /** Recordings found in the spool and resumed. */
  recovered: Array<{ sessionId: string; segments: number; complete: boolean; reason?: string }>;
  quarantined: QuarantineEntry[];
}

/** A snapshot of what the recorder holds, for health checks and metrics. */
export interface RecorderStats {
  activeSessions: number;
  spool: {
    /** Bytes of segments in the spool (not yet delivered everywhere and deleted). */
    bytes: number;
    /** Segments appended since the recorder started. */
    segmentsSpooled: number;
    /** The spool's disk is full (sessions record gaps, starts are refused). */
    full: boolean;
  };
  /** Per sink: deliveries running, deliveries that gave up, and segments still to deliver. */
  sinks: Record<string, { running: number; failed: number; lagSegments: number }>;
  /** Content bytes seen (both directions, recorded or counted) per protocol since the recorder started. */
  bytesByProtocol: Record<string, number>;
  /** Metadata events an emitter refused or failed, since the recorder started. */
  metadataFailures: number;
  /** Per emitter that reports it (`stats()`): events accepted, not yet delivered. */
  metadataPending: Record<string, number>;
  /** The live action stream: subscribers, actions published, delivered and dropped (full queues). */
  live: LiveStats;
}

export interface Recorder {
  /** Validates the grant, spools the start of the recording, and returns the live session. */
  start(context: SessionContext): Promise<RecordedSession>;
  /** Ends every live session of this access request with reason `revoked`; returns how many. */
  revoke(accessRequestId: string, detail?: string): number;
  /** Live sessions by id. */
  readonly sessions: ReadonlyMap<string, RecordedSession>;
  /** Finds recordings left in the spool (after a crash or restart) and delivers them. */
  recover(): Promise<RecoveryReport>;
  /** Restarts deliveries that gave up. */
  retryFailed(): void;
  /** Resolves when no delivery is running (all delivered or given up). */
  idle(): Promise<void>;
  /** Ends live sessions (`shutdown`), waits up to `timeoutMs` for deliveries, and releases everything. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  /** What the recorder holds right now (cheap: no I/O). Also exported as OpenTelemetry metrics. */
  stats(): RecorderStats;
  /**
   * Subscribes to the live action stream: every session's commands, queries,
   * API calls, file operations, annotations, stream open/close, session
   * start/end and alerts, after redaction, as they happen. The listener runs
   * on a later turn of the event loop, never in the relay's path; each
   * listener has a bounded queue (`maxQueue`, default 1024) and what does not
   * fit is dropped and counted (`action.dropped`, `stats().live.dropped`). A
   * listener that returns a promise gets the next action once it settles; one
   * that throws is counted (`stats().live.listenerErrors`) and kept.
   */
  on(event: 'action', listener: LiveActionListener, options?: LiveSubscribeOptions): this;
  /** Removes a listener added with `on('action', …)`. */
  off(event: 'action', listener: LiveActionListener): this;
  /**
   * The same stream as an async iterator (bounded like a listener: a reader
   * that falls behind loses actions, counted in `dropped`). `break`, `return()`
   * or `signal` ends it; `close()` ends every one.
   */
  actions(options?: LiveSubscribeOptions & { signal?: AbortSignal }): AsyncIterableIterator<LiveAction>;
  /**
   * Follows one live session's terminal output (what `tapline watch` shows):
   * the listener gets the open terminal streams at once (with their last
   * `followReplayBytes` of output), then every output chunk, resize and
   * close synchronously as recorded (it must not block, and must copy a
   * chunk it keeps), then `ended`. Returns the function that stops
   * following, or undefined when no such session is live.
   */
  follow(sessionId: string, listener: FollowListener): (() => void) | undefined;
}

/** Fields of a policy decision that carry session content (metadata only with `includeContent`). */
const POLICY_CONTENT_FIELDS: ReadonlySet<string> = new Set([
  'summary',
  'command',
  'path',
  'targetPath',
  'name',
]);

function followReplayBytesOf(value: number | undefined): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_FOLLOW_REPLAY_BYTES) {
    throw new TaplineError(
      'TAPLINE_ERR_INVALID_OPTION',
      `followReplayBytes must be an integer from 0 to ${MAX_FOLLOW_REPLAY_BYTES}`,
      { component: 'recorder' },
    );
  }
  return value;
}

/** Creates a recorder. See {@link RecorderOptions}. */
export function createRecorder(options: RecorderOptions): Recorder {
  const recorder = new RecorderImpl(options);
  observeRecorder(recorder);
  return recorder;
}

class RecorderImpl implements Recorder {
  readonly #options: RecorderOptions;
  readonly #spool: Spool;
  readonly #sinks: Sink[];
  readonly #emitters: MetadataEmitter[];
  readonly #sessions = new Map<string, Session>();
  readonly #deliveries = new Map<string, Delivery[]>();
  readonly #host: SessionHost;
  readonly #maxLag: number;
  #closed = false;
  #recovering: Promise<RecoveryReport> | undefined;
  readonly #settling = new Set<Promise<void>>();
  /** Sessions between validation and registration: their spool files are new, not leftovers. */
  readonly #starting = new Set<string>();
  /** A recovery left recordings in the spool for lack of space: retried when a delivery frees some. */
  #deferredRecovery = false;
  /** Content bytes of ended sessions per protocol (live ones are read from their counts). */
  readonly #endedBytes = new Map<string, number>();
  #metadataFailures = 0;
  #alertsRaised = 0;
  readonly #retry: RetryOptions | undefined;
  readonly #live: ActionHub;
  readonly #alerts: AlertRuleSet | undefined;
  readonly #contentMetadata: boolean;

  constructor(options: RecorderOptions) {
    this.#retry = renamedOption(options.retry, options.delivery, 'createRecorder({ delivery })', 'retry');
    if (!Array.isArray(options.sinks) || options.sinks.length === 0) {
      throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', 'a recorder needs at least one sink', {
        component: 'recorder',
      });
    }
    const names = options.sinks.map((sink) => sink.name);
    if (new Set(names).size !== names.length) {
      throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', `sink names must be unique: ${names.join(', ')}`, {
        component: 'recorder',
      });
    }
    this.#options = options;
    this.#spool = new Spool(options.spool);
    this.#sinks = options.sinks;
    this.#emitters = options.metadata === undefined ? [] : [options.metadata].flat();
    this.#maxLag = options.strict?.maxLagSegments ?? 64;
    this.#alerts = options.alerts === undefined ? undefined : compileAlertRules(options.alerts.rules);
    this.#contentMetadata = this.#emitters.some((emitter) => emitter.includeContent === true);
    this.#live = new ActionHub((error) =>
      logTo(options.logger, 'warn', { code: errorCode(error) }, 'live.listener_failed'),
    );
    const segment = options.segment ?? {};
    this.#host = {
      mode: options.mode ?? 'best_effort',
      bufferBytes: options.bufferBytes ?? 16 * 1024 * 1024,
      maxSegmentAgeMs: segment.maxSegmentAgeMs ?? 2000,
      terminationGraceMs: options.terminationGraceMs ?? 10_000,
      writerOptions: {
        codec: segment.codec ?? defaultCodec(),
        level: segment.level ?? 1,
        ...(segment.pressureLevel !== undefined ? { pressureLevel: segment.pressureLevel } : {}),
        segmentBytes: segment.segmentBytes ?? 1024 * 1024,
        ...(options.encryption ? { keyWrapper: options.encryption.keyWrapper } : {}),
      },
      redact: options.redact,
      live: this.#live,
      ...(this.#contentMetadata || this.#alerts !== undefined
        ? {
            observeAction: (recording: SpoolRecording, action: PublishedAction) =>
              this.#observe(recording, action),
          }
        : {}),
      labels: options.labels ?? {},
      policyDecision: (recording, event, offsetNs) => this.#policyDecision(recording, event, offsetNs),
      followReplayBytes: followReplayBytesOf(options.followReplayBytes),
      sign: options.signing ? createSigner(options.signing) : undefined,
      chainHeads: chainHeadsOf(options),
      emit: (recording, type, data) => this.#emit(recording, type, data),
      storage: (recording) => this.#storage(recording),
      spoolFailed: (recording, error) =>
        this.#deliveryFailed(recording, {
          sink: 'spool',
          code: errorCode(error),
          message: errorMessage(error),
          attempt: 1,
          permanent: true,
          willRetry: false,
        }),
      sessionEnded: (session) => {
        this.#sessions.delete(session.sessionId);
        const { protocol } = session.context;
        const bytes = session.counts.bytesClientToTarget + session.counts.bytesTargetToClient;
        this.#endedBytes.set(protocol, (this.#endedBytes.get(protocol) ?? 0) + bytes);
      },
    };
  }

  get sessions(): ReadonlyMap<string, RecordedSession> {
    return this.#sessions;
  }

  follow(sessionId: string, listener: FollowListener): (() => void) | undefined {
    return this.#sessions.get(sessionId)?.follow(listener);
  }

  on(event: 'action', listener: LiveActionListener, options?: LiveSubscribeOptions): this {
    if (event !== 'action' || typeof listener !== 'function') {
      throw new TaplineError('TAPLINE_ERR_INVALID_OPTION', "on('action', listener) takes a function", {
        component: 'recorder',
      });
    }
    this.#live.subscribe(listener, options);
    return this;
  }

  off(event: 'action', listener: LiveActionListener): this {
    if (event === 'action') this.#live.unsubscribe(listener);
    return this;
  }

  actions(options?: LiveSubscribeOptions & { signal?: AbortSignal }): AsyncIterableIterator<LiveAction> {
    return this.#live.iterate(options);
  }

  stats(): RecorderStats {
    const bytesByProtocol: Record<string, number> = Object.fromEntries(this.#endedBytes);
    for (const session of this.#sessions.values()) {
      const { protocol } = session.context;
      bytesByProtocol[protocol] =
        (bytesByProtocol[protocol] ?? 0) +
        session.counts.bytesClientToTarget +
        session.counts.bytesTargetToClient;
    }
    const sinks: RecorderStats['sinks'] = {};
    for (const sink of this.#sinks) sinks[sink.name] = { running: 0, failed: 0, lagSegments: 0 };
    for (const deliveries of this.#deliveries.values()) {
      for (const delivery of deliveries) {
        const entry = sinks[delivery.sink.name];
        if (!entry) continue;
        if (delivery.state === 'running') entry.running++;
        if (delivery.state === 'failed') entry.failed++;
        if (delivery.state === 'running' || delivery.state === 'failed') entry.lagSegments += delivery.lag;
      }
    }
    return {
      activeSessions: this.#sessions.size,
      spool: {
        bytes: this.#spool.totalBytes,
        segmentsSpooled: this.#spool.segmentsSpooled,
        full: this.#spool.full,
      },
      sinks,
      bytesByProtocol,
      metadataFailures: this.#metadataFailures,
      metadataPending: Object.fromEntries(
        this.#emitters.flatMap((emitter) => (emitter.stats ? [[emitter.name, emitter.stats().pending]] : [])),
      ),
      live: { ...this.#live.stats(), alerts: this.#alertsRaised },
    };
  }

  async start(input: SessionContext): Promise<RecordedSession> {
    if (this.#closed) throw coreError('TAPLINE_ERR_RECORDER_CLOSED', 'the recorder is closed');
    const context = validateContext(input);
    // A recovery running meanwhile must not take this recording for a leftover.
    if (this.#starting.has(context.sessionId)) {
      throw coreError('TAPLINE_ERR_INVALID_CONTEXT', `session ${context.sessionId} already exists`);
    }
    this.#starting.add(context.sessionId);
    try {
      return await this.#start(context);
    } finally {
      this.#starting.delete(context.sessionId);
    }
  }

  async #start(context: ValidContext): Promise<RecordedSession> {
    if (this.#closed) throw coreError('TAPLINE_ERR_RECORDER_CLOSED', 'the recorder is closed');
    if (this.#sessions.has(context.sessionId) || this.#deliveries.has(context.sessionId)) {
      throw coreError('TAPLINE_ERR_INVALID_CONTEXT', `session ${context.sessionId} already exists`);
    }
    const strict = this.#host.mode === 'strict';
    if (strict) await this.#spool.checkWritable();
    const info = { sessionId: context.sessionId, startedAt: Date.now(), context };
    const recording = await this.#spool.create(
      info,
      this.#sinks.map((sink) => sink.name),
    );
    if (strict) {
      // Strict: every sink must accept the recording before the session may start.
      for (const sink of this.#sinks) {
        try {
          const probe = await sink.open(info);
          await probe.abort(new Error('strict-mode start check'));
        } catch (cause) {
          await recording.remove().catch(() => {});
          throw coreError(
            'TAPLINE_ERR_SINK_UNAVAILABLE',
            `sink ${sink.name} cannot record: ${errorMessage(cause)}`,
            cause,
          );
        }
      }
    }
    let session: Session | undefined;
    try {
      session = new Session(this.#host, context, recording);
      this.#sessions.set(session.sessionId, session);
      this.#emit(
        recording,
        'session.started',
        startedEventData(context, info.startedAt, this.#storage(recording), this.#options),
      );
      channels.sessionStart.publish({
        sessionId: session.sessionId,
        protocol: context.protocol,
        userId: context.user.id,
      });
      session.publishStarted();
      this.#startDeliveries(recording, session);
      return session;
    } catch (cause) {
      // Nothing half-started may stay behind: no live session, no spool entry, no open file.
      this.#sessions.delete(context.sessionId);
      session?.discard();
      await recording.remove().catch(() => {});
      throw coreError('TAPLINE_ERR_SPOOL_UNWRITABLE', `session ${context.sessionId} could not start`, cause);
    }
  }

  revoke(accessRequestId: string, detail = 'access revoked'): number {
    let count = 0;
    for (const session of this.#sessions.values()) {
      if (session.context.accessRequestId !== accessRequestId || session.ended) continue;
      session.terminate(new SessionTermination('TAPLINE_ERR_REVOKED', 'revoked', detail));
      count++;
    }
    return count;
  }

  /**
   * Never rejects: a recording that cannot be loaded, sealed or delivered is
   * quarantined and reported as `recording.failed`; one that could not be
   * handled for lack of space stays in the spool and is tried again once a
   * delivery frees space (or on the next `recover()`).
   */
  async recover(): Promise<RecoveryReport> {
    this.#recovering ??= this.#recover().finally(() => {
      this.#recovering = undefined;
    });
    return this.#recovering;
  }

  async #recover(): Promise<RecoveryReport> {
    const inUse = (sessionId: string) =>
      this.#starting.has(sessionId) || this.#sessions.has(sessionId) || this.#deliveries.has(sessionId);
    const { recordings, quarantined } = await this.#spool.loadAll(inUse).catch((cause: unknown) => ({
      recordings: [] as SpoolRecording[],
      quarantined: [
        { sessionId: '', code: errorCode(cause), message: errorMessage(cause), path: '' } as QuarantineEntry,
      ],
    }));
    const report: RecoveryReport = { recovered: [], quarantined };
    this.#deferredRecovery = false;
    for (const recording of recordings) {
      if (this.#closed) {
        await recording.close();
        continue;
      }
      try {
        const end = recording.end;
        if (
          end &&
          (end.segments !== recording.segmentCount || end.chainHash !== recording.lastSegment?.hash)
        ) {
          // The end state describes segments the spool no longer holds (a torn
          // tail was cut): seal again from what is there, so the delivered
          // object, its manifest and the metadata agree.
          recording.dropEnd();
        }
        if (!recording.end) await this.#sealCrashed(recording);
      } catch (cause) {
        await recording.close();
        recording.forget();
        quarantined.push(
          isNoSpace(cause)
            ? {
                sessionId: recording.sessionId,
                code: 'TAPLINE_ERR_SPOOL_FULL',
                message: `no room to seal the recording: left in the spool (${errorMessage(cause)})`,
                path: '',
                deferred: true,
              }
            : await this.#spool.quarantineRecording(recording.sessionId, errorCode(cause), cause),
        );
        continue;
      }
      const end = recording.end!;
      report.recovered.push({
        sessionId: recording.sessionId,
        segments: recording.segmentCount,
        complete: end.complete,
        ...(end.incompleteReason ? { reason: end.incompleteReason } : {}),
      });
      channels.recovery.publish({
        sessionId: recording.sessionId,
        segments: recording.segmentCount,
        complete: end.complete,
      });
      this.#startDeliveries(recording, undefined);
    }
    for (const entry of quarantined) {
      if (entry.deferred) this.#deferredRecovery = true;
      channels.quarantine.publish(entry);
      logTo(this.#options.logger, 'warn', { ...entry }, 'spool.quarantined');
      this.#emitRaw(entry.sessionId, 'recording.failed', {
        sink: 'spool',
        code: entry.code,
        message: entry.message,
        permanent: !entry.deferred,
        willRetry: entry.deferred === true,
        ...(entry.path ? { quarantinedTo: entry.path } : {}),
      });
    }
    return report;
  }

  retryFailed(): void {
    for (const [sessionId, deliveries] of this.#deliveries) {
      const recording = deliveries[0]?.recording;
      if (!recording) continue;
      for (const [index, delivery] of deliveries.entries()) {
        if (delivery.state === 'failed')
          deliveries[index] = this.#deliver(recording, delivery.sink, undefined);
      }
      this.#watchDone(sessionId, recording);
    }
  }

  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.#deliveries.values()]
        .flat()
        .filter((delivery) => delivery.state === 'running');
      if (running.length === 0 && this.#settling.size === 0 && !this.#recovering) return;
      await Promise.all([...running.map((delivery) => delivery.done), ...this.#settling, this.#recovering]);
    }
  }

  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(
      [...this.#sessions.values()].map((session) => session.end('shutdown', 'recorder closed')),
    );
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, options.timeoutMs ?? 30_000).unref());
    await Promise.race([this.idle(), timeout]);
    const deliveries = [...this.#deliveries.values()].flat();
    for (const delivery of deliveries) delivery.stop();
    await Promise.all(deliveries.map((delivery) => delivery.done));
    await Promise.all([...this.#settling, this.#recovering]);
    for (const delivery of deliveries) await delivery.recording.close();
    await Promise.all(this.#emitters.map((emitter) => emitter.close().catch(() => {})));
    this.#live.close();
  }

  // ---- deliveries ---------------------------------------------------------

  #startDeliveries(recording: SpoolRecording, session: Session | undefined): void {
    const sinks = this.#sinks.filter((sink) => recording.sinks.includes(sink.name));
    this.#deliveries.set(
      recording.sessionId,
      sinks.map((sink) => this.#deliver(recording, sink, session)),
    );
    this.#watchDone(recording.sessionId, recording);
  }

  #deliver(recording: SpoolRecording, sink: Sink, session: Session | undefined): Delivery {
    return new Delivery(
      recording,
      sink,
      {
        failed: (failure) => {
          this.#deliveryFailed(recording, failure);
          if (session && this.#host.mode === 'strict' && !session.ended) {
            session.terminate(
              new SessionTermination(
                'TAPLINE_ERR_RECORDING_FAILED',
                'recording_failed',
                `sink ${failure.sink} failed: ${failure.code}: ${failure.message}`,
              ),
            );
          }
        },
        delivered: (sinkName, receipt) =>
          this.#emit(recording, 'recording.delivered', {
            sink: sinkName,
            location: receipt.location,
            bytes: receipt.bytes,
            complete: recording.end?.complete ?? false,
            chainHash: recording.end?.chainHash,
          }),
        progress: () => {
          if (!session || this.#host.mode !== 'strict' || session.ended) return;
          const lagging = this.#deliveries
            .get(recording.sessionId)
            ?.find((delivery) => delivery.lag > this.#maxLag);
          if (lagging) {
            session.terminate(
              new SessionTermination(
                'TAPLINE_ERR_SINK_LAGGING',
                'recording_failed',
                `sink ${lagging.sink.name} is ${lagging.lag} segments behind (limit ${this.#maxLag})`,
              ),
            );
          }
        },
      },
      this.#retry,
    );
  }

  /** Removes a recording from the spool once every sink has it. */
  #watchDone(sessionId: string, recording: SpoolRecording): void {
    const deliveries = this.#deliveries.get(sessionId) ?? [];
    const settled = Promise.all(deliveries.map((delivery) => delivery.done)).then(async () => {
      if (this.#deliveries.get(sessionId) !== deliveries) return;
      if (deliveries.every((delivery) => delivery.state === 'delivered')) {
        this.#deliveries.delete(sessionId);
        await recording.remove().catch(() => {});
        if (this.#deferredRecovery && !this.#closed && !this.#spool.full) void this.recover();
      } else if (recording.segmentCount === 0 && recording.end) {
        // Nothing was spooled (reported when it happened): nothing to keep for a retry.
        this.#deliveries.delete(sessionId);
        await recording.remove().catch(() => {});
      }
    });
    // idle() and close() wait for the spool clean-up too, so no handle outlives them.
    this.#settling.add(settled);
    void settled.finally(() => this.#settling.delete(settled));
  }

  #deliveryFailed(recording: SpoolRecording, failure: DeliveryFailure): void {
    this.#emit(recording, 'recording.failed', { ...failure });
  }

  // ---- crash recovery -----------------------------------------------------

  /**
   * A recording without an end state was cut off by a crash. If its last
   * segment carries the end marker, only the bookkeeping was lost; otherwise a
   * last segment with an annotation saying so is appended (without the end
   * marker, so it verifies as incomplete and says why).
   */
  async #sealCrashed(recording: SpoolRecording): Promise<void> {
    const analyzers = this.#options.recoveryAnalyzers ?? [];
    const counts = await this.#countFrames(recording, analyzers.length > 0);
    const last = recording.lastSegment;
    const reason = 'TAPLINE_ERR_RECORDER_CRASHED';
    if (!last?.final) {
      const writer = createRecordingWriter({
        ...this.#host.writerOptions,
        sessionId: recording.sessionId,
        endMarker: false,
        ...(last
          ? {
              continueFrom: {
                segmentIndex: last.segmentIndex + 1,
                nextSeq: last.firstSeq + last.frameCount,
                previousHash: last.hash,
                lastOffsetNs: last.lastOffsetNs,
              },
            }
          : {}),
      });
      const appended: Promise<void>[] = [];
      writer.on('data', (segment: Buffer) => {
        const append = recording.append(segment, 'tail').then(() => {});
        append.catch(() => {}); // awaited below, after the writer ends
        appended.push(append);
      });
      const offsetNs = last?.lastOffsetNs ?? 0;
      let seq = last ? last.firstSeq + last.frameCount : 0;
      for (const command of await this.#recoveredCommands(recording, analyzers, counts.frameList)) {
        writer.write({ seq: seq++, offsetNs, command: this.#commandBody(command) });
      }
      writer.end({
        seq,
        offsetNs,
        annotation: {
          kind: tapline.v1.AnnotationKind.ANNOTATION_KIND_ERROR,
          code: reason,
          message: `the recorder stopped without ending this session (crash or kill); recovered ${counts.frames} frames from ${recording.segmentCount} whole segments at ${new Date().toISOString()}`,
        },
      });
      await new Promise<void>((resolve, reject) => {
        writer.on('end', resolve);
        writer.on('error', reject);
      });
      await Promise.all(appended);
    }
    const complete = recording.lastSegment?.final === true && counts.ended;
    const newLast = recording.lastSegment!;
    const end = {
      reason: (counts.endReason ?? 'error') as EndReasonName,
      ...(complete
        ? {}
        : { errorCode: reason, detail: 'recorder crashed; recording recovered from the spool' }),
      complete,
      ...(complete ? {} : { incompleteReason: reason }),
      chainHash: newLast.hash,
      segments: recording.segmentCount,
      bytes: recording.bytes,
      endedAt: recording.info.startedAt + Math.round(newLast.lastOffsetNs / 1e6),
    };
    // Signed at recovery, as incomplete unless the end marker made it: the
    // signature vouches for what the spool held, not for what the crash lost.
    const claim = recordingClaim(recording, newLast.final ? 'complete' : 'incomplete');
    const signed = claim && this.#host.sign ? { ...end, signature: this.#host.sign(claim) } : end;
    // recording.json may not be writable (a full disk): the end state in
    // memory drives the delivery; after another restart it is sealed again.
    await recording.seal(signed).catch(() => {});
    this.#emit(
      recording,
      'session.ended',
      endedEventData(validContextOf(recording), signed, this.#storage(recording)),
    );
  }

  /** What the recovery analyzers derive from the recovered frames; a failing one is skipped. */
  async #recoveredCommands(
    recording: SpoolRecording,
    analyzers: RecoveryAnalyzer[],
    frames: DecodedFrame[],
  ): Promise<CommandEvent[]> {
    const commands: CommandEvent[] = [];
    for (const analyzer of analyzers) {
      try {
        commands.push(...(await analyzer({ sessionId: recording.sessionId, frames })));
      } catch {
        // Recovery must seal the recording whatever an analyzer does.
      }
    }
    return commands;
  }

  /** A Command frame body, redacted as `Session.command()` does (without the live redaction note). */
  #commandBody(event: CommandEvent): tapline.v1.ICommand {
    return {
      streamId: event.streamId,
      text: this.#host.redact?.command?.(event.text) ?? event.text,
      source: event.source,
      startedOffsetNs: event.startedOffsetNs ?? 0,
      endedOffsetNs: event.endedOffsetNs ?? 0,
      program: event.program ?? '',
    };
  }

  async #countFrames(
    recording: SpoolRecording,
    keepFrames = false,
  ): Promise<{ frames: number; ended: boolean; endReason?: string; frameList: DecodedFrame[] }> {
    const frameList: DecodedFrame[] = [];
    let frames = 0;
    let ended = false;
    let endReason: string | undefined;
    try {
      const keyWrapper = this.#options.encryption?.keyWrapper;
      // Segment by segment: memory stays bounded by one segment, not the recording.
      for await (const frame of readFrames(recording.segments(), keyWrapper ? { keyWrapper } : {})) {
        frames++;
        if (keepFrames) frameList.push(frame);
        if (frame.sessionEnd) {
          ended = true;
          const name = tapline.v1.EndReason[frame.sessionEnd.reason ?? 0] as string | undefined;
          endReason = name?.replace('END_REASON_', '').toLowerCase();
        }
      }
    } catch {
      // Counting is best-effort; the chain was already checked when loading.
    }
    return { frames, ended, ...(endReason ? { endReason } : {}), frameList };
  }

  // ---- metadata -----------------------------------------------------------

  #storage(recording: SpoolRecording): Array<{ sink: string; location?: string }> {
    return this.#sinks
      .filter((sink) => recording.sinks.includes(sink.name))
      .map((sink) => {
        const location = sink.locate?.(recording.info);
        return location === undefined ? { sink: sink.name } : { sink: sink.name, location };
      });
  }

  /** Every action of every session, synchronously (after redaction): content metadata. */
  #observe(recording: SpoolRecording, action: PublishedAction): void {
    if (action.type === 'alert') return;
    const matched = this.#alerts?.match(action) ?? [];
    // The common case, rules on and none matching, builds nothing.
    if (!this.#contentMetadata && matched.length === 0) return;
    const data = actionEventData(action);
    if (data === undefined) return;
    // Only to emitters that opted into content, and not saved per action:
    // the sequence reaches recording.json with the next lifecycle event.
    if (this.#contentMetadata)
      this.#emit(recording, 'session.action', data, { contentOnly: true, save: false });
    for (const rule of matched) {
      const alert = {
        ruleId: rule.id,
        ...(rule.name === undefined ? {} : { ruleName: rule.name }),
        severity: rule.severity ?? 'warning',
        ...(rule.message === undefined ? {} : { message: rule.message }),
      };
      this.#alertsRaised++;
      if (this.#live.active) {
        this.#live.publish({
          type: 'alert',
          sessionId: action.sessionId,
          context: action.context,
          offsetNs: action.offsetNs,
          time: Date.now(),
          alert: { ...alert, action },
        });
      }
      // Not saved per alert either (a rule may match every command): the
      // sequence reaches recording.json with the next lifecycle event.
      this.#emit(recording, 'alert', { ...alert, ...data }, { save: false });
    }
  }

  /** A policy decision as a `policy.decision` metadata event: what was decided to every emitter, what it was about only to those with `includeContent`. */
  #policyDecision(recording: SpoolRecording, event: AnnotationEvent, offsetNs: number): void {
    if (this.#emitters.length === 0) return;
    const details = event.details ?? {};
    const context = recording.info.context;
    const data: Record<string, unknown> = {
      decision: details.decision ?? (event.code === PolicyCode.DENIED ? 'deny' : 'allow'),
      code: event.code,
      action: details.action ?? '',
      protocol: details.protocol ?? context?.protocol ?? '',
      message: event.message,
      offsetNs,
      at: new Date().toISOString(),
    };
    if (event.streamId !== undefined) data.streamId = event.streamId;
    if (context !== undefined) {
      data.userId = context.user.id;
      data.accessRequestId = context.accessRequestId;
      data.resourceId = context.resource.id;
    }
    const content: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(details)) {
      if (key === 'decision' || key === 'action' || key === 'protocol') continue;
      if (POLICY_CONTENT_FIELDS.has(key)) content[key] = value;
      else data[key] = value;
    }
    if (Object.keys(content).length > 0) data.content = content;
    this.#emit(recording, 'policy.decision', data, { save: false });
  }

  #emit(
    recording: SpoolRecording,
    type: MetadataEventType,
    data: Record<string, unknown>,
    how: { contentOnly?: boolean; save?: boolean } = {},
  ): void {
    const sequence = recording.nextMetadataSequence();
    if (how.save !== false) void recording.saveRecordingFile().catch(() => {});
    this.#send(
      {
        version: 1,
        id: randomUUID(),
        type,
        time: new Date().toISOString(),
        sessionId: recording.sessionId,
        sequence,
        data,
      },
      how.contentOnly === true,
    );
  }

  #emitRaw(sessionId: string, type: MetadataEventType, data: Record<string, unknown>): void {
    this.#send({
      version: 1,
      id: randomUUID(),
      type,
      time: new Date().toISOString(),
      sessionId,
      sequence: 0,
      data,
    });
  }

  #send(event: Parameters<MetadataEmitter['emit']>[0], contentOnly = false): void {
    const { content: _content, ...fields } = event.data as Record<string, unknown>;
    // Actions are not logged one by one: the logger gets lifecycle events only.
    if (!contentOnly) {
      logTo(
        this.#options.logger,
        event.type === 'recording.failed' ? 'warn' : 'info',
        { sessionId: event.sessionId, ...fields },
        event.type,
      );
    }
    const withoutContent = 'content' in event.data ? { ...event, data: fields } : event;
    for (const emitter of this.#emitters) {
      const content = emitter.includeContent === true;
      if (contentOnly && !content) continue;
      // Content leaves only through emitters that opted in, whatever the emitter does with it.
      emitter.emit(content ? event : withoutContent).catch((error: unknown) => {
        this.#metadataFailures++;
        logTo(
          this.#options.logger,
          'warn',
          { sessionId: event.sessionId, emitter: emitter.name, code: errorCode(error) },
          'metadata.failed',
        );
        channels.metadataFailure.publish({
          emitter: emitter.name,
          eventId: event.id,
          code: errorCode(error),
        });
      });
    }
  }
}

function chainHeadsOf(options: RecorderOptions): SessionHost['chainHeads'] {
  const heads = options.chainHeads;
  if (heads === false || (heads === undefined && options.signing === undefined)) return undefined;
  const intervalMs = heads?.intervalMs ?? 30_000;
  const everySegments = heads?.everySegments ?? 64;
  if (
    !(
      Number.isSafeInteger(intervalMs) &&
      intervalMs >= 1 &&
      Number.isSafeInteger(everySegments) &&
      everySegments >= 1
    )
  ) {
    throw new TaplineError(
      'TAPLINE_ERR_INVALID_OPTION',
      'chainHeads.intervalMs and chainHeads.everySegments must be positive integers',
      { component: 'recorder' },
    );
  }
  return { intervalMs, everySegments };
}

function validContextOf(recording: SpoolRecording): ValidContext {
  return recording.info.context as ValidContext;
}

function startedEventData(
  context: ValidContext,
  startedAt: number,
  storage: Array<{ sink: string; location?: string }>,
  options: RecorderOptions,
): Record<string, unknown> {
  const iso = (value: number | Date | undefined) =>
    value === undefined ? undefined : new Date(value instanceof Date ? value.getTime() : value).toISOString();
  return {
    protocol: context.protocol,
    user: context.user,
    approvers: (context.approvers ?? []).map((approver) => ({
      ...approver,
      approvedAt: iso(approver.approvedAt),
    })),
    accessFlow: context.accessFlow,
    accessRequestId: context.accessRequestId,
    accessRequestStatus: context.accessRequestStatus ?? 'approved',
    resource: context.resource,
    permissions: context.permissions ?? [],
    clientAddress: context.clientAddress,
    target: context.target,
    startedAt: iso(startedAt),
    expiresAt: iso(context.expiresAt),
    labels: { ...options.labels, ...context.labels },
    recording: {
      storage,
      encrypted: options.encryption !== undefined,
      codec: options.segment?.codec ?? defaultCodec(),
      signed: options.signing !== undefined,
    },
  };
}
