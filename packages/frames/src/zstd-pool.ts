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
const slots = new Map();
function compressInto(level, input, chunks) {
  let compressor = compressors.get(level);
  if (!compressor) compressors.set(level, (compressor = new binding.Compressor(level)));
  const push = (chunk) => chunks.push(chunk);
  try {
    compressor.data(input, push);
    compressor.end(push);
  } catch (error) {
    compressors.delete(level);
    throw error;
  }
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  return total;
}
function gather(chunks, into) {
  let offset = 0;
  for (const chunk of chunks) { into.set(chunk, offset); offset += chunk.length; }
}
parentPort.on('message', (message) => {
  const { id, level } = message;
  try {
    if (message.slot !== undefined && message.input) {
      slots.set(message.slot, { input: message.input, output: message.output });
    }
    const chunks = [];
    if (message.slot !== undefined) {
      const slot = slots.get(message.slot);
      const input = Buffer.from(slot.input, 0, message.length);
      const total = compressInto(level, input, chunks);
      // The output holds ZSTD_compressBound of the input's capacity: a longer frame is a broken binding.
      if (total > slot.output.byteLength) throw new Error('the frame outgrew its slot');
      gather(chunks, new Uint8Array(slot.output, 0, total));
      parentPort.postMessage({ id, length: total });
      return;
    }
    const raw = message.raw;
    const total = compressInto(level, Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), chunks);
    const body = new Uint8Array(total);
    gather(chunks, body);
    parentPort.postMessage({ id, body }, [body.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

/**
 * A compressed body and what to call once it has been copied where it goes:
 * a body in a shared slot is overwritten by a later segment after that.
 */
export interface LeasedBody {
  body: Uint8Array;
  release(): void;
}

interface Task {
  resolve: (body: LeasedBody) => void;
  reject: (error: Error) => void;
  /** The slot the segment went out in, given back when the answer arrives. */
  slot: Slot | undefined;
}

/**
 * Memory shared with one worker for the life of the pool: a segment is copied
 * into `input` and its compressed body comes back in `output`. Nothing is
 * allocated or transferred per segment, so segments bring the main thread no
 * new external memory (each transferred buffer did, and the garbage collector
 * ran a full mark-compact every few dozen segments to account for it).
 */
interface Slot {
  index: number;
  input: Uint8Array;
  output: Uint8Array;
  /** Whether the worker has been sent this slot's memory yet. */
  sent: boolean;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Map<number, Task>;
  slots: Slot[];
  freeSlots: Slot[];
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

/**
 * Segments smaller than this go to a worker in memory of their own,
 * transferred: they are cheap to copy anew, and idle sessions (whose
 * segments are small, cut by time) then hold no shared megabytes.
 */
const SLOT_MIN_BYTES = 256 * 1024;
/** A slot fits a default segment (1 MiB) plus the frame that crossed the line. */
const SLOT_MIN_CAPACITY = 1024 * 1024 + 128 * 1024;
/** Slots per worker: as many segments as one busy session may have in flight (2 × 4 while behind). */
export const SLOTS_PER_WORKER = 8;

/** Room for any zstd frame of `capacity` input bytes (ZSTD_compressBound plus headroom). */
function outputCapacity(capacity: number): number {
  return capacity + (capacity >> 8) + 64 * 1024;
}

class ZstdPool {
  readonly #size: number;
  readonly #workers: PoolWorker[] = [];
  #nextId = 0;

  constructor(size: number) {
    this.#size = size;
  }

  compress(raw: Uint8Array, level: number): Promise<LeasedBody> {
    zstdBinding(); // fail here, with the coded reason, when there is no binding
    const entry = this.#leastBusy();
    const id = this.#nextId++;
    const slot = raw.byteLength >= SLOT_MIN_BYTES ? this.#takeSlot(entry, raw.byteLength) : undefined;
    return new Promise<LeasedBody>((resolve, reject) => {
      entry.inFlight.set(id, { resolve, reject, slot });
      if (entry.inFlight.size === 1) entry.worker.ref();
      if (slot) {
        slot.input.set(raw);
        if (slot.sent) {
          entry.worker.postMessage({ id, level, slot: slot.index, length: raw.byteLength });
        } else {
          slot.sent = true;
          entry.worker.postMessage({
            id,
            level,
            slot: slot.index,
            length: raw.byteLength,
            input: slot.input.buffer,
            output: slot.output.buffer,
          });
        }
        return;
      }
      // One copy into memory the worker can own (the writer reuses its buffer).
      const owned = Buffer.allocUnsafeSlow(raw.byteLength);
      owned.set(raw);
      entry.worker.postMessage({ id, raw: owned, level }, [owned.buffer as ArrayBuffer]);
    });
  }

  /** A free slot of this worker big enough for `length` bytes, or a new one while it has fewer than its share. */
  #takeSlot(entry: PoolWorker, length: number): Slot | undefined {
    const index = entry.freeSlots.findIndex((slot) => slot.input.byteLength >= length);
    if (index !== -1) return entry.freeSlots.splice(index, 1)[0];
    if (entry.slots.length >= SLOTS_PER_WORKER) return undefined;
    const capacity = Math.max(SLOT_MIN_CAPACITY, length);
    const slot: Slot = {
      index: entry.slots.length,
      input: new Uint8Array(new SharedArrayBuffer(capacity)),
      output: new Uint8Array(new SharedArrayBuffer(outputCapacity(capacity))),
      sent: false,
    };
    entry.slots.push(slot);
    return slot;
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
    const entry: PoolWorker = { worker, inFlight: new Map(), slots: [], freeSlots: [] };
    worker.on('message', (message: { id: number; body?: Uint8Array; length?: number; error?: string }) => {
      const task = entry.inFlight.get(message.id);
      if (!task) return;
      entry.inFlight.delete(message.id);
      if (entry.inFlight.size === 0) worker.unref();
      const slot = task.slot;
      if (message.body) {
        if (slot) entry.freeSlots.push(slot);
        task.resolve({ body: message.body, release: noop });
      } else if (message.length !== undefined && slot) {
        let released = false;
        task.resolve({
          body: slot.output.subarray(0, message.length),
          release: () => {
            if (released) return;
            released = true;
            entry.freeSlots.push(slot);
          },
        });
      } else {
        if (slot) entry.freeSlots.push(slot);
        task.reject(compressError(message.error ?? 'unknown error'));
      }
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

const noop = (): void => {};

let sharedPool: ZstdPool | undefined;

/**
 * Compresses a whole segment as one zstd frame on the shared worker pool. The
 * body may live in memory shared with a worker: copy it, then `release()` it.
 */
export function zstdCompressLeased(raw: Uint8Array, level: number): Promise<LeasedBody> {
  sharedPool ??= new ZstdPool(defaultCompressionThreads());
  return sharedPool.compress(raw, level);
}

/** Compresses a whole segment as one zstd frame on the shared worker pool, into memory of its own. */
export async function zstdCompress(raw: Uint8Array, level: number): Promise<Uint8Array> {
  const leased = await zstdCompressLeased(raw, level);
  const body = Buffer.from(leased.body);
  leased.release();
  return body;
}
