import { type FileHandle, open, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { TaplineError } from '@tapline/frames';
import { MetadataHttpErrorCode } from './errors.js';

// Outbox files are append-only logs of records:
//   u32 BE payload length | u32 BE CRC-32 of payload | payload (UTF-8 JSON)
// Payloads: {"t":"e","s":SEQ,"e":EVENT}  an event, durable once fsynced
//           {"t":"a","s":SEQ}            every event up to SEQ was delivered
// Files are named outbox-<first seq, 16 digits>.log and read in name order.

const RECORD_HEADER = 8;
/** A record larger than this is corruption, not an event. */
export const MAX_RECORD_BYTES: number = 16 * 1024 * 1024;
const FILE_PATTERN = /^outbox-(\d{16})\.log$/;

export interface OutboxEntry {
  seq: number;
  /** The event as JSON text, exactly as it will be sent. */
  json: string;
  id: string;
  sessionId: string;
}

export interface OutboxOptions {
  /** Start a new file past this size. @default 4194304 */
  maxFileBytes?: number;
  /** fsync every append (emit() resolves only after it). @default true */
  fsync?: boolean;
  /** Told about torn or corrupt records skipped while recovering. */
  onCorrupt?: (error: TaplineError) => void;
}

interface OutboxFile {
  name: string;
  /** Highest event seq in the file (-1 when none). */
  maxEventSeq: number;
}

/** What recovery found in one file's bytes; pure, so it can be fuzzed. */
export interface ParsedOutboxFile {
  events: Array<{ seq: number; json: string }>;
  /** Highest acknowledged seq seen (-1 when none). */
  ackedThrough: number;
  /** Bytes of whole, valid records from the start. */
  validBytes: number;
  /** Why parsing stopped early, when it did. */
  problem: 'truncated' | 'checksum' | 'oversized' | 'garbage' | undefined;
}

export function encodeRecord(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const record = Buffer.allocUnsafe(RECORD_HEADER + body.length);
  record.writeUInt32BE(body.length, 0);
  record.writeUInt32BE(crc32(body) >>> 0, 4);
  body.copy(record, RECORD_HEADER);
  return record;
}

export function eventPayload(seq: number, json: string): string {
  return `{"t":"e","s":${seq},"e":${json}}`;
}

/** Parses an outbox file's bytes, stopping at the first torn or corrupt record. */
export function parseOutboxFile(bytes: Uint8Array): ParsedOutboxFile {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: ParsedOutboxFile['events'] = [];
  let ackedThrough = -1;
  let offset = 0;
  let problem: ParsedOutboxFile['problem'];
  while (offset < view.length) {
    if (view.length - offset < RECORD_HEADER) {
      problem = 'truncated';
      break;
    }
    const length = view.readUInt32BE(offset);
    if (length > MAX_RECORD_BYTES) {
      problem = 'oversized';
      break;
    }
    if (view.length - offset - RECORD_HEADER < length) {
      problem = 'truncated';
      break;
    }
    const payload = view.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length);
    if (crc32(payload) >>> 0 !== view.readUInt32BE(offset + 4)) {
      problem = 'checksum';
      break;
    }
    const text = payload.toString('utf8');
    const event = /^\{"t":"e","s":(\d{1,15}),"e":/.exec(text);
    const ack = /^\{"t":"a","s":(\d{1,15})\}$/.exec(text);
    if (event && text.endsWith('}')) {
      events.push({ seq: Number(event[1]), json: text.slice(event[0].length, -1) });
    } else if (ack) {
      ackedThrough = Math.max(ackedThrough, Number(ack[1]));
    } else {
      problem = 'garbage';
      break;
    }
    offset += RECORD_HEADER + length;
  }
  return { events, ackedThrough, validBytes: offset, problem };
}

const lockedHere = new Set<string>();

function ioError(message: string, cause: unknown): TaplineError {
  return new TaplineError(MetadataHttpErrorCode.OUTBOX_IO, message, { component: 'metadata-http', cause });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fileName(seq: number): string {
  return `outbox-${String(seq).padStart(16, '0')}.log`;
}

/**
 * A durable FIFO of metadata events on disk: append with group commit (one
 * write + fdatasync for every emit() waiting at that moment), acknowledge
 * delivered prefixes, delete files once everything in them is delivered, and
 * rewrite the undelivered rest into a fresh file on every start (compaction).
 */
export class Outbox {
  readonly directory: string;
  readonly #maxFileBytes: number;
  readonly #fsync: boolean;
  #handle: FileHandle;
  #current: OutboxFile;
  #currentBytes: number;
  readonly #files: OutboxFile[];
  #nextSeq: number;
  /** Appends waiting for the writer; `seq` is set for events (acks need no fsync). */
  #queue: Array<{
    record: Buffer;
    seq: number | undefined;
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  private constructor(
    directory: string,
    handle: FileHandle,
    current: OutboxFile,
    currentBytes: number,
    nextSeq: number,
    options: OutboxOptions,
  ) {
    this.directory = directory;
    this.#handle = handle;
    this.#current = current;
    this.#currentBytes = currentBytes;
    this.#files = [current];
    this.#nextSeq = nextSeq;
    this.#maxFileBytes = options.maxFileBytes ?? 4 * 1024 * 1024;
    this.#fsync = options.fsync ?? true;
  }

  /** Opens (and locks) the outbox in `directory`, returning it and the undelivered events in order. */
  static async open(
    directory: string,
    options: OutboxOptions = {},
  ): Promise<{ outbox: Outbox; pending: OutboxEntry[] }> {
    const dir = resolve(directory);
    await takeLock(dir);
    try {
      const names = (await readdir(dir)).filter((name) => FILE_PATTERN.test(name)).sort();
      const bySeq = new Map<number, string>();
      let acked = -1;
      let maxSeq = -1;
      for (const name of names) {
        const parsed = parseOutboxFile(await readFile(join(dir, name)));
        if (parsed.problem) {
          options.onCorrupt?.(
            new TaplineError(
              MetadataHttpErrorCode.OUTBOX_IO,
              `outbox file ${name}: ${parsed.problem} record at byte ${parsed.validBytes}; the rest of the file is skipped`,
              {
                component: 'metadata-http',
                details: { file: name, offset: parsed.validBytes, problem: parsed.problem },
              },
            ),
          );
        }
        acked = Math.max(acked, parsed.ackedThrough);
        for (const event of parsed.events) {
          // A crash during compaction leaves the same seq in two files.
          if (!bySeq.has(event.seq)) bySeq.set(event.seq, event.json);
          maxSeq = Math.max(maxSeq, event.seq);
        }
      }
      const pending: OutboxEntry[] = [];
      for (const [seq, json] of [...bySeq].sort((a, b) => a[0] - b[0])) {
        if (seq <= acked) continue;
        const { id, sessionId } = JSON.parse(json) as { id: string; sessionId: string };
        pending.push({ seq, json, id, sessionId });
      }
      const nextSeq = Math.max(maxSeq, acked) + 1;
      // Compaction: the undelivered events go into one fresh file, then the old files go.
      const first = pending[0]?.seq ?? nextSeq;
      let name = fileName(first);
      if (names.includes(name)) name = fileName(nextSeq);
      const path = join(dir, name);
      const handle = await open(path, 'w');
      const records = pending.map((entry) => encodeRecord(eventPayload(entry.seq, entry.json)));
      let bytes = 0;
      if (records.length) {
        bytes = records.reduce((n, r) => n + r.length, 0);
        await handle.writev(records);
      }
      await handle.sync();
      await fsyncDirectory(dir);
      for (const old of names) if (old !== name) await unlink(join(dir, old)).catch(() => {});
      const current: OutboxFile = {
        name,
        maxEventSeq: pending.length ? pending[pending.length - 1]!.seq : -1,
      };
      return { outbox: new Outbox(dir, handle, current, bytes, nextSeq, options), pending };
    } catch (error) {
      await releaseLock(dir);
      if (error instanceof TaplineError) throw error;
      throw ioError(`cannot open the outbox in ${dir}: ${(error as Error).message}`, error);
    }
  }

  /** Appends one event; resolves with its seq once it is on disk (fsynced). */
  append(json: string): Promise<number> {
    if (this.#closed) return Promise.reject(ioError('the outbox is closed', undefined));
    const seq = this.#nextSeq++;
    return this.#enqueue(encodeRecord(eventPayload(seq, json)), seq).then(() => seq);
  }

  /** Every write goes through one queue and one writer: records never interleave. */
  #enqueue(record: Buffer, seq: number | undefined): Promise<void> {
    return new Promise<void>((resolveAppend, rejectAppend) => {
      this.#queue.push({ record, seq, resolve: resolveAppend, reject: rejectAppend });
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length) {
      const batch = this.#queue.splice(0);
      try {
        const firstEvent = batch.find((item) => item.seq !== undefined)?.seq;
        if (firstEvent !== undefined && this.#currentBytes >= this.#maxFileBytes)
          await this.#rotate(firstEvent);
        const records = batch.map((item) => item.record);
        const total = records.reduce((n, r) => n + r.length, 0);
        const { bytesWritten } = await this.#handle.writev(records);
        if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total} bytes`);
        if (this.#fsync && firstEvent !== undefined) await this.#handle.datasync();
        this.#currentBytes += total;
        for (const item of batch) if (item.seq !== undefined) this.#current.maxEventSeq = item.seq;
        for (const item of batch) item.resolve();
      } catch (error) {
        const coded = ioError(`cannot write the outbox: ${(error as Error).message}`, error);
        for (const item of batch) item.reject(coded);
      }
    }
  }

  async #rotate(firstSeq: number): Promise<void> {
    const name = fileName(firstSeq);
    const handle = await open(join(this.directory, name), 'a');
    // The new file's directory entry must be durable before its records are.
    await fsyncDirectory(this.directory);
    await this.#handle.close();
    this.#handle = handle;
    this.#current = { name, maxEventSeq: -1 };
    this.#currentBytes = 0;
    this.#files.push(this.#current);
  }

  /**
   * Records that every event up to `seq` was delivered (no fsync: a lost ack
   * only means a redelivery, which receivers dedupe) and deletes files that
   * hold nothing undelivered.
   */
  async acknowledge(seq: number): Promise<void> {
    if (this.#closed) return;
    await this.#enqueue(encodeRecord(`{"t":"a","s":${seq}}`), undefined);
    while (this.#files.length > 1 && this.#files[0]!.maxEventSeq <= seq) {
      const done = this.#files.shift()!;
      await unlink(join(this.directory, done.name)).catch(() => {});
    }
  }

  /** Files currently making up the outbox (for tests and diagnostics). */
  get files(): string[] {
    return this.#files.map((file) => file.name);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#flushing) await this.#flushing;
    this.#closed = true;
    await this.#handle.close().catch(() => {});
    await releaseLock(this.directory);
  }
}

async function takeLock(directory: string): Promise<void> {
  const lock = join(directory, 'outbox.lock');
  if (lockedHere.has(directory)) {
    throw new TaplineError(
      MetadataHttpErrorCode.OUTBOX_LOCKED,
      `outbox ${directory} is open in this process`,
      {
        component: 'metadata-http',
      },
    );
  }
  try {
    await writeFile(lock, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`cannot lock ${lock}`, error);
    const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new TaplineError(
        MetadataHttpErrorCode.OUTBOX_LOCKED,
        `outbox ${directory} is in use by process ${owner}`,
        {
          component: 'metadata-http',
          details: { pid: owner },
        },
      );
    }
    // Stale: its owner died (SIGKILL, crash).
    await writeFile(lock, String(process.pid));
  }
  lockedHere.add(directory);
}

async function releaseLock(directory: string): Promise<void> {
  if (!lockedHere.delete(directory)) return;
  await unlink(join(directory, 'outbox.lock')).catch(() => {});
}
