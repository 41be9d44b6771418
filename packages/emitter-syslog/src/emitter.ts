import { mkdir } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import {
  contentForEmitter,
  DEFAULT_MAX_CONTENT_BYTES,
  eventFsync,
  type MetadataEmitter,
  type MetadataEvent,
} from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { Outbox, type OutboxEntry } from '@tapline/metadata-http';
import { SyslogErrorCode } from './errors.js';
import {
  DEFAULT_ENTERPRISE_ID,
  DEFAULT_FACILITY,
  formatSyslogMessage,
  frameOctetCounted,
  type SyslogFormatOptions,
} from './format.js';

export interface SyslogMetadataEmitterOptions {
  /** The syslog receiver (rsyslog imtcp, a SIEM's collector). */
  host: string;
  port: number;
  /**
   * RFC 5425 TLS: `true` for the system CAs, or Node `tls.connect` options
   * (`ca`, `cert`/`key` for mutual TLS, `servername`). Off: plain TCP (RFC 6587).
   */
  tls?: boolean | ConnectionOptions;
  /** Directory of the durable outbox (created if missing); one emitter per directory. */
  directory: string;
  /** `event`: fsync the outbox on every emit. @default 'event' */
  fsync?: 'event' | 'none';
  retry?: {
    /** First backoff cap; doubles per failed attempt (full jitter). @default 500 */
    initialDelayMs?: number;
    /** Largest backoff cap. @default 30000 */
    maxDelayMs?: number;
  };
  batch?: {
    /** Events per connection at most. @default 500 */
    maxEvents?: number;
    /** How long the first event of a batch waits for company. @default 100 */
    maxDelayMs?: number;
  };
  /**
   * When a batch counts as delivered. `close`: once the receiver, having read
   * to the end the emitter marked, closes its side (rsyslog does; nothing is
   * lost across a receiver restart). `write`: once the bytes are handed to the
   * kernel, for a receiver that keeps connections open after the client's
   * end (a receiver dying then can lose the batch).
   * @default 'close'
   */
  acknowledge?: 'close' | 'write';
  /** One batch's whole exchange: connect, send, and the receiver's close. @default 10000 */
  timeoutMs?: number;
  /** How long close() keeps delivering before it leaves the rest in the outbox. @default 10000 */
  closeTimeoutMs?: number;
  /** HOSTNAME. @default os.hostname() */
  hostname?: string;
  /** APP-NAME. @default 'tapline' */
  appName?: string;
  /** 0..23. @default 13 (log audit) */
  facility?: number;
  /** Private enterprise number in the SD-IDs. @default '32473' (RFC 5612's documentation number) */
  enterpriseId?: string;
  /** A message longer than this loses its JSON body, then long values. @default 8192 */
  maxMessageBytes?: number;
  /** Send session content (`session.action` events, `data.content`); see @tapline/core. @default false */
  includeContent?: boolean;
  /** Each string under `data.content` is cut to this many UTF-8 bytes. @default 4096 */
  maxContentBytes?: number;
  /** Delivered batches and failed attempts (retried). Must not throw. */
  onEvent?: (event: SyslogMetadataEmitterEvent) => void;
  /** @default 'syslog' */
  name?: string;
}

export type SyslogMetadataEmitterEvent =
  | { type: 'delivered'; events: number }
  | { type: 'error'; error: TaplineError };

export interface SyslogMetadataEmitterStats {
  /** In the outbox, not yet acknowledged by the receiver. */
  pending: number;
  delivered: number;
  /** Connections that carried a batch the receiver acknowledged by closing. */
  batches: number;
  failedAttempts: number;
}

export interface SyslogMetadataEmitter extends MetadataEmitter {
  /** Resolves once the outbox is open (what a previous run left is then being sent). */
  start(): Promise<void>;
  /** Resolves once everything emitted so far was acknowledged. */
  flush(): Promise<void>;
  stats(): SyslogMetadataEmitterStats;
}

function invalid(message: string): TaplineError {
  return new TaplineError(SyslogErrorCode.INVALID, message, { component: 'emitter-syslog' });
}

/**
 * A MetadataEmitter that sends each event as an RFC 5424 message over TCP or
 * TLS with octet-counted framing, through a durable outbox. TCP has no
 * acknowledgement, so each batch goes over its own connection which the
 * emitter ends after the last frame: the batch counts as delivered only once
 * the receiver, having read to that end, closes its side. A receiver that
 * dies or restarts mid-batch leaves the batch in the outbox, and it is sent
 * again (at least once: receivers dedupe on the `id` SD-PARAM).
 */
export function createSyslogMetadataEmitter(options: SyslogMetadataEmitterOptions): SyslogMetadataEmitter {
  if (!options.directory) throw invalid('createSyslogMetadataEmitter: `directory` (the outbox) is required');
  if (!options.host || !Number.isSafeInteger(options.port) || options.port < 1 || options.port > 65535)
    throw invalid('createSyslogMetadataEmitter: `host` and a `port` in 1..65535 are required');
  const facility = options.facility ?? DEFAULT_FACILITY;
  if (!Number.isSafeInteger(facility) || facility < 0 || facility > 23) throw invalid('facility: 0..23');
  const format: SyslogFormatOptions = {
    hostname: options.hostname ?? osHostname(),
    appName: options.appName ?? 'tapline',
    procId: String(process.pid),
    facility,
    enterpriseId: options.enterpriseId ?? DEFAULT_ENTERPRISE_ID,
    maxMessageBytes: options.maxMessageBytes ?? 8192,
  };
  const fsync = eventFsync(options.fsync, 'createSyslogMetadataEmitter({ fsync: boolean })');
  const initialDelayMs = options.retry?.initialDelayMs ?? 500;
  const maxDelayMs = options.retry?.maxDelayMs ?? 30_000;
  const maxEvents = options.batch?.maxEvents ?? 500;
  const batchDelayMs = options.batch?.maxDelayMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const includeContent = options.includeContent === true;
  const maxContentBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  const tlsOptions = options.tls === true ? {} : options.tls || undefined;
  const acknowledge = options.acknowledge ?? 'close';
  if (acknowledge !== 'close' && acknowledge !== 'write') throw invalid("acknowledge: 'close' or 'write'");

  const tell = (event: SyslogMetadataEmitterEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A throwing listener must not stop delivery.
    }
  };
  const report = (error: unknown) =>
    tell({
      type: 'error',
      error:
        error instanceof TaplineError
          ? error
          : new TaplineError(SyslogErrorCode.DELIVERY, String((error as Error)?.message ?? error), {
              component: 'emitter-syslog',
              cause: error,
            }),
    });

  const pending: OutboxEntry[] = [];
  const stats = { delivered: 0, batches: 0, failedAttempts: 0 };
  let outbox: Outbox;
  let started: Promise<void> | undefined;
  let loop: Promise<void> = Promise.resolve();
  let closing = false;
  let closed = false;
  let stopped = false;
  const stop = new AbortController();
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const flushWaiters: Array<() => void> = [];
  let emitChain: Promise<unknown> = Promise.resolve();
  let oldestSince = 0;

  const start = (): Promise<void> => {
    started ??= (async () => {
      await mkdir(options.directory, { recursive: true, mode: 0o700 });
      const opened = await Outbox.open(options.directory, { fsync, onCorrupt: report });
      outbox = opened.outbox;
      pending.push(...opened.pending);
      if (pending.length) oldestSince = performance.now();
      loop = deliver().catch(report);
    })();
    return started;
  };

  /** Sends one batch over a fresh connection; resolves once the receiver closed after reading it. */
  function sendBatch(batch: OutboxEntry[]): Promise<void> {
    const frames = batch.map((entry) =>
      frameOctetCounted(formatSyslogMessage(JSON.parse(entry.json) as MetadataEvent, format)),
    );
    return new Promise<void>((resolve, reject) => {
      let socket: Socket;
      let settled = false;
      let peerEnded = false;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stop.signal.removeEventListener('abort', onAbort);
        socket.destroy();
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => finish(new Error('emitter closed'));
      const timer = setTimeout(
        () => finish(new Error(`no close from the receiver within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const send = () => {
        socket.setNoDelay(true);
        for (const frame of frames) socket.write(frame);
        // Our end of the stream: the receiver reads up to it, then closes its side.
        socket.end(() => {
          if (acknowledge === 'write') finish();
        });
      };
      if (tlsOptions) {
        socket = tlsConnect(
          { servername: options.host, ...tlsOptions, host: options.host, port: options.port },
          send,
        );
      } else {
        socket = netConnect({ host: options.host, port: options.port }, send);
      }
      stop.signal.addEventListener('abort', onAbort, { once: true });
      socket.on('data', () => {}); // a receiver may talk back; not part of the protocol
      socket.on('end', () => {
        peerEnded = true;
      });
      socket.on('error', (error) => finish(error));
      socket.on('close', () => {
        if (peerEnded && socket.writableFinished) finish();
        else finish(new Error('the receiver closed the connection before the batch was sent'));
      });
    });
  }

  async function deliver(): Promise<void> {
    let attempt = 0;
    while (!stopped) {
      if (!pending.length) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const waited = performance.now() - oldestSince;
      if (!closing && attempt === 0 && pending.length < maxEvents && waited < batchDelayMs) {
        const nap = new AbortController();
        const onStop = () => nap.abort();
        stop.signal.addEventListener('abort', onStop, { once: true });
        await Promise.race([
          sleep(batchDelayMs - waited, undefined, { signal: nap.signal }).catch(() => {}),
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
        ]);
        nap.abort();
        stop.signal.removeEventListener('abort', onStop);
        continue;
      }
      const batch = pending.slice(0, maxEvents);
      attempt++;
      try {
        await sendBatch(batch);
        pending.splice(0, batch.length);
        stats.delivered += batch.length;
        stats.batches++;
        attempt = 0;
        if (pending.length) oldestSince = performance.now();
        tell({ type: 'delivered', events: batch.length });
        await outbox.acknowledge(batch[batch.length - 1]!.seq).catch(report);
        if (!pending.length) for (const waiter of flushWaiters.splice(0)) waiter();
      } catch (error) {
        if (stopped) return;
        stats.failedAttempts++;
        const delay = Math.random() * Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
        report(
          new TaplineError(
            SyslogErrorCode.DELIVERY,
            `syslog delivery attempt ${attempt} failed (${(error as Error).message}); retrying in ${Math.round(delay)} ms`,
            { component: 'emitter-syslog', cause: error, details: { attempt, events: batch.length } },
          ),
        );
        await sleep(delay, undefined, { signal: stop.signal }).catch(() => {});
      }
    }
  }

  start().catch(report);

  const emitter: SyslogMetadataEmitter = {
    name: options.name ?? 'syslog',
    includeContent,
    start,
    emit(event: MetadataEvent): Promise<void> {
      if (closing || closed) {
        return Promise.reject(
          new TaplineError(SyslogErrorCode.CLOSED, 'emit() after close()', { component: 'emitter-syslog' }),
        );
      }
      let json: string;
      try {
        if (!event || typeof event !== 'object' || typeof event.id !== 'string' || !event.id)
          throw invalid('an event needs an id');
        if (!event.data || typeof event.data !== 'object') throw invalid('event.data must be an object');
        json = JSON.stringify(contentForEmitter(event, includeContent, maxContentBytes));
      } catch (error) {
        return Promise.reject(
          error instanceof TaplineError
            ? error
            : invalid(`event is not JSON-serializable: ${(error as Error).message}`),
        );
      }
      const appended = start()
        .then(() => outbox.append(json))
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
      await start().catch(() => {});
      await emitChain;
      if (!pending.length) return;
      notify();
      await new Promise<void>((resolve) => flushWaiters.push(resolve));
    },
    async close() {
      if (closed || closing) return;
      closing = true;
      await emitChain;
      notify();
      if (started && pending.length) {
        const drained = new Promise<void>((resolve) => flushWaiters.push(resolve));
        const deadline = new AbortController();
        await Promise.race([
          drained,
          sleep(closeTimeoutMs, undefined, { signal: deadline.signal }).catch(() => {}),
        ]);
        deadline.abort();
      }
      stopped = true;
      stop.abort();
      notify();
      await loop;
      closed = true;
      if (started)
        await started.then(
          () => outbox.close(),
          () => {},
        );
    },
  };
  return emitter;
}
