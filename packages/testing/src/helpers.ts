import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A gate a test holds shut to stall storage and opens to let it go: the way to
 * prove backpressure without depending on wall-clock speed.
 */
export interface Valve {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** Resolves at once when open, else when `resume()` is called. */
  whenOpen(): Promise<void>;
}

export function createValve(options: { paused?: boolean } = {}): Valve {
  let paused = options.paused ?? false;
  let waiters: Array<() => void> = [];
  return {
    get paused() {
      return paused;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    },
    whenOpen() {
      if (!paused) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

export interface SlowWritableOptions {
  /** Wait this long before acknowledging each chunk. @default 0 */
  delayMs?: number;
  /** Throttle to this rate (sleeps chunk.length / rate seconds per chunk). */
  bytesPerSecond?: number;
  /** Each chunk waits for this valve to be open before it is acknowledged. */
  valve?: Valve;
  /** The stream's highWaterMark in bytes. @default 16384 */
  highWaterMark?: number;
  /** Forward acknowledged chunks here (awaiting its backpressure); otherwise they are kept in memory. */
  target?: Writable;
}

/** A Writable that acknowledges slowly; what it accepted is in `chunks` (unless it forwards to `target`). */
export interface SlowWritable extends Writable {
  /** Chunks acknowledged so far, in order (empty when forwarding to a target). */
  readonly chunks: Uint8Array[];
  /** Bytes acknowledged so far. */
  readonly bytesAcknowledged: number;
  /** The acknowledged bytes as one array. */
  collected(): Uint8Array;
}

/** A slow destination for backpressure tests: a consumer that lags behind its producer. */
export function createSlowWritable(options: SlowWritableOptions = {}): SlowWritable {
  const chunks: Uint8Array[] = [];
  let bytesAcknowledged = 0;
  const stream = new Writable({
    highWaterMark: options.highWaterMark ?? 16384,
    write(chunk: Buffer, _encoding, callback) {
      void (async () => {
        if (options.valve) await options.valve.whenOpen();
        if (options.delayMs) await sleep(options.delayMs);
        if (options.bytesPerSecond) await sleep((chunk.length / options.bytesPerSecond) * 1000);
        if (options.target) {
          if (!options.target.write(chunk)) {
            await new Promise<void>((resolve) => options.target!.once('drain', resolve));
          }
        } else {
          chunks.push(chunk);
        }
        bytesAcknowledged += chunk.length;
      })().then(() => callback(), callback);
    },
  }) as SlowWritable;
  Object.defineProperties(stream, {
    chunks: { get: () => chunks },
    bytesAcknowledged: { get: () => bytesAcknowledged },
    collected: { value: () => Buffer.concat(chunks) },
  });
  return stream;
}

/**
 * Every way to cut `bytes` in two: yields `[head, tail]` for each offset from 0
 * to `bytes.length` inclusive (views, no copies). Feed both to a parser and
 * expect the same result as feeding the whole.
 */
export function* splitAtEveryOffset(bytes: Uint8Array): Generator<[Uint8Array, Uint8Array], void, undefined> {
  for (let offset = 0; offset <= bytes.length; offset++) {
    yield [bytes.subarray(0, offset), bytes.subarray(offset)];
  }
}

/** Cuts `bytes` into chunks of `size` bytes (the last may be shorter); views, no copies. */
export function chunkBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  if (!(size > 0)) throw new RangeError('size must be positive');
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) out.push(bytes.subarray(offset, offset + size));
  return out;
}

/**
 * Whether `promise` is still pending after `ms`. A correct "still pending"
 * answer never depends on speed; only a broken sink racing a slow machine can
 * be missed.
 */
export async function isPendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  const timer = new AbortController();
  const pending = sleep(ms, false, { signal: timer.signal }).catch(() => false);
  const done = await Promise.race([settled, pending]);
  timer.abort();
  return !done;
}
