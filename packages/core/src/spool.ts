import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ChainChecker, describeSegment, type SegmentDescription, SegmentParser } from '@tapline/frames';
import type {
  DeliveryReceipt,
  EndReasonName,
  RecordingInfo,
  RecordingSignature,
  SessionSummary,
  SinkCheckpoint,
} from './contracts.js';
import { coreError, errorCode, errorMessage } from './errors.js';
import { fsyncDirectory, writeFileAtomic } from './fs-util.js';

export interface SpoolOptions {
  /** Local directory for the write-ahead spool. Must be on a local disk. */
  directory: string;
  /**
   * fsync the spool file after each segment (`segment`) or never (`none`,
   * for tests and throwaway setups: a crash may lose the last segments).
   * @default 'segment'
   */
  fsync?: 'segment' | 'none';
  /** Spooled bytes one session may use. @default 2147483648 (2 GiB) */
  maxSessionBytes?: number;
  /** Spooled bytes all recordings together may use. @default 21474836480 (20 GiB) */
  maxTotalBytes?: number;
  /**
   * What happens when a quota is reached: `stop_content` keeps the session
   * going and records only metadata frames (commands, queries, stream events)
   * with a counted gap; `end_session` ends the session with reason
   * `quota_exceeded`. @default 'stop_content'
   */
  quotaPolicy?: 'stop_content' | 'end_session';
}

/** What the spool remembers about how a recording ended. */
export interface SpoolEnd {
  reason: EndReasonName;
  detail?: string;
  errorCode?: string;
  complete: boolean;
  incompleteReason?: string;
  chainHash: string;
  segments: number;
  bytes: number;
  endedAt: number;
  summary?: SessionSummary;
  signature?: RecordingSignature;
}

interface RecordingFile {
  version: 1;
  info: RecordingInfo;
  sinks: string[];
  metadataSequence: number;
  end?: SpoolEnd;
}

export interface SinkProgress {
  checkpoint: SinkCheckpoint;
  delivered?: DeliveryReceipt;
}

interface SegmentEntry {
  offset: number;
  description: SegmentDescription;
}

const RECORDINGS = 'recordings';
const QUARANTINE = 'quarantine';
const SEGMENTS_FILE = 'segments.tapline';
const RECORDING_FILE = 'recording.json';
const CACHED_SEGMENTS = 8;

/** One problem found in the spool while recovering. */
export interface QuarantineEntry {
  sessionId: string;
  code: string;
  message: string;
  /** Where the unreadable bytes were moved. */
  path: string;
}

/**
 * The write-ahead spool: every segment is appended (and fsynced) to local disk
 * before it counts as recorded; sinks read from here at their own pace.
 *
 *   <directory>/recordings/<sessionId>/segments.tapline   the recording so far
 *   <directory>/recordings/<sessionId>/recording.json     grant, sinks, end state
 *   <directory>/recordings/<sessionId>/sink-<name>.json   each sink's checkpoint
 *   <directory>/quarantine/…                              what could not be read
 */
export class Spool {
  readonly directory: string;
  readonly fsync: boolean;
  readonly maxSessionBytes: number;
  readonly maxTotalBytes: number;
  readonly quotaPolicy: 'stop_content' | 'end_session';
  /** Bytes currently held by all recordings in the spool. */
  totalBytes = 0;

  constructor(options: SpoolOptions) {
    this.directory = resolve(options.directory);
    this.fsync = (options.fsync ?? 'segment') === 'segment';
    this.maxSessionBytes = options.maxSessionBytes ?? 2 * 1024 ** 3;
    this.maxTotalBytes = options.maxTotalBytes ?? 20 * 1024 ** 3;
    this.quotaPolicy = options.quotaPolicy ?? 'stop_content';
  }

  recordingDirectory(sessionId: string): string {
    return join(this.directory, RECORDINGS, sessionId);
  }

  /** Fails with TAPLINE_ERR_SPOOL_UNWRITABLE if the spool cannot take files. */
  async checkWritable(): Promise<void> {
    const probe = join(this.directory, `.probe-${process.pid}`);
    try {
      await mkdir(join(this.directory, RECORDINGS), { recursive: true });
      await writeFile(probe, 'ok');
      await rm(probe, { force: true });
    } catch (cause) {
      throw coreError(
        'TAPLINE_ERR_SPOOL_UNWRITABLE',
        `spool directory ${this.directory} is not writable`,
        cause,
        'spool',
      );
    }
  }

  async create(info: RecordingInfo, sinks: string[]): Promise<SpoolRecording> {
    const directory = this.recordingDirectory(info.sessionId);
    try {
      await mkdir(directory, { recursive: true });
      const handle = await open(join(directory, SEGMENTS_FILE), 'wx+');
      const recording = new SpoolRecording(
        this,
        directory,
        { version: 1, info, sinks, metadataSequence: 0 },
        handle,
      );
      await recording.saveRecordingFile();
      if (this.fsync) await fsyncDirectory(join(this.directory, RECORDINGS));
      return recording;
    } catch (cause) {
      throw coreError(
        'TAPLINE_ERR_SPOOL_UNWRITABLE',
        `cannot create spool files in ${directory}`,
        cause,
        'spool',
      );
    }
  }

  /**
   * Loads every recording left in the spool (after a restart or crash): whole
   * segments are kept, a torn or damaged tail is cut off and quarantined, and
   * a recording that cannot be read at all is moved to quarantine.
   */
  async loadAll(): Promise<{ recordings: SpoolRecording[]; quarantined: QuarantineEntry[] }> {
    const recordings: SpoolRecording[] = [];
    const quarantined: QuarantineEntry[] = [];
    let names: string[] = [];
    try {
      names = await readdir(join(this.directory, RECORDINGS));
    } catch {
      return { recordings, quarantined };
    }
    for (const sessionId of names.sort()) {
      const directory = this.recordingDirectory(sessionId);
      let file: RecordingFile;
      try {
        file = JSON.parse(await readFile(join(directory, RECORDING_FILE), 'utf8')) as RecordingFile;
        if (file.version !== 1 || file.info?.sessionId !== sessionId)
          throw new Error('not a spool recording file');
      } catch (cause) {
        quarantined.push(await this.#quarantineDirectory(sessionId, 'TAPLINE_ERR_SPOOL_CORRUPT', cause));
        continue;
      }
      const handle = await open(join(directory, SEGMENTS_FILE), 'a+');
      const recording = new SpoolRecording(this, directory, file, handle);
      const torn = await recording.rebuildIndex();
      if (torn) quarantined.push(torn);
      recordings.push(recording);
    }
    return { recordings, quarantined };
  }

  async moveToQuarantine(sessionId: string, name: string, bytes: Uint8Array): Promise<string> {
    const directory = join(this.directory, QUARANTINE);
    await mkdir(directory, { recursive: true });
    const path = join(directory, `${sessionId}-${Date.now()}-${name}`);
    await writeFile(path, bytes);
    return path;
  }

  async #quarantineDirectory(sessionId: string, code: string, cause: unknown): Promise<QuarantineEntry> {
    const target = join(this.directory, QUARANTINE, `${sessionId}-${Date.now()}`);
    await mkdir(join(this.directory, QUARANTINE), { recursive: true });
    await rename(this.recordingDirectory(sessionId), target);
    return { sessionId, code, message: `spool recording unreadable: ${errorMessage(cause)}`, path: target };
  }
}

/** One recording in the spool: its segment file, index, end state and sink checkpoints. */
export class SpoolRecording {
  readonly spool: Spool;
  readonly directory: string;
  readonly sessionId: string;
  readonly #file: RecordingFile;
  readonly #handle: FileHandle;
  readonly #segments: SegmentEntry[] = [];
  readonly #cache = new Map<number, Uint8Array>();
  #bytes = 0;
  #waiters: Array<() => void> = [];
  #closed = false;
  /** recording.json writes, one at a time and in order: the last one written wins. */
  #saving: Promise<void> = Promise.resolve();

  constructor(spool: Spool, directory: string, file: RecordingFile, handle: FileHandle) {
    this.spool = spool;
    this.directory = directory;
    this.sessionId = file.info.sessionId;
    this.#file = file;
    this.#handle = handle;
  }

  get info(): RecordingInfo {
    return this.#file.info;
  }

  get sinks(): readonly string[] {
    return this.#file.sinks;
  }

  get end(): SpoolEnd | undefined {
    return this.#file.end;
  }

  get segmentCount(): number {
    return this.#segments.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  segment(index: number): SegmentDescription | undefined {
    return this.#segments[index]?.description;
  }

  get lastSegment(): SegmentDescription | undefined {
    return this.#segments.at(-1)?.description;
  }

  /** Appends one whole segment and makes it durable before resolving. */
  async append(segment: Uint8Array): Promise<SegmentDescription> {
    const description = describeSegment(segment);
    if (description.segmentIndex !== this.#segments.length) {
      throw coreError(
        'TAPLINE_ERR_SPOOL_ORDER',
        `segment ${description.segmentIndex} out of order`,
        undefined,
        'spool',
      );
    }
    try {
      await this.#handle.write(segment, 0, segment.byteLength, this.#bytes);
      if (this.spool.fsync) await this.#handle.datasync();
    } catch (cause) {
      throw coreError(
        'TAPLINE_ERR_SPOOL_WRITE',
        `cannot append to the spool of ${this.sessionId}`,
        cause,
        'spool',
      );
    }
    this.#segments.push({ offset: this.#bytes, description });
    this.#bytes += segment.byteLength;
    this.spool.totalBytes += segment.byteLength;
    this.#cache.set(description.segmentIndex, segment);
    if (this.#cache.size > CACHED_SEGMENTS) this.#cache.delete(this.#cache.keys().next().value!);
    this.#wake();
    return description;
  }

  /** Reads segment `index` back: from memory while it is recent, else from disk. */
  async read(index: number): Promise<Uint8Array> {
    const cached = this.#cache.get(index);
    if (cached) return cached;
    const entry = this.#segments[index];
    if (!entry)
      throw coreError('TAPLINE_ERR_SPOOL_READ', `no segment ${index} in the spool`, undefined, 'spool');
    const buffer = Buffer.allocUnsafe(entry.description.byteLength);
    const { bytesRead } = await this.#handle.read(buffer, 0, buffer.length, entry.offset);
    if (bytesRead !== buffer.length) {
      throw coreError('TAPLINE_ERR_SPOOL_READ', `short read of segment ${index}`, undefined, 'spool');
    }
    return buffer;
  }

  /** Resolves when a segment is appended or the recording is sealed. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  async seal(end: SpoolEnd): Promise<void> {
    this.#file.end = end;
    await this.saveRecordingFile();
    this.#wake();
  }

  nextMetadataSequence(): number {
    return this.#file.metadataSequence++;
  }

  saveRecordingFile(): Promise<void> {
    const save = this.#saving.then(() =>
      writeFileAtomic(join(this.directory, RECORDING_FILE), JSON.stringify(this.#file), this.spool.fsync),
    );
    this.#saving = save.catch(() => {});
    return save;
  }

  async loadSinkProgress(sink: string): Promise<SinkProgress> {
    try {
      return JSON.parse(await readFile(this.#sinkFile(sink), 'utf8')) as SinkProgress;
    } catch {
      return { checkpoint: { segments: 0 } };
    }
  }

  async saveSinkProgress(sink: string, progress: SinkProgress): Promise<void> {
    await writeFileAtomic(this.#sinkFile(sink), JSON.stringify(progress), this.spool.fsync);
  }

  #sinkFile(sink: string): string {
    return join(this.directory, `sink-${encodeURIComponent(sink)}.json`);
  }

  /**
   * Scans the segment file after a restart. Keeps the whole, chained
   * segments; a torn or damaged tail is moved to quarantine and cut off.
   */
  async rebuildIndex(): Promise<QuarantineEntry | undefined> {
    const size = (await this.#handle.stat()).size;
    const parser = new SegmentParser();
    const chain = new ChainChecker();
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    let position = 0;
    let failure: unknown;
    try {
      while (position < size) {
        const { bytesRead } = await this.#handle.read(chunk, 0, chunk.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        parser.parse(chunk.subarray(0, bytesRead), (segment) => {
          chain.check(segment);
          this.#segments.push({ offset: this.#bytes, description: describeSegment(segment.bytes) });
          this.#bytes += segment.bytes.length;
        });
      }
      parser.end();
    } catch (error) {
      failure = error;
    }
    this.spool.totalBytes += this.#bytes;
    if (this.#bytes === size) return undefined;
    const tail = Buffer.allocUnsafe(size - this.#bytes);
    await this.#handle.read(tail, 0, tail.length, this.#bytes);
    const path = await this.spool.moveToQuarantine(this.sessionId, 'tail.bin', tail);
    await this.#handle.truncate(this.#bytes);
    await this.#handle.sync();
    return {
      sessionId: this.sessionId,
      code: errorCode(failure),
      message: `${tail.length} bytes after segment ${this.#segments.length - 1} could not be read (${errorMessage(failure)})`,
      path,
    };
  }

  /** Reads the whole spooled recording (recovery decodes it for its summary). */
  async readAll(): Promise<Uint8Array> {
    const buffer = Buffer.allocUnsafe(this.#bytes);
    if (this.#bytes > 0) await this.#handle.read(buffer, 0, this.#bytes, 0);
    return buffer;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#saving;
    await this.#handle.close().catch(() => {});
  }

  /** Removes the recording from the spool once every sink has it. */
  async remove(): Promise<void> {
    await this.close();
    this.spool.totalBytes -= this.#bytes;
    await rm(this.directory, { recursive: true, force: true });
  }

  async sizeOnDisk(): Promise<number> {
    return (await stat(join(this.directory, SEGMENTS_FILE))).size;
  }
}
