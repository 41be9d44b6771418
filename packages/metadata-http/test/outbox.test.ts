import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeMetadataEvent, splitAtEveryOffset } from '@tapline/testing';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createHttpMetadataEmitter,
  encodeRecord,
  eventPayload,
  MAX_RECORD_BYTES,
  parseOutboxFile,
} from '../src/index.js';
import { startReceiver } from './receiver.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tapline-outbox-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function sampleFile(): { bytes: Buffer; jsons: string[] } {
  const jsons = [0, 1, 2].map((i) =>
    JSON.stringify(makeMetadataEvent('0b5c7a9e-1d2f-4a3b-8c4d-5e6f7a8b9c0d', i)),
  );
  const bytes = Buffer.concat([
    encodeRecord(eventPayload(0, jsons[0]!)),
    encodeRecord(eventPayload(1, jsons[1]!)),
    encodeRecord('{"t":"a","s":0}'),
    encodeRecord(eventPayload(2, jsons[2]!)),
  ]);
  return { bytes, jsons };
}

describe('outbox file parser', () => {
  it('reads events and acks', () => {
    const { bytes, jsons } = sampleFile();
    const parsed = parseOutboxFile(bytes);
    expect(parsed.problem).toBeUndefined();
    expect(parsed.events.map((e) => e.json)).toEqual(jsons);
    expect(parsed.events.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(parsed.ackedThrough).toBe(0);
    expect(parsed.validBytes).toBe(bytes.length);
  });

  it('a file torn at every offset yields exactly the whole records before the tear', () => {
    const { bytes } = sampleFile();
    const boundaries = [0];
    let offset = 0;
    while (offset < bytes.length) {
      offset += 8 + bytes.readUInt32BE(offset);
      boundaries.push(offset);
    }
    for (const [head] of splitAtEveryOffset(bytes)) {
      const parsed = parseOutboxFile(head);
      const whole = boundaries.filter((b) => b <= head.length).pop()!;
      expect(parsed.validBytes).toBe(whole);
      expect(parsed.problem).toBe(whole === head.length ? undefined : 'truncated');
    }
  });

  it('flags a flipped byte, an oversized length and garbage, never throwing', () => {
    const { bytes } = sampleFile();
    const flipped = Buffer.from(bytes);
    flipped[20]! ^= 0x40;
    expect(parseOutboxFile(flipped).problem).toBe('checksum');
    const oversized = Buffer.alloc(16);
    oversized.writeUInt32BE(MAX_RECORD_BYTES + 1, 0);
    expect(parseOutboxFile(oversized).problem).toBe('oversized');
    expect(parseOutboxFile(encodeRecord('{"t":"x"}')).problem).toBe('garbage');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (junk) => {
        const parsed = parseOutboxFile(Buffer.concat([bytes, junk]));
        expect(parsed.events.length).toBeGreaterThanOrEqual(3);
        expect(parsed.validBytes).toBeGreaterThanOrEqual(bytes.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('outbox recovery and compaction', () => {
  it('a torn tail (a crash mid-append) is reported and skipped; the complete events are delivered', async () => {
    const dir = await tempDir();
    const { bytes, jsons } = sampleFile();
    await writeFile(
      join(dir, 'outbox-0000000000000000.log'),
      Buffer.concat([bytes, encodeRecord(eventPayload(3, jsons[0]!)).subarray(0, 30)]),
    );
    const receiver = await startReceiver('s');
    const problems: string[] = [];
    const emitter = createHttpMetadataEmitter({
      url: receiver.url,
      secret: 's',
      directory: dir,
      batch: { maxDelayMs: 1 },
      onEvent: (e) => {
        if (e.type === 'error') problems.push(`${e.error.code}:${String(e.error.details?.problem)}`);
      },
    });
    await emitter.start();
    expect(problems).toEqual(['TAPLINE_ERR_METADATA_OUTBOX_IO:truncated']);
    // Event 0 was acknowledged before the crash; 1 and 2 were not.
    expect(emitter.stats().pending).toBe(2);
    await emitter.close();
    expect(receiver.take().map((e) => e.sequence)).toEqual([1, 2]);
    await receiver.close();
  });

  it('delivered events are compacted away: old files deleted, a restart rewrites only what is pending', async () => {
    const dir = await tempDir();
    const receiver = await startReceiver('s');
    const emitter = createHttpMetadataEmitter({
      url: receiver.url,
      secret: 's',
      directory: dir,
      batch: { maxDelayMs: 1 },
    });
    const sessionId = crypto.randomUUID();
    for (let i = 0; i < 200; i++)
      await emitter.emit(makeMetadataEvent(sessionId, i, { padding: 'x'.repeat(200) }));
    await emitter.flush();
    await emitter.close();
    expect(receiver.take()).toHaveLength(200);
    const again = createHttpMetadataEmitter({ url: receiver.url, secret: 's', directory: dir });
    expect(again.stats().pending).toBe(0);
    await again.close();
    const files = (await readdir(dir)).filter((name) => name.endsWith('.log'));
    expect(files).toHaveLength(1);
    expect((await stat(join(dir, files[0]!))).size).toBe(0);
    await receiver.close();
  });

  it('rotates files past maxOutboxFileBytes and deletes each once all its events are delivered', async () => {
    const dir = await tempDir();
    let up = false;
    const receiver = await startReceiver('s', () => (up ? 'ok' : { status: 503 }));
    const emitter = createHttpMetadataEmitter({
      url: receiver.url,
      secret: 's',
      directory: dir,
      maxOutboxFileBytes: 64 * 1024,
      batch: { maxDelayMs: 1, maxEvents: 50 },
      retry: { initialDelayMs: 20, maxDelayMs: 50 },
    });
    const sessionId = crypto.randomUUID();
    const events = Array.from({ length: 100 }, (_, i) =>
      makeMetadataEvent(sessionId, i, { padding: 'y'.repeat(4_000) }),
    );
    for (const event of events) await emitter.emit(event);
    const logs = async () => (await readdir(dir)).filter((name) => name.endsWith('.log'));
    // Nothing delivered yet: ~400 KB of events over several 64 KiB files.
    expect((await logs()).length).toBeGreaterThan(4);
    up = true;
    await emitter.flush();
    // All delivered: only the file being written remains.
    expect(await logs()).toHaveLength(1);
    await emitter.close();
    const delivered = receiver.take();
    expect(delivered.map((e) => e.id)).toEqual(events.map((e) => e.id));
    // Appending garbage to the outbox does not resurrect delivered events.
    await appendFile(join(dir, (await logs())[0]!), Buffer.from('not a record'));
    const last = createHttpMetadataEmitter({
      url: receiver.url,
      secret: 's',
      directory: dir,
      onEvent: () => {},
    });
    expect(last.stats().pending).toBe(0);
    await last.close();
    expect(await readFile(join(dir, (await logs())[0]!))).toHaveLength(0);
    await receiver.close();
  });
});
