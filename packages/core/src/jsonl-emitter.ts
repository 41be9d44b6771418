import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { contentForEmitter, DEFAULT_MAX_CONTENT_BYTES } from './action-metadata.js';
import type { MetadataEmitter, MetadataEvent } from './contracts.js';
import { warnDeprecated } from './deprecation.js';
import { coreError } from './errors.js';
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE } from './fs-util.js';

export interface JsonlMetadataEmitterOptions {
  /** File the events are appended to, one JSON object per line. */
  path: string;
  /**
   * `event`: fsync after each event, so `emit()` resolving means durable.
   * `none`: leave it to the OS (events can be lost on power loss).
   * (`true`/`false` are the deprecated spellings.)
   * @default 'event'
   */
  fsync?: 'event' | 'none' | boolean;
  /** Mode of the file when the emitter creates it. @default 0o600 */
  fileMode?: number;
  /** @default 'jsonl' */
  name?: string;
  /**
   * Write session content: `session.action` events (one per command, query,
   * API call, file operation) and `data.content` (command text, query text,
   * API path...), after the recorder's redaction hooks. Off by default: the
   * file then holds ids, counts and outcomes only.
   * @default false
   */
  includeContent?: boolean;
  /** Each string under `data.content` is cut to this many UTF-8 bytes (`data.contentTruncated`). @default 4096 */
  maxContentBytes?: number;
}

/** The embedded default emitter: appends each event as a JSON line to a file. */
export function createJsonlMetadataEmitter(options: JsonlMetadataEmitterOptions): MetadataEmitter {
  const path = resolve(options.path);
  const fsync = eventFsync(options.fsync, 'createJsonlMetadataEmitter({ fsync: boolean })');
  let handle: Promise<FileHandle> | undefined;
  let closed = false;
  // Appends are serialized so lines never interleave and order is kept.
  let tail: Promise<void> = Promise.resolve();
  const getHandle = () => {
    handle ??= mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIRECTORY_MODE }).then(() =>
      open(path, 'a', options.fileMode ?? PRIVATE_FILE_MODE),
    );
    return handle;
  };
  const includeContent = options.includeContent === true;
  const maxContentBytes = options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES;
  return {
    name: options.name ?? 'jsonl',
    includeContent,
    emit(event: MetadataEvent): Promise<void> {
      if (closed) {
        return Promise.reject(
          coreError('TAPLINE_ERR_METADATA_CLOSED', 'emit() after close()', undefined, 'jsonl-emitter'),
        );
      }
      const line = `${JSON.stringify(contentForEmitter(event, includeContent, maxContentBytes))}\n`;
      const done = tail.then(async () => {
        try {
          const file = await getHandle();
          await file.appendFile(line);
          if (fsync) await file.datasync();
        } catch (cause) {
          throw coreError('TAPLINE_ERR_METADATA_WRITE', `cannot append to ${path}`, cause, 'jsonl-emitter');
        }
      });
      tail = done.catch(() => {});
      return done;
    },
    async close(): Promise<void> {
      closed = true;
      await tail;
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}

/** The event-log `fsync` option, accepting the deprecated boolean spelling. */
export function eventFsync(value: 'event' | 'none' | boolean | undefined, oldName: string): boolean {
  if (typeof value === 'boolean') {
    warnDeprecated(oldName, "fsync: 'event' | 'none'");
    return value;
  }
  if (value !== undefined && value !== 'event' && value !== 'none') {
    throw coreError(
      'TAPLINE_ERR_INVALID_OPTION',
      `fsync: 'event' or 'none', not ${String(value)}`,
      undefined,
      'jsonl-emitter',
    );
  }
  return value !== 'none';
}
