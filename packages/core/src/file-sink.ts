import { constants, copyFile, type FileHandle, link, mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  DeliveryReceipt,
  RecordingInfo,
  RecordingSummary,
  SegmentInfo,
  Sink,
  SinkCheckpoint,
  SinkRecording,
  SpooledFile,
} from './contracts.js';
import { coreError } from './errors.js';
import { fsyncDirectory, PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from './fs-util.js';

export interface FileSinkOptions {
  /** Where finished recordings go: `<directory>/<sessionId>.tapline`. */
  directory: string;
  /**
   * `segment`: fsync after every segment, so each write is a durable
   * checkpoint (a crash replays nothing twice and loses nothing).
   * `close`: fsync once at close; after a crash the file is rewritten from
   * the spool. @default 'segment'
   */
  fsync?: 'segment' | 'close';
  /** Mode of the recording and manifest files (session content). @default 0o600 */
  fileMode?: number;
  /** Mode of `directory` when the sink creates it. @default 0o700 */
  directoryMode?: number;
  /** @default 'file' */
  name?: string;
}

interface FileState {
  bytes: number;
}

/**
 * The embedded default sink: one file per recording. A finished recording's
 * spool file becomes `<id>.tapline.part` (`adopt`: linked or copied in the
 * kernel); a delivery resumed from a checkpoint (or one whose last segment
 * never reached the spool's disk) appends segments to it instead. Then the
 * part file is fsynced, the manifest `<id>.tapline.json` (summary and
 * signature) written and the part file renamed to `<id>.tapline` atomically,
 * so a `.tapline` file is always whole.
 */
export function createFileSink(options: FileSinkOptions): Sink {
  const directory = resolve(options.directory);
  const fsyncEach = (options.fsync ?? 'segment') === 'segment';
  const fileMode = options.fileMode ?? PRIVATE_FILE_MODE;
  const directoryMode = options.directoryMode ?? PRIVATE_DIRECTORY_MODE;
  const finalPath = (recording: RecordingInfo) => join(directory, `${recording.sessionId}.tapline`);
  /** Writes the manifest, then renames the durable part file into place. */
  const publish = async (recording: RecordingInfo, summary: RecordingSummary) => {
    const path = finalPath(recording);
    await writeFileAtomic(
      `${path}.json`,
      `${JSON.stringify({ sessionId: recording.sessionId, startedAt: recording.startedAt, ...summary }, null, 2)}\n`,
      true,
      fileMode,
    );
    await rename(`${path}.part`, path);
    // A part file linked to the inode already in place (a delivery done again
    // after a crash) survives the rename: rename(2) does nothing then.
    await rm(`${path}.part`, { force: true });
    await fsyncDirectory(directory);
  };
  return {
    name: options.name ?? 'file',
    locate: (recording) => pathToFileURL(finalPath(recording)).href,
    /**
     * Takes the spool's file of a finished recording: a hard link when the
     * spool is on the same file system (nothing is copied; the spool then
     * deletes only its own name), else a copy inside the kernel
     * (copy_file_range). Either way the recording's bytes are written once.
     */
    async adopt(recording: RecordingInfo, spooled: SpooledFile, summary: RecordingSummary) {
      const path = finalPath(recording);
      const partPath = `${path}.part`;
      try {
        await mkdir(directory, { recursive: true, mode: directoryMode });
        await rm(partPath, { force: true });
        await link(spooled.path, partPath).catch(() =>
          copyFile(spooled.path, partPath, constants.COPYFILE_FICLONE),
        );
        const handle = await open(partPath, 'r');
        try {
          const size = (await handle.stat()).size;
          if (size !== spooled.bytes)
            throw new Error(`the spooled file holds ${size} bytes, not ${spooled.bytes}`);
          await handle.chmod(fileMode);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await publish(recording, summary);
      } catch (cause) {
        await rm(partPath, { force: true }).catch(() => {});
        throw coreError(
          'TAPLINE_ERR_SINK_ADOPT',
          `file sink cannot take ${spooled.path} as ${path}`,
          cause,
          'file-sink',
        );
      }
      return { location: pathToFileURL(path).href, bytes: spooled.bytes };
    },
    async open(recording: RecordingInfo, resume?: SinkCheckpoint): Promise<SinkRecording> {
      await mkdir(directory, { recursive: true, mode: directoryMode });
      const path = finalPath(recording);
      const partPath = `${path}.part`;
      let handle: FileHandle | undefined;
      let segments = 0;
      let bytes = 0;
      try {
        handle = await open(partPath, 'a+', fileMode);
        if (resume && resume.segments > 0) {
          // Keep exactly the durable prefix; anything after it is replayed by the spool.
          // The checkpoint comes from disk: it must fit the part file it describes.
          const resumeBytes = (resume.state as FileState | undefined)?.bytes;
          const size = (await handle.stat()).size;
          if (
            !Number.isSafeInteger(resumeBytes) ||
            (resumeBytes as number) < 0 ||
            (resumeBytes as number) > size
          ) {
            throw coreError(
              'TAPLINE_ERR_SINK_CHECKPOINT',
              `file sink checkpoint (${String(resumeBytes)} bytes) does not fit ${partPath} (${size} bytes)`,
              undefined,
              'file-sink',
            );
          }
          bytes = resumeBytes as number;
          segments = resume.segments;
        }
        await handle.truncate(bytes);
      } catch (cause) {
        await handle?.close().catch(() => {});
        if ((cause as { code?: unknown }).code === 'TAPLINE_ERR_SINK_CHECKPOINT') throw cause;
        throw coreError('TAPLINE_ERR_SINK_OPEN', `file sink cannot open ${partPath}`, cause, 'file-sink');
      }
      const file = handle;
      let closed = false;
      return {
        async write(segment: Uint8Array, info: SegmentInfo): Promise<SinkCheckpoint | undefined> {
          if (closed) throw coreError('TAPLINE_ERR_SINK_CLOSED', 'write after close', undefined, 'file-sink');
          if (info.segmentIndex !== segments) {
            throw coreError(
              'TAPLINE_ERR_SINK_ORDER',
              `file sink expected segment ${segments}, got ${info.segmentIndex}`,
              undefined,
              'file-sink',
            );
          }
          try {
            for (let done = 0; done < segment.byteLength; ) {
              const { bytesWritten } = await file.write(
                segment,
                done,
                segment.byteLength - done,
                bytes + done,
              );
              if (bytesWritten === 0)
                throw Object.assign(new Error('the disk took no bytes'), { code: 'ENOSPC' });
              done += bytesWritten;
            }
            if (fsyncEach) await file.datasync();
          } catch (cause) {
            throw coreError(
              'TAPLINE_ERR_SINK_WRITE',
              `file sink cannot write ${partPath}`,
              cause,
              'file-sink',
            );
          }
          bytes += segment.byteLength;
          segments++;
          return fsyncEach ? { segments, state: { bytes } satisfies FileState } : undefined;
        },
        async close(summary: RecordingSummary): Promise<DeliveryReceipt> {
          try {
            await file.sync();
            await file.close();
            closed = true;
            await publish(recording, summary);
          } catch (cause) {
            throw coreError('TAPLINE_ERR_SINK_CLOSE', `file sink cannot finish ${path}`, cause, 'file-sink');
          }
          return { location: pathToFileURL(path).href, bytes };
        },
        async abort(): Promise<void> {
          if (closed) return;
          closed = true;
          await file.close().catch(() => {});
        },
      };
    },
  };
}
