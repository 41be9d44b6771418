import { createHash } from 'node:crypto';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  contentForEmitter,
  DEFAULT_MAX_CONTENT_BYTES,
  eventFsync,
  type MetadataEmitter,
  type MetadataEvent,
  renamedOption,
  warnDeprecated,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { Agent, type Dispatcher, request } from 'undici';
import { MetadataHttpErrorCode } from './errors.js';
import { Outbox, type OutboxEntry } from './outbox.js';
import { BATCH_SCHEMA } from './schema.js';
import { type Secret, SIGNATURE_HEADER, signMetadataPayload } from './signature.js';

export interface HttpMetadataEmitterOptions {
  /** The receiver's endpoint; every batch is POSTed here. */
  url: string | URL;
  /** HMAC-SHA256 key for the Tapline-Signature header (share it with the receiver). */
  secret: Secret;
  /** Directory of the durable outbox (created if missing); one emitter per directory. */
  directory?: string;
  /** @deprecated Use `directory`. */
  outboxDir?: string;
  batch?: {
    /** Events per request at most. @default 100 */
    maxEvents?: number;
    /** JSON bytes of events per request at most (a single larger event is sent alone). @default 262144 */
    maxBytes?: number;
    /** How long the first event of a batch waits for company. @default 250 */
    maxDelayMs?: number;
  };
  retry?: {
    /** First backoff cap; doubles per attempt (full jitter: a random delay up to the cap). @default 500 */
    initialDelayMs?: number;
    /** @deprecated Use `initialDelayMs`. */
    baseDelayMs?: number;
    /** Largest backoff cap. @default 60000 */
    maxDelayMs?: number;
    /** Longest Retry-After honoured (longer ones are cut to this). @default 300000 */
    maxRetryAfterMs?: number;
  };
  /** Per-request timeout for the response headers and body. @default 10000 */
  timeoutMs?: number;
  /** How long close() keeps delivering before it leaves the rest in the outbox. @default 10000 */
  closeTimeoutMs?: number;
  /**
   * Send session content: the recorder then sends this emitter `session.action`
   * events (one per command, query, API call, file operation) and fills
   * `data.content` (command text, query text, API path...) after its redaction
   * hooks. Off by default: `data.content` is dropped before the event touches
   * the disk or the wire, and no `session.action` event is sent.
   * @default false
   */
  includeContent?: boolean;
  /** Each string under `data.content` is cut to this many UTF-8 bytes (`data.contentTruncated`). @default 4096 */
  maxContentBytes?: number;
  /** Extra request headers (an API key, a tenant id). */
  headers?: Record<string, string>;
  /** undici dispatcher to use instead of the emitter's own Agent. */
  dispatcher?: Dispatcher;
  /**
   * `event`: fsync the outbox on every emit (`emit()` resolving means durable).
   * `none`: only where losing events on power loss is acceptable.
   * (`true`/`false` are the deprecated spellings.)
   * @default 'event'
   */
  fsync?: 'event' | 'none' | boolean;
  /** Outbox files are rotated past this size; each is deleted once all its events are delivered. @default 4194304 */
  maxOutboxFileBytes?: number;
  /** Undelivered bytes the outbox may hold before emit() rejects. @default 67108864 */
  maxOutboxBytes?: number;
  /** Receives what the emitter reports: delivered batches, failed attempts (retried), events given up (dead-lettered). Must not throw. */
  onEvent?: (event: HttpMetadataEmitterEvent) => void;
  /** @deprecated Use `onEvent` (events of type `error`). */
  onError?: (error: TaplineError) => void;
  /** @default "http" */
  name?: string;
}

/**
 * What the emitter reports. `error.code` tells an `error` apart:
 * TAPLINE_ERR_METADATA_DELIVERY (an attempt failed, retried),
 * TAPLINE_ERR_METADATA_REJECTED (an event given up, in dead-letter.log),
 * TAPLINE_ERR_METADATA_OUTBOX_IO / _OUTBOX_LOCKED (the outbox).
 */
export type HttpMetadataEmitterEvent =
  | { type: 'delivered'; events: number }
  | { type: 'error'; error: TaplineError };

export interface HttpMetadataEmitterStats {
  /** Durable in the outbox, not yet acknowledged by the receiver. */
  pending: number;
  delivered: number;
  deadLettered: number;
  requests: number;
  failedRequests: number;
}

export interface HttpMetadataEmitter extends MetadataEmitter {
  /**
   * Resolves once the outbox is open (what a previous run left in it is then
   * being delivered); rejects with a coded error when it cannot be used
   * (TAPLINE_ERR_METADATA_OUTBOX_LOCKED, _OUTBOX_IO). Optional: `emit()`
   * waits for it too, and rejects with the same error.
   */
  start(): Promise<void>;
  stats(): HttpMetadataEmitterStats;
  /** Resolves once everything emitted so far was acknowledged by the receiver. */
  flush(): Promise<void>;
}

const USER_AGENT = 'tapline-metadata-http/0.1';

function invalid(message: string): TaplineError {
  return new TaplineError(MetadataHttpErrorCode.INVALID, message, { component: 'metadata-http' });
}

function serialize(event: MetadataEvent, includeContent: boolean, maxContentBytes: number): string {
  if (!event || typeof event !== 'object') throw invalid('an event must be an object');
  if (event.version !== 1) throw invalid(`unsupported event version ${String(event.version)}`);
  if (typeof event.id !== 'string' || event.id.length === 0)
    throw invalid('event.id must be a non-empty string');
  if (typeof event.sessionId !== 'string' || event.sessionId.length === 0)
    throw invalid('event.sessionId must be a string');
  if (!Number.isSafeInteger(event.sequence) || event.sequence < 0)
    throw invalid('event.sequence must be a non-negative integer');
  if (typeof event.type !== 'string' || typeof event.time !== 'string')
    throw invalid('event.type and event.time must be strings');
  if (!event.data || typeof event.data !== 'object' || Array.isArray(event.data))
    throw invalid('event.data must be an object');
  // A copy without content (or with it capped); the caller's object is never touched.
  const data = contentForEmitter(event, includeContent, maxContentBytes).data;
  try {
    return JSON.stringify({
      version: event.version,
      id: event.id,
      type: event.type,
      time: event.time,
      sessionId: event.sessionId,
      sequence: event.sequence,
      data,
    });
  } catch (error) {
    throw new TaplineError(
      MetadataHttpErrorCode.INVALID,
      `event is not JSON-serializable: ${(error as Error).message}`,
      {
        component: 'metadata-http',
        cause: error,
      },
    );
  }
}

/** Retry-After as ms: delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * A MetadataEmitter that POSTs signed JSON batches to an HTTP endpoint, with a
 * durable on-disk outbox: emit() resolves once the event is fsynced; delivery
 * is at least once, in order per session, across restarts and SIGKILL.
 * Synchronous: the outbox opens in the background at once; `start()` waits for it.
 */
export function createHttpMetadataEmitter(options: HttpMetadataEmitterOptions): HttpMetadataEmitter {
  const url = new URL(options.url);
  const directory = renamedOption(
    options.directory,
    options.outboxDir,
    'createHttpMetadataEmitter({ outboxDir })',
    'directory',
  );
  if (!directory) throw invalid('createHttpMetadataEmitter: `directory` (the outbox) is required');
  const fsync = eventFsync(options.fsync, 'createHttpMetadataEmitter({ fsync: boolean })');
  const maxEvents = options.batch?.maxEvents ?? 100;
  const maxBytes = options.batch?.maxBytes ?? 256 * 1024;
  const maxDelayMs = options.batch?.maxDelayMs ?? 250;
  const initialDelayMs =
    renamedOption(
      options.retry?.initialDelayMs,
      options.retry?.baseDelayMs,
      'createHttpMetadataEmitter({ retry: { baseDelayMs } })',
      'retry.initialDelayMs',
    ) ?? 500;
  const maxDelayCap = options.retry?.maxDelayMs ?? 60_000;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const maxOutboxBytes = options.maxOutboxBytes ?? 64 * 1024 * 1024;
  const includeContent = options.includeContent === true;
  const maxContentBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  if (options.onError) warnDeprecated('createHttpMetadataEmitter({ onError })', "onEvent (type 'error')");
  const tell = (event: HttpMetadataEmitterEvent) => {
    try {
      options.onEvent?.(event);
      if (event.type === 'error') options.onError?.(event.error);
    } catch {
      // A throwing listener must not stop delivery.
    }
  };
  const report = (error: unknown) => {
    tell({
      type: 'error',
      error:
        error instanceof TaplineError
          ? error
          : new TaplineError(MetadataHttpErrorCode.OUTBOX_IO, String((error as Error)?.message ?? error), {
              component: 'metadata-http',
              cause: error,
            }),
    });
  };

  const pending: OutboxEntry[] = [];
  let pendingBytes = 0;
  let outbox: Outbox;
  let started: Promise<void> | undefined;
  const ownAgent = options.dispatcher
    ? undefined
    : new Agent({ keepAliveTimeout: 4_000, connectTimeout: 5_000 });
  const dispatcher = options.dispatcher ?? ownAgent!;
  const start = (): Promise<void> => {
    started ??= (async () => {
      await mkdir(directory, { recursive: true }).catch((cause: unknown) => {
        throw new TaplineError(
          MetadataHttpErrorCode.OUTBOX_IO,
          `cannot create the outbox directory ${directory}`,
          {
            component: 'metadata-http',
            cause,
          },
        );
      });
      const opened = await Outbox.open(directory, {
        fsync,
        ...(options.maxOutboxFileBytes === undefined ? {} : { maxFileBytes: options.maxOutboxFileBytes }),
        onCorrupt: report,
      });
      outbox = opened.outbox;
      pending.push(...opened.pending);
      pendingBytes = pending.reduce((n, entry) => n + entry.json.length, 0);
      if (pending.length) oldestSince = performance.now();
      loop = deliver().catch(report);
    })();
    return started;
  };
  const stats = { delivered: 0, deadLettered: 0, requests: 0, failedRequests: 0 };
  let closing = false;
  let closed = false;
  let stopped = false;
  const stopController = new AbortController();
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let flushWaiters: Array<() => void> = [];
  let oldestSince = 0;
  // Emits are serialized so their outbox order (and so delivery order) is call order.
  let emitChain: Promise<unknown> = Promise.resolve();
  let loop: Promise<unknown> = Promise.resolve();

  async function deadLetter(entries: OutboxEntry[], status: number, reason: string): Promise<void> {
    const lines = entries
      .map(
        (entry) =>
          `${JSON.stringify({ at: new Date().toISOString(), status, reason, seq: entry.seq })}\t${entry.json}\n`,
      )
      .join('');
    const path = join(outbox.directory, 'dead-letter.log');
    await appendFile(path, lines);
    const handle = await open(path, 'r+');
    await handle.datasync().finally(() => handle.close());
    stats.deadLettered += entries.length;
    for (const entry of entries) {
      report(
        new TaplineError(
          MetadataHttpErrorCode.REJECTED,
          `the receiver refused event ${entry.id} (HTTP ${status}); kept in dead-letter.log`,
          {
            component: 'metadata-http',
            details: { eventId: entry.id, sessionId: entry.sessionId, status },
          },
        ),
      );
    }
  }

  async function acknowledge(count: number): Promise<void> {
    const done = pending.splice(0, count);
    for (const entry of done) pendingBytes -= entry.json.length;
    if (pending.length) oldestSince = performance.now();
    await outbox.acknowledge(done[done.length - 1]!.seq).catch(report);
    if (!pending.length) {
      const waiters = flushWaiters;
      flushWaiters = [];
      for (const w of waiters) w();
    }
  }

  function takeBatch(limit: number): OutboxEntry[] {
    let bytes = 0;
    let count = 0;
    while (count < pending.length && count < limit) {
      const next = pending[count]!.json.length;
      if (count > 0 && bytes + next > maxBytes) break;
      bytes += next;
      count++;
    }
    return pending.slice(0, count);
  }

  async function post(
    batch: OutboxEntry[],
    attempt: number,
  ): Promise<{ status: number; retryAfter: string | string[] | undefined }> {
    const hash = createHash('sha256');
    for (const entry of batch) hash.update(entry.id).update('\n');
    const batchId = hash.digest('hex').slice(0, 32);
    const body =
      `{"schema":"${BATCH_SCHEMA}","batchId":"${batchId}","sentAt":"${new Date().toISOString()}","events":[` +
      `${batch.map((entry) => entry.json).join(',')}]}`;
    stats.requests++;
    const response = await request(url, {
      method: 'POST',
      dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: stopController.signal,
      headers: {
        ...options.headers,
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'idempotency-key': batchId,
        [SIGNATURE_HEADER]: signMetadataPayload(options.secret, body),
        'tapline-event-count': String(batch.length),
        'tapline-attempt': String(attempt),
      },
      body,
    });
    await response.body.dump().catch(() => {});
    return { status: response.statusCode, retryAfter: response.headers['retry-after'] };
  }

  async function deliver(): Promise<void> {
    let limit = maxEvents;
    let attempt = 0;
    while (!stopped) {
      if (!pending.length) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      // Time-based batching: a lone event waits up to maxDelayMs for company.
      const waited = performance.now() - oldestSince;
      if (!closing && pending.length < maxEvents && waited < maxDelayMs && attempt === 0) {
        // The timer is cancelled when a wake wins the race: a timer left
        // running would keep its abort listener on the stop signal (they
        // piled up past MaxListeners on a busy emitter).
        const nap = new AbortController();
        const stop = () => nap.abort();
        stopController.signal.addEventListener('abort', stop, { once: true });
        await Promise.race([
          sleep(maxDelayMs - waited, undefined, { signal: nap.signal }).catch(() => {}),
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
        ]);
        nap.abort();
        stopController.signal.removeEventListener('abort', stop);
        continue;
      }
      const batch = takeBatch(limit);
      attempt++;
      let delay: number;
      let failure: string;
      try {
        const { status, retryAfter } = await post(batch, attempt);
        if (status >= 200 && status < 300) {
          stats.delivered += batch.length;
          tell({ type: 'delivered', events: batch.length });
          await acknowledge(batch.length);
          limit = maxEvents;
          attempt = 0;
          continue;
        }
        stats.failedRequests++;
        failure = `HTTP ${status}`;
        const definitive =
          status >= 400 && status < 500 && ![401, 403, 404, 408, 409, 425, 429].includes(status);
        if (definitive) {
          if (batch.length > 1) {
            // Find the event the receiver refuses: halve until it is alone.
            limit = Math.ceil(batch.length / 2);
            attempt = 0;
            continue;
          }
          await deadLetter(batch, status, failure).catch(report);
          await acknowledge(1);
          limit = maxEvents;
          attempt = 0;
          continue;
        }
        const cap = Math.min(maxDelayCap, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
        const honoured = parseRetryAfter(retryAfter, Date.now());
        delay = honoured !== undefined ? Math.min(honoured, maxRetryAfterMs) : Math.random() * cap;
      } catch (error) {
        if (stopped) return;
        stats.failedRequests++;
        failure = (error as Error).message;
        delay = Math.random() * Math.min(maxDelayCap, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
      }
      report(
        new TaplineError(
          MetadataHttpErrorCode.DELIVERY,
          `metadata delivery attempt ${attempt} failed (${failure}); retrying in ${Math.round(delay)} ms`,
          {
            component: 'metadata-http',
            details: { attempt, events: batch.length, delayMs: delay },
          },
        ),
      );
      await sleep(delay, undefined, { signal: stopController.signal }).catch(() => {});
    }
  }

  // The outbox opens at once (what a previous run left starts to go out), in
  // the background: start() and emit() hand its failure to their callers.
  start().catch(report);

  const emitter: HttpMetadataEmitter = {
    name: options.name ?? 'http',
    includeContent,
    start,
    emit(event: MetadataEvent): Promise<void> {
      if (closing || closed) {
        return Promise.reject(
          new TaplineError(MetadataHttpErrorCode.CLOSED, 'emit() after close()', {
            component: 'metadata-http',
          }),
        );
      }
      let json: string;
      try {
        json = serialize(event, includeContent, maxContentBytes);
      } catch (error) {
        return Promise.reject(error);
      }
      // In call order: each emit's append is queued behind the outbox opening.
      const appended = start()
        .then(() => {
          if (pendingBytes + json.length > maxOutboxBytes) {
            throw new TaplineError(
              MetadataHttpErrorCode.OUTBOX_FULL,
              `the outbox holds ${pendingBytes} undelivered bytes (max ${maxOutboxBytes})`,
              { component: 'metadata-http' },
            );
          }
          pendingBytes += json.length;
          return outbox.append(json).catch((error: unknown) => {
            pendingBytes -= json.length;
            throw error;
          });
        })
        .then((seq) => {
          if (!pending.length) oldestSince = performance.now();
          pending.push({ seq, json, id: event.id, sessionId: event.sessionId });
          notify();
        });
      emitChain = appended.catch(() => {});
      return appended;
    },
    stats() {
      return { pending: pending.length, ...stats };
    },
    async flush() {
      // What a previous run left counts too: wait for the outbox to be read.
      await start().catch(() => {});
      if (!pending.length) return emitChain.then(() => (pending.length ? emitter.flush() : undefined));
      notify();
      return new Promise<void>((resolve) => flushWaiters.push(resolve));
    },
    async close() {
      if (closed || closing) return;
      closing = true;
      await emitChain;
      notify();
      if (pending.length) {
        const drained = new Promise<void>((resolve) => flushWaiters.push(resolve));
        // The deadline's timer is cancelled, so it does not keep the process alive after close().
        const deadline = new AbortController();
        await Promise.race([
          drained,
          sleep(closeTimeoutMs, undefined, { signal: deadline.signal }).catch(() => {}),
        ]);
        deadline.abort();
      }
      stopped = true;
      stopController.abort();
      notify();
      await loop;
      closed = true;
      if (started)
        await started.then(
          () => outbox.close(),
          () => {},
        );
      await ownAgent?.close().catch(() => {});
    },
  };
  return emitter;
}
