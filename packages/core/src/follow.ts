// Following one live session (what `tapline watch` shows): the output of its
// terminal streams as it happens, with the last bytes of each kept so a
// viewer that arrives late starts from the current screen. Nothing here runs
// unless the recorder keeps a replay (`followReplayBytes`) or someone follows.
import type { StreamKindName } from './contracts.js';

/** What a follower of one live session gets. */
export type FollowEvent =
  | {
      /** A terminal stream: open when the follower arrived (with its recent output), or opened since. */
      type: 'stream';
      streamId: number;
      kind: StreamKindName;
      cols: number;
      rows: number;
      /** The stream's last output (up to `followReplayBytes`), to redraw its screen; empty for a new stream. */
      replay: Uint8Array;
    }
  | { type: 'output'; streamId: number; bytes: Uint8Array }
  | { type: 'resize'; streamId: number; cols: number; rows: number }
  | { type: 'closed'; streamId: number }
  | { type: 'ended' };

export type FollowListener = (event: FollowEvent) => void;

/** Longest replay kept per terminal stream. */
export const MAX_FOLLOW_REPLAY_BYTES: number = 1024 * 1024;

/** The last `capacity` bytes of a stream's output, in a ring allocated at the first byte. */
class Tail {
  ring: Uint8Array | undefined;
  end = 0;
  filled = 0;

  constructor(
    readonly kind: StreamKindName,
    public cols: number,
    public rows: number,
    private readonly capacity: number,
  ) {}

  append(bytes: Uint8Array): void {
    if (this.capacity === 0) return;
    this.ring ??= new Uint8Array(this.capacity);
    const ring = this.ring;
    // Only the tail of a chunk larger than the ring can survive.
    const source = bytes.length > ring.length ? bytes.subarray(bytes.length - ring.length) : bytes;
    const first = Math.min(source.length, ring.length - this.end);
    ring.set(source.subarray(0, first), this.end);
    if (first < source.length) ring.set(source.subarray(first), 0);
    this.end = (this.end + source.length) % ring.length;
    this.filled = Math.min(ring.length, this.filled + source.length);
  }

  snapshot(): Uint8Array {
    const ring = this.ring;
    if (ring === undefined || this.filled === 0) return new Uint8Array(0);
    if (this.filled < ring.length) return ring.slice(0, this.filled);
    const out = new Uint8Array(ring.length);
    out.set(ring.subarray(this.end), 0);
    out.set(ring.subarray(0, this.end), ring.length - this.end);
    return out;
  }
}

export class SessionFollow {
  readonly #tails = new Map<number, Tail>();
  readonly #listeners = new Set<FollowListener>();
  readonly #replayBytes: number;
  #ended = false;

  constructor(replayBytes: number) {
    this.#replayBytes = replayBytes;
  }

  /** A terminal stream opened (streams without a size are not followed). */
  opened(streamId: number, kind: StreamKindName, cols: number, rows: number): void {
    this.#tails.set(streamId, new Tail(kind, cols, rows, this.#replayBytes));
    if (this.#listeners.size > 0)
      this.#emit({ type: 'stream', streamId, kind, cols, rows, replay: new Uint8Array(0) });
  }

  output(streamId: number, bytes: Uint8Array): void {
    const tail = this.#tails.get(streamId);
    if (tail === undefined) return;
    tail.append(bytes);
    if (this.#listeners.size > 0) this.#emit({ type: 'output', streamId, bytes });
  }

  resized(streamId: number, cols: number, rows: number): void {
    const tail = this.#tails.get(streamId);
    if (tail === undefined) return;
    tail.cols = cols;
    tail.rows = rows;
    if (this.#listeners.size > 0) this.#emit({ type: 'resize', streamId, cols, rows });
  }

  closed(streamId: number): void {
    if (!this.#tails.delete(streamId)) return;
    if (this.#listeners.size > 0) this.#emit({ type: 'closed', streamId });
  }

  ended(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#tails.clear();
    this.#emit({ type: 'ended' });
    this.#listeners.clear();
  }

  /** Adds a follower: it gets the open terminal streams with their replay at once. */
  add(listener: FollowListener): () => void {
    if (this.#ended) {
      listener({ type: 'ended' });
      return () => {};
    }
    for (const [streamId, tail] of this.#tails) {
      listener({
        type: 'stream',
        streamId,
        kind: tail.kind,
        cols: tail.cols,
        rows: tail.rows,
        replay: tail.snapshot(),
      });
    }
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: FollowEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A follower that throws is dropped; the session never notices.
        this.#listeners.delete(listener);
      }
    }
  }
}
