// Whole-segment zstd compression on worker threads, so the relay's event loop
// only frames bytes. zlib's codecs already run on libuv's thread pool; zstd's
// binding is synchronous, hence these workers.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TaplineError } from './errors.js';
import { zstdBinding, zstdLocation } from './zstd.js';

// CommonJS, evaluated in each worker: loads the same prebuilt binding and
// keeps one streaming context per level (a context starts a fresh frame after
// each end, so reusing it costs nothing and allocates nothing).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const binding = createRequire(workerData.packageJson)('node-gyp-build')(workerData.packageRoot);
const compressors = new Map();
parentPort.on('message', ({ id, raw, level }) => {
  try {
    let compressor = compressors.get(level);
    if (!compressor) compressors.set(level, (compressor = new binding.Compressor(level)));
    const chunks = [];
    const push = (chunk) => chunks.push(chunk);
    compressor.data(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), push);
    compressor.end(push);
    let total = 0;
    for (const chunk of chunks) total += chunk.length;
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of chunks) { out.set(chunk, offset); offset += chunk.length; }
    parentPort.postMessage({ id, body: out, raw }, [out.buffer, raw.buffer]);
  } catch (error) {
    compressors.delete(level);
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface Task {
  resolve: (body: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Task>;
}

function compressError(message: string, cause?: unknown): TaplineError {
  return new TaplineError('TAPLINE_ERR_COMPRESS', `zstd compression failed: ${message}`, {
    component: 'frames',
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The default worker count: every core but the one the relay runs on, at
 * least one, at most four (segments are cut at most every few milliseconds
 * per busy session; more workers only add memory).
 */
export function defaultCompressionThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Copies kept for reuse: enough for the segments in flight across the pool. */
const MAX_RETURNED_BUFFERS = 8;
/**
 * Only copies of full-sized segments are kept and reused: small ones are
 * cheap to make anew, and keeping them would fill the pool with buffers too
 * small for the segments that need it.
 */
const REUSED_BUFFER_MIN_BYTES = 256 * 1024;

class ZstdPool {
  readonly #size: number;
  readonly #workers: PoolWorker[] = [];
  /** Segment copies the workers sent back, for the next segments. */
  readonly #returned: ArrayBuffer[] = [];
  #nextId = 0;

  constructor(size: number) {
    this.#size = size;
  }

  compress(raw: Uint8Array, level: number): Promise<Uint8Array> {
    zstdBinding(); // fail here, with the coded reason, when there is no binding
    const entry = this.#leastBusy();
    const id = this.#nextId++;
    // One copy into memory the worker can own (the writer reuses its buffer).
    const owned = this.#transferBuffer(raw.byteLength);
    owned.set(raw);
    return new Promise<Uint8Array>((resolve, reject) => {
      entry.inFlight.set(id, { resolve, reject });
      if (entry.inFlight.size === 1) entry.worker.ref();
      entry.worker.postMessage({ id, raw: owned, level }, [owned.buffer as ArrayBuffer]);
    });
  }

  /**
   * Memory to hand a worker: one the workers gave back when it is big
   * enough (fresh memory costs a page fault per page on first touch, more
   * than the copy itself), else new.
   */
  #transferBuffer(length: number): Uint8Array {
    const index =
      length < REUSED_BUFFER_MIN_BYTES
        ? -1
        : this.#returned.findIndex((buffer) => buffer.byteLength >= length);
    if (index === -1) return Buffer.allocUnsafeSlow(length);
    const [buffer] = this.#returned.splice(index, 1);
    return new Uint8Array(buffer!, 0, length);
  }

  #giveBack(buffer: ArrayBuffer): void {
    if (buffer.byteLength >= REUSED_BUFFER_MIN_BYTES && this.#returned.length < MAX_RETURNED_BUFFERS)
      this.#returned.push(buffer);
  }

  #leastBusy(): PoolWorker {
    if (this.#workers.length < this.#size) {
      const idle = this.#workers.find((entry) => entry.inFlight.size === 0);
      if (idle) return idle;
      return this.#spawn();
    }
    let best = this.#workers[0]!;
    for (const entry of this.#workers) if (entry.inFlight.size < best.inFlight.size) best = entry;
    return best;
  }

  #spawn(): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: zstdLocation() });
    // An idle pool must not keep the process alive; a busy one must.
    worker.unref();
    const entry: PoolWorker = { worker, inFlight: new Map() };
    worker.on('message', (message: { id: number; body?: Uint8Array; raw?: Uint8Array; error?: string }) => {
      if (message.raw) this.#giveBack(message.raw.buffer as ArrayBuffer);
      const task = entry.inFlight.get(message.id);
      if (!task) return;
      entry.inFlight.delete(message.id);
      if (entry.inFlight.size === 0) worker.unref();
      if (message.body) task.resolve(message.body);
      else task.reject(compressError(message.error ?? 'unknown error'));
    });
    const retire = (cause: unknown) => {
      const index = this.#workers.indexOf(entry);
      if (index >= 0) this.#workers.splice(index, 1);
      for (const task of entry.inFlight.values()) task.reject(compressError('the worker stopped', cause));
      entry.inFlight.clear();
    };
    worker.on('error', retire);
    worker.on('exit', (code) => retire(new Error(`exit code ${code}`)));
    this.#workers.push(entry);
    return entry;
  }
}

let sharedPool: ZstdPool | undefined;

/** Compresses a whole segment as one zstd frame on the shared worker pool. */
export function zstdCompress(raw: Uint8Array, level: number): Promise<Uint8Array> {
  sharedPool ??= new ZstdPool(defaultCompressionThreads());
  return sharedPool.compress(raw, level);
}
