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
import { MAX_TIME_MS, validateContext } from './context.js';
import type {
  DeliveryReceipt,
  EndReasonName,
  RecordingInfo,
  RecordingSignature,
  SessionSummary,
  SinkCheckpoint,
  SpooledFile,
} from './contracts.js';
import { coreError, errorCode, errorMessage } from './errors.js';
import {
  fsyncDirectory,
  isNoSpace,
  PRIVATE_DIRECTORY_MODE,
  PRIVATE_FILE_MODE,
  writeFileAtomic,
} from './fs-util.js';

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
  /** Mode of the files the spool creates (session content). @default 0o600 */
  fileMode?: number;
  /** Mode of the directories the spool creates. @default 0o700 */
  directoryMode?: number;
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
  /** Hash of segment `checkpoint.segments - 1` when the checkpoint was saved: a resume checks it still is. */
  chainHash?: string;
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
const RESERVE_FILE = 'reserve.bin';
/** Far above the largest valid grant (context limits) plus the end state: a bigger file is not ours. */
const MAX_RECORDING_FILE_BYTES = 4 * 1024 * 1024;
const CACHED_SEGMENTS = 8;
/**
 * Bytes kept free for last segments. When the disk fills, sessions stop
 * spooling content and each writes one small last segment (a gap annotation
 * and the end); the reserve file is deleted to make room for those.
 */
const RESERVE_BYTES = 1024 * 1024;
/**
 * Room a quota keeps for that last segment: content segments stop this far
 * below the quota, so the segment saying why content stopped still fits.
 */
const TAIL_HEADROOM_BYTES = 4096;

/** The room below each quota that content segments leave for the tail. */
export function tailHeadroom(maxSessionBytes: number): number {
  return Math.min(TAIL_HEADROOM_BYTES, maxSessionBytes / 4);
}

/** One problem found in the spool while recovering. */
export interface QuarantineEntry {
  sessionId: string;
  code: string;
  message: string;
  /** Where the unreadable bytes were moved ('' when they could not be moved and stay in place). */
  path: string;
  /** The spool had no room to quarantine it: left in place for the next `recover()`. */
  deferred?: boolean;
}

/** Whether a segment may go in: content segments leave room for the last one. */
export type AppendKind = 'content' | 'tail';

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
  /** Segments appended since the spool was opened (a metric). */
  segmentsSpooled = 0;
  /**
   * Set when a write found the disk full: content appends are refused without
   * touching the disk (so last segments get the room that is left) until the
   * reserve file can be written again.
   */
  #full = false;
  #reserved = false;

  readonly fileMode: number;
  readonly directoryMode: number;

  constructor(options: SpoolOptions) {
    this.directory = resolve(options.directory);
    this.fsync = (options.fsync ?? 'segment') === 'segment';
    this.maxSessionBytes = options.maxSessionBytes ?? 2 * 1024 ** 3;
    this.maxTotalBytes = options.maxTotalBytes ?? 20 * 1024 ** 3;
    this.quotaPolicy = options.quotaPolicy ?? 'stop_content';
    this.fileMode = options.fileMode ?? PRIVATE_FILE_MODE;
    this.directoryMode = options.directoryMode ?? PRIVATE_DIRECTORY_MODE;
  }

  get full(): boolean {
    return this.#full;
  }

  /** A write failed for lack of space. */
  noteFull(): void {
    this.#full = true;
  }

  recordingDirectory(sessionId: string): string {
    return join(this.directory, RECORDINGS, sessionId);
  }

  /**
   * Makes sure the reserve file exists; clears the full state when it could be
   * written (space has returned). Returns whether the spool has room.
   */
  /** One reserve rewrite at a time: sessions starting together shared its temporary file (a failed rename refused a session). */
  #regaining: Promise<boolean> | undefined;

  regainSpace(): Promise<boolean> {
    this.#regaining ??= this.#regainSpace().finally(() => {
      this.#regaining = undefined;
    });
    return this.#regaining;
  }

  async #regainSpace(): Promise<boolean> {
    if (this.#reserved && !this.#full) return true;
    const path = join(this.directory, RESERVE_FILE);
    try {
      await mkdir(join(this.directory, RECORDINGS), { recursive: true, mode: this.directoryMode });
      const size = await stat(path).then(
        (stats) => stats.size,
        () => -1,
      );
      if (size !== RESERVE_BYTES) {
        await writeFileAtomic(path, Buffer.alloc(RESERVE_BYTES), false, this.fileMode);
      } else if (this.#full) {
        // The reserve is still there: room has returned only if as much again fits beside it.
        const probe = `${path}.probe`;
        try {
          await writeFileAtomic(probe, Buffer.alloc(RESERVE_BYTES), false, this.fileMode);
        } finally {
          await rm(probe, { force: true }).catch(() => {});
        }
      }
      this.#reserved = true;
      this.#full = false;
      return true;
    } catch (cause) {
      if (!isNoSpace(cause)) throw cause;
      this.#full = true;
      return false;
    }
  }

  /** Deletes the reserve file so last segments can be written on a full disk. */
  async releaseReserve(): Promise<boolean> {
    if (!this.#reserved) return false;
    this.#reserved = false;
    await rm(join(this.directory, RESERVE_FILE), { force: true }).catch(() => {});
    return true;
  }

  /** Fails with TAPLINE_ERR_SPOOL_UNWRITABLE if the spool cannot take files. */
  async checkWritable(): Promise<void> {
    const probe = join(this.directory, `.probe-${process.pid}`);
    try {
      await mkdir(join(this.directory, RECORDINGS), { recursive: true, mode: this.directoryMode });
      await writeFile(probe, 'ok', { mode: this.fileMode });
    } catch (cause) {
      throw this.#unwritable(`spool directory ${this.directory} is not writable`, cause);
    } finally {
      await rm(probe, { force: true }).catch(() => {});
    }
  }

  /**
   * Creates the spool files of a new recording. A refusal (no space, no
   * permission) leaves nothing behind: no handle, no directory.
   */
  async create(info: RecordingInfo, sinks: string[]): Promise<SpoolRecording> {
    const directory = this.recordingDirectory(info.sessionId);
    let handle: FileHandle | undefined;
    let madeDirectory = false;
    try {
      if (!(await this.regainSpace())) throw coreError('TAPLINE_ERR_SPOOL_FULL', 'the spool disk is full');
      await mkdir(directory, { mode: this.directoryMode });
      madeDirectory = true;
      handle = await open(join(directory, SEGMENTS_FILE), 'wx+', this.fileMode);
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
      await handle?.close().catch(() => {});
      if (madeDirectory) await rm(directory, { recursive: true, force: true }).catch(() => {});
      throw this.#unwritable(`cannot create spool files in ${directory}`, cause);
    }
  }

  #unwritable(message: string, cause: unknown) {
    if (isNoSpace(cause)) {
      this.#full = true;
      return coreError('TAPLINE_ERR_SPOOL_FULL', `${message}: the disk is full`, cause, 'spool');
    }
    return coreError('TAPLINE_ERR_SPOOL_UNWRITABLE', message, cause, 'spool');
  }

  /**
   * Loads every recording left in the spool (after a restart or crash): whole
   * segments are kept, a torn or damaged tail is cut off and quarantined, and
   * a recording that cannot be read at all is moved to quarantine. Never
   * throws: every problem becomes an entry in `quarantined`. `skip` names
   * recordings this process is using (never touched).
   */
  async loadAll(
    skip: (sessionId: string) => boolean = () => false,
  ): Promise<{ recordings: SpoolRecording[]; quarantined: QuarantineEntry[] }> {
    const recordings: SpoolRecording[] = [];
    const quarantined: QuarantineEntry[] = [];
    let names: string[] = [];
    try {
      names = await readdir(join(this.directory, RECORDINGS));
    } catch {
      return { recordings, quarantined };
    }
    await this.regainSpace().catch(() => false);
    for (const sessionId of names.sort()) {
      if (skip(sessionId)) continue;
      const loaded = await this.#load(sessionId);
      if (loaded.recording) recordings.push(loaded.recording);
      if (loaded.problem) quarantined.push(loaded.problem);
    }
    return { recordings, quarantined };
  }

  async #load(sessionId: string): Promise<{ recording?: SpoolRecording; problem?: QuarantineEntry }> {
    const directory = this.recordingDirectory(sessionId);
    let file: RecordingFile;
    try {
      const size = (await stat(join(directory, RECORDING_FILE))).size;
      if (size > MAX_RECORDING_FILE_BYTES) {
        throw coreError(
          'TAPLINE_ERR_SPOOL_CORRUPT',
          `${RECORDING_FILE} is ${size} bytes`,
          undefined,
          'spool',
        );
      }
      file = parseRecordingFile(await readFile(join(directory, RECORDING_FILE), 'utf8'), sessionId);
    } catch (cause) {
      return { problem: await this.quarantineRecording(sessionId, 'TAPLINE_ERR_SPOOL_CORRUPT', cause) };
    }
    let handle: FileHandle | undefined;
    try {
      // 'r+', not 'a+': a missing segments file is damage to report, not a file to create.
      handle = await open(join(directory, SEGMENTS_FILE), 'r+');
      if (!(await handle.stat()).isFile()) {
        throw coreError('TAPLINE_ERR_SPOOL_CORRUPT', `${SEGMENTS_FILE} is not a file`, undefined, 'spool');
      }
    } catch (cause) {
      await handle?.close().catch(() => {});
      return { problem: await this.quarantineRecording(sessionId, 'TAPLINE_ERR_SPOOL_CORRUPT', cause) };
    }
    const recording = new SpoolRecording(this, directory, file, handle);
    let torn: QuarantineEntry | undefined;
    try {
      torn = await recording.rebuildIndex();
    } catch (cause) {
      await recording.close();
      recording.forget();
      if (isNoSpace(cause)) {
        // The torn tail could not be copied to quarantine: keep everything as it is for the next start.
        return {
          problem: {
            sessionId,
            code: 'TAPLINE_ERR_SPOOL_FULL',
            message: `no room to quarantine the damaged tail: left in the spool (${errorMessage(cause)})`,
            path: '',
            deferred: true,
          },
        };
      }
      return { problem: await this.quarantineRecording(sessionId, errorCode(cause), cause) };
    }
    if (recording.segmentCount === 0) {
      // Nothing whole to deliver (a crash before the first segment was durable,
      // or the file was emptied): say so instead of inventing a recording.
      await recording.close();
      recording.forget();
      const cause = coreError(
        'TAPLINE_ERR_EMPTY',
        'the spooled recording holds no whole segment',
        undefined,
        'spool',
      );
      return { problem: await this.quarantineRecording(sessionId, 'TAPLINE_ERR_EMPTY', cause) };
    }
    return torn ? { recording, problem: torn } : { recording };
  }

  async moveToQuarantine(sessionId: string, name: string, bytes: Uint8Array): Promise<string> {
    const directory = join(this.directory, QUARANTINE);
    await mkdir(directory, { recursive: true, mode: this.directoryMode });
    const path = join(directory, `${sessionId}-${Date.now()}-${name}`);
    try {
      await writeFile(path, bytes, { mode: this.fileMode });
    } catch (error) {
      await rm(path, { force: true }).catch(() => {});
      throw error;
    }
    return path;
  }

  /**
   * Moves a whole recording directory to quarantine (a rename: it needs no
   * space). Never throws; when even the rename fails the entry says so and
   * the recording stays where it is.
   */
  async quarantineRecording(sessionId: string, code: string, cause: unknown): Promise<QuarantineEntry> {
    const target = join(this.directory, QUARANTINE, `${sessionId}-${Date.now()}`);
    const message = `spool recording unreadable: ${errorMessage(cause)}`;
    try {
      await mkdir(join(this.directory, QUARANTINE), { recursive: true, mode: this.directoryMode });
      await rename(this.recordingDirectory(sessionId), target);
      return { sessionId, code, message, path: target };
    } catch (error) {
      return { sessionId, code, message: `${message}; not moved: ${errorMessage(error)}`, path: '' };
    }
  }
}

/** Reads recording.json, treating every field as hostile. */
function parseRecordingFile(text: string, sessionId: string): RecordingFile {
  const problem = (what: string) =>
    coreError('TAPLINE_ERR_SPOOL_CORRUPT', `${RECORDING_FILE}: ${what}`, undefined, 'spool');
  const file = JSON.parse(text) as Partial<RecordingFile> | null;
  if (typeof file !== 'object' || file === null || file.version !== 1)
    throw problem('not a spool recording file');
  const info = file.info as Partial<RecordingInfo> | undefined;
  if (typeof info !== 'object' || info === null || info.sessionId !== sessionId)
    throw problem('info.sessionId does not name this recording');
  if (!isTime(info.startedAt)) throw problem('info.startedAt is not a time');
  if (typeof info.context !== 'object' || info.context === null || info.context.sessionId !== sessionId)
    throw problem('info.context does not belong to this recording');
  try {
    validateContext(info.context, 0);
  } catch (cause) {
    throw coreError('TAPLINE_ERR_SPOOL_CORRUPT', `${RECORDING_FILE}: ${errorMessage(cause)}`, cause, 'spool');
  }
  if (!Array.isArray(file.sinks) || !file.sinks.every((sink) => typeof sink === 'string'))
    throw problem('sinks is not a list of names');
  if (!Number.isSafeInteger(file.metadataSequence) || (file.metadataSequence as number) < 0)
    throw problem('metadataSequence is not a count');
  const end = file.end;
  // A damaged end state is dropped, not fatal: recovery seals the recording again from its segments.
  const { end: _end, ...rest } = file as RecordingFile;
  return isSpoolEnd(end) ? { ...rest, end } : rest;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIME_MS;
}

function isSpoolEnd(value: unknown): value is SpoolEnd {
  if (typeof value !== 'object' || value === null) return false;
  const end = value as Partial<SpoolEnd>;
  const signature = end.signature as Partial<RecordingSignature> | undefined;
  return (
    (end.summary === undefined || (typeof end.summary === 'object' && end.summary !== null)) &&
    (signature === undefined ||
      (typeof signature === 'object' &&
        signature !== null &&
        typeof signature.keyId === 'string' &&
        typeof signature.value === 'string')) &&
    typeof end.reason === 'string' &&
    typeof end.complete === 'boolean' &&
    typeof end.chainHash === 'string' &&
    Number.isSafeInteger(end.segments) &&
    Number.isSafeInteger(end.bytes) &&
    isTime(end.endedAt)
  );
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

  /**
   * Appends one whole segment and makes it durable before resolving. A content
   * segment that would cross a quota is refused (TAPLINE_ERR_QUOTA_EXCEEDED)
   * before anything is written: the quota is a hard cap. A `tail` (the last
   * segment saying why content stopped) may use the headroom content leaves,
   * and on a full disk the spool's reserve. A write that fails is cut back
   * off, so the file always ends at a segment boundary.
   */
  async append(segment: Uint8Array, kind: AppendKind = 'content'): Promise<SegmentDescription> {
    const description = describeSegment(segment);
    if (description.segmentIndex !== this.#segments.length) {
      throw coreError(
        'TAPLINE_ERR_SPOOL_ORDER',
        `segment ${description.segmentIndex} out of order`,
        undefined,
        'spool',
      );
    }
    const spool = this.spool;
    const headroom = kind === 'tail' ? 0 : tailHeadroom(spool.maxSessionBytes);
    const length = segment.byteLength;
    const overSession = this.#bytes + length > spool.maxSessionBytes - headroom;
    if (overSession || spool.totalBytes + length > spool.maxTotalBytes - headroom) {
      throw coreError(
        'TAPLINE_ERR_QUOTA_EXCEEDED',
        `segment ${description.segmentIndex} (${length} bytes) would cross the spool's ${overSession ? 'session' : 'total'} quota`,
        undefined,
        'spool',
      );
    }
    if (spool.full && kind === 'content') {
      throw coreError(
        'TAPLINE_ERR_SPOOL_FULL',
        `the spool disk is full (${this.sessionId})`,
        undefined,
        'spool',
      );
    }
    try {
      await this.#write(segment);
    } catch (cause) {
      if (!(isNoSpace(cause) && kind === 'tail')) throw this.#writeFailed(cause);
      if (await spool.releaseReserve()) {
        await this.#write(segment).catch(() => this.#keepInMemory(description.segmentIndex));
      } else {
        this.#keepInMemory(description.segmentIndex);
      }
    }
    this.#segments.push({ offset: this.#bytes, description });
    this.#bytes += length;
    spool.totalBytes += length;
    spool.segmentsSpooled++;
    this.#cache.set(description.segmentIndex, segment);
    if (this.#cache.size > CACHED_SEGMENTS) this.#cache.delete(this.#cache.keys().next().value!);
    this.#wake();
    return description;
  }

  async #write(segment: Uint8Array): Promise<void> {
    try {
      // A nearly full disk gives a short write first; the next call reports ENOSPC.
      for (let done = 0; done < segment.byteLength; ) {
        const { bytesWritten } = await this.#handle.write(
          segment,
          done,
          segment.byteLength - done,
          this.#bytes + done,
        );
        if (bytesWritten === 0) throw Object.assign(new Error('the disk took no bytes'), { code: 'ENOSPC' });
        done += bytesWritten;
      }
      if (this.spool.fsync) await this.#handle.datasync();
    } catch (cause) {
      // A partial write leaves a torn segment: cut it off (and give its space back).
      await this.#handle.truncate(this.#bytes).catch(() => {});
      throw cause;
    }
  }

  /**
   * The disk is full even after the reserve went: the last segment is kept in
   * memory (the newest segment is never evicted from the cache) and delivered
   * from there. A restart before it is delivered finds the recording without
   * it and seals it as crashed — incomplete, and saying why.
   */
  #keepInMemory(segmentIndex: number): void {
    this.spool.noteFull();
    this.inMemoryTail = segmentIndex;
  }

  /** Index of a last segment held only in memory (the disk was full), if any. */
  inMemoryTail: number | undefined;

  #writeFailed(cause: unknown) {
    if (isNoSpace(cause)) {
      this.spool.noteFull();
      return coreError(
        'TAPLINE_ERR_SPOOL_FULL',
        `the spool disk is full (${this.sessionId})`,
        cause,
        'spool',
      );
    }
    return coreError(
      'TAPLINE_ERR_SPOOL_WRITE',
      `cannot append to the spool of ${this.sessionId}`,
      cause,
      'spool',
    );
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

  /**
   * The segment file of a sealed recording, for a sink that takes it whole
   * (`Sink.adopt`): undefined until the recording ends, and when its last
   * segment is held only in memory (the disk was full).
   */
  sealedFile(): SpooledFile | undefined {
    const end = this.#file.end;
    if (!end || end.segments !== this.#segments.length || this.inMemoryTail !== undefined) return undefined;
    return { path: join(this.directory, SEGMENTS_FILE), bytes: this.#bytes, segments: this.#segments.length };
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

  /**
   * Records how the recording ended. Deliveries are woken even when
   * recording.json cannot be written (a full disk): they work from memory,
   * and after a restart recovery seals the recording again from its segments.
   */
  async seal(end: SpoolEnd): Promise<void> {
    this.#file.end = end;
    try {
      await this.saveRecordingFile();
    } finally {
      this.#wake();
    }
  }

  /** Forgets an end state that does not describe the segments (recovery seals again). */
  dropEnd(): void {
    delete this.#file.end;
  }

  nextMetadataSequence(): number {
    return this.#file.metadataSequence++;
  }

  saveRecordingFile(): Promise<void> {
    const save = this.#saving.then(() =>
      writeFileAtomic(
        join(this.directory, RECORDING_FILE),
        JSON.stringify(this.#file),
        this.spool.fsync,
        this.spool.fileMode,
      ),
    );
    this.#saving = save.catch(() => {});
    return save;
  }

  /** A sink's saved progress; anything unreadable or malformed counts as none. */
  async loadSinkProgress(sink: string): Promise<SinkProgress> {
    const none: SinkProgress = { checkpoint: { segments: 0 } };
    try {
      const progress = JSON.parse(await readFile(this.#sinkFile(sink), 'utf8')) as SinkProgress | null;
      const segments = progress?.checkpoint?.segments;
      if (!Number.isSafeInteger(segments) || (segments as number) < 0) return none;
      return progress as SinkProgress;
    } catch {
      return none;
    }
  }

  async saveSinkProgress(sink: string, progress: SinkProgress): Promise<void> {
    await writeFileAtomic(
      this.#sinkFile(sink),
      JSON.stringify(progress),
      this.spool.fsync,
      this.spool.fileMode,
    );
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
    // Nothing whole: the caller quarantines the recording as it is.
    if (this.#bytes === size || this.#segments.length === 0) return undefined;
    const tail = Buffer.allocUnsafe(size - this.#bytes);
    await this.#handle.read(tail, 0, tail.length, this.#bytes);
    const path = await this.spool.moveToQuarantine(this.sessionId, 'tail.bin', tail); // may throw ENOSPC: the caller defers
    await this.#handle.truncate(this.#bytes);
    await this.#handle.sync();
    return {
      sessionId: this.sessionId,
      code: errorCode(failure),
      message: `${tail.length} bytes after segment ${this.#segments.length - 1} could not be read (${errorMessage(failure)})`,
      path,
    };
  }

  /** The spooled segments in order, one read at a time (recovery decodes them for its summary). */
  async *segments(): AsyncGenerator<Uint8Array> {
    for (let index = 0; index < this.#segments.length; index++) yield await this.read(index);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#wake();
    await this.#saving;
    await this.#handle.close().catch(() => {});
  }

  /** Takes the recording's bytes out of the spool's total (it is left on disk, not loaded). */
  forget(): void {
    this.spool.totalBytes -= this.#bytes;
    this.#bytes = 0;
    this.#segments.length = 0;
    this.#cache.clear();
  }

  /** Removes the recording from the spool once every sink has it; space freed may end a full state. */
  async remove(): Promise<void> {
    await this.close();
    this.forget();
    await rm(this.directory, { recursive: true, force: true });
    if (this.spool.full) await this.spool.regainSpace().catch(() => false);
  }

  async sizeOnDisk(): Promise<number> {
    return (await stat(join(this.directory, SEGMENTS_FILE))).size;
  }
}
