// A Tapline sink in a few dozen lines: each recording is a directory, each
// segment a file in it, written durably (temp file, fsync, rename, fsync the
// directory), then a manifest at close. Every write is a checkpoint, so after
// a crash the spool resumes at the first segment that is not on disk.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RecordingInfo, Sink, SinkRecording } from '@tapline/core';
import { TaplineError } from '@tapline/frames';

export interface SegmentDirectorySinkOptions {
  /** Recordings go to `<directory>/<session id>/00000000.segment`, … and `manifest.json`. */
  directory: string;
  /** @default 'segment-directory' */
  name?: string;
}

const segmentFile = (index: number): string => `${String(index).padStart(8, '0')}.segment`;

async function writeDurably(path: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await open(`${path}.tmp`, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(`${path}.tmp`, path);
}

async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync(); // makes the renames in it durable
  } finally {
    await handle.close();
  }
}

export function createSegmentDirectorySink(options: SegmentDirectorySinkOptions): Sink {
  const folderOf = (recording: RecordingInfo) => join(resolve(options.directory), recording.sessionId);
  const fail = (code: string, message: string) =>
    new TaplineError(code, message, { component: 'segment-directory-sink' });
  return {
    name: options.name ?? 'segment-directory',
    locate: (recording) => `${pathToFileURL(folderOf(recording)).href}/`,
    async open(recording, resume): Promise<SinkRecording> {
      const folder = folderOf(recording);
      await mkdir(folder, { recursive: true });
      // The spool replays from resume.segments: files past it (if any) are rewritten.
      let next = resume?.segments ?? 0;
      let bytes = (resume?.state as { bytes: number } | undefined)?.bytes ?? 0;
      let finished = false;
      return {
        async write(segment, info) {
          if (finished) throw fail('TAPLINE_ERR_SINK_CLOSED', 'write after close or abort');
          if (info.segmentIndex !== next) {
            throw fail('TAPLINE_ERR_SINK_ORDER', `expected segment ${next}, got ${info.segmentIndex}`);
          }
          await writeDurably(join(folder, segmentFile(next)), segment);
          await syncDirectory(folder);
          next += 1;
          bytes += segment.byteLength;
          return { segments: next, state: { bytes } }; // durable: the spool may forget these segments
        },
        async close(summary) {
          if (finished) throw fail('TAPLINE_ERR_SINK_CLOSED', 'close after close or abort');
          const manifest = {
            sessionId: recording.sessionId,
            startedAt: recording.startedAt,
            ...summary,
            segments: next,
            bytes,
          };
          await writeDurably(join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
          await syncDirectory(folder);
          finished = true;
          return { location: `${pathToFileURL(folder).href}/`, bytes };
        },
        async abort() {
          finished = true; // every segment written is already durable: nothing to undo, nothing to delete
        },
      };
    },
  };
}

/** The recording's bytes, segment by segment, for `readFrames()` / `verifyRecording()` of @tapline/frames. */
export async function* readSegmentDirectory(location: string): AsyncGenerator<Uint8Array> {
  const folder = fileURLToPath(location);
  const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as { segments: number };
  for (let index = 0; index < manifest.segments; index++)
    yield await readFile(join(folder, segmentFile(index)));
}
