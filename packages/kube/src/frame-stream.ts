const kEmpty = Buffer.alloc(0);

/**
 * What the WebSocket and SPDY parsers share: one growable buffer with
 * offset/length cursors that holds only a partial frame between chunks.
 * Whole frames are parsed straight out of the caller's chunk when nothing is
 * pending; a parser that fails stays failed (every later call rethrows).
 *
 * With `stablePayloads`, frames handed out from the internal buffer keep it:
 * the parser starts a new buffer instead of reusing that memory (the recorder
 * and the terminal extractor keep references to payloads).
 */
export abstract class FrameStreamParser<Frame> {
  private buffer: Buffer = kEmpty;
  private bufferOffset = 0;
  private bufferLength = 0;
  /** Wire length of the partial frame held, once its header has arrived: sizes the next allocation. */
  protected partialFrameLength = 0;
  private failure: Error | undefined;
  protected readonly stablePayloads: boolean;

  constructor(stablePayloads: boolean) {
    this.stablePayloads = stablePayloads;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pendingBytes(): number {
    return this.bufferLength;
  }

  /** Parses `chunk`, calling `onFrame` for each whole frame. Throws a coded TaplineError on bad input; the parser stays failed. */
  parse(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    if (this.failure) throw this.failure;
    const input = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let source = input;
    let offset = 0;
    let end = input.byteLength;
    if (this.bufferLength > 0) {
      this.append(input);
      source = this.buffer;
      offset = this.bufferOffset;
      end = this.bufferOffset + this.bufferLength;
    }
    this.partialFrameLength = 0;
    try {
      offset = this.parseFrames(source, offset, end, onFrame);
    } catch (error) {
      this.failure = error as Error;
      this.buffer = kEmpty;
      this.bufferOffset = 0;
      this.bufferLength = 0;
      throw error;
    }
    const remaining = end - offset;
    if (source === this.buffer && this.stablePayloads && offset > this.bufferOffset) {
      // Frames were handed out from our buffer: leave it to them.
      const leftover = source.subarray(offset, end);
      this.buffer = kEmpty;
      this.bufferOffset = 0;
      this.bufferLength = 0;
      if (remaining > 0) this.append(leftover);
    } else if (source === this.buffer) {
      this.bufferOffset = remaining === 0 ? 0 : offset;
      this.bufferLength = remaining;
    } else if (remaining > 0) {
      // Keep only the partial frame, in our own buffer.
      this.bufferOffset = 0;
      this.bufferLength = 0;
      this.append(input.subarray(offset, end));
    }
  }

  /**
   * Parses whole frames from `source[start, end)`, calling `onFrame` for each;
   * returns the offset of the first byte not consumed (a partial frame).
   */
  protected abstract parseFrames(
    source: Buffer,
    start: number,
    end: number,
    onFrame: (frame: Frame) => void,
  ): number;

  private append(bytes: Buffer): void {
    const newLength = this.bufferLength + bytes.byteLength;
    if (this.bufferOffset + newLength > this.buffer.byteLength) {
      let target = this.buffer;
      if (newLength > this.buffer.byteLength) {
        let size = Math.max(this.buffer.byteLength * 2, 4096, this.partialFrameLength);
        while (size < newLength) size *= 2;
        target = Buffer.allocUnsafe(size);
      }
      this.buffer.copy(target, 0, this.bufferOffset, this.bufferOffset + this.bufferLength);
      this.buffer = target;
      this.bufferOffset = 0;
    }
    bytes.copy(this.buffer, this.bufferOffset + this.bufferLength);
    this.bufferLength = newLength;
  }
}
