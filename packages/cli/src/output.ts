import { createWriteStream } from 'node:fs';
import { ioError } from './errors.js';

/** The reader of our output went away (`tapline export … | head`): stop quietly. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed');
    this.name = 'OutputClosed';
  }
}

export interface Output {
  /** Writes and resolves when the stream can take more (backpressure). */
  write(chunk: string | Uint8Array): Promise<void>;
  /** Flushes; for files, resolves when the file is written and closed. */
  close(): Promise<void>;
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Wraps a writable (stdout) so that every write honours backpressure. */
export function streamOutput(stream: NodeJS.WritableStream, name = 'stdout'): Output {
  let failure: unknown;
  const onError = (error: unknown) => {
    failure ??= error;
  };
  stream.on('error', onError);
  const check = () => {
    if (failure === undefined) return;
    if (isBrokenPipe(failure)) throw new OutputClosed();
    throw ioError(`cannot write to ${name}`, failure);
  };
  return {
    async write(chunk) {
      check();
      const ready = stream.write(chunk);
      if (!ready) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            stream.off('close', done);
            resolve();
          };
          stream.on('drain', done);
          stream.on('error', done);
          stream.on('close', done);
        });
      }
      check();
    },
    async close() {
      check();
      stream.off('error', onError);
    },
  };
}

/** A file written through a stream; created on the first write. */
export function fileOutput(path: string): Output {
  let stream: ReturnType<typeof createWriteStream> | undefined;
  let output: Output | undefined;
  const open = () => {
    stream = createWriteStream(path);
    output = streamOutput(stream, path);
    return output;
  };
  return {
    write: (chunk) => (output ?? open()).write(chunk),
    async close() {
      if (!stream) return;
      const file = stream;
      await new Promise<void>((resolve, reject) => {
        file.once('error', (cause) => reject(ioError(`cannot write ${path}`, cause)));
        file.end(() => resolve());
      });
    },
  };
}
