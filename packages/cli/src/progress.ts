import { formatBytes } from './format.js';

export interface ProgressTarget {
  write(text: string): unknown;
  columns?: number;
}

export interface Progress {
  add(bytes: number): void;
  /** Clears the bar. */
  done(): void;
}

const noProgress: Progress = { add() {}, done() {} };

/** The bar's text: `label [#########-----------]  45%  12.3 MiB / 27.0 MiB`. */
export function renderProgress(label: string, done: number, total: number | undefined, width = 24): string {
  if (total === undefined || total <= 0) return `${label}  ${formatBytes(done)}`;
  const fraction = Math.min(1, done / total);
  const filled = Math.round(fraction * width);
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}  ${formatBytes(done)} / ${formatBytes(total)}`;
}

/**
 * A one-line progress bar redrawn in place (carriage return) at most every
 * `intervalMs`, for long reads. Callers enable it only when stderr is a
 * terminal (or when asked with --progress).
 */
export function createProgress(
  target: ProgressTarget | undefined,
  label: string,
  total: number | undefined,
  intervalMs = 100,
): Progress {
  if (!target) return noProgress;
  let done = 0;
  let lastDraw = 0;
  let drawn = false;
  const draw = () => {
    const line = renderProgress(label, done, total);
    const width = target.columns ?? 100;
    target.write(`\r${line.slice(0, Math.max(10, width - 1))}\x1b[K`);
    drawn = true;
  };
  return {
    add(bytes) {
      done += bytes;
      const now = Date.now();
      if (now - lastDraw >= intervalMs) {
        lastDraw = now;
        draw();
      }
    },
    done() {
      if (!drawn) return;
      draw();
      target.write('\r\x1b[K');
    },
  };
}

/** Passes chunks through, counting them into `progress`. */
export async function* counted(
  source: AsyncIterable<Uint8Array>,
  progress: Progress,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    progress.add(chunk.byteLength);
    yield chunk;
  }
}
