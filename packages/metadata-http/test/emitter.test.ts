import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataEvent } from '@tapline/core';
import { assertDelivered, makeMetadataEvent, testMetadataEmitter } from '@tapline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpMetadataEmitter, type HttpMetadataEmitterOptions } from '../src/index.js';
import { type Behavior, startReceiver } from './receiver.js';

const SECRET = 'whsec_test_5f0c2b';
const CONTENT_MARKER = 'SESSION-CONTENT-b41e';

/** An event as it must arrive: `data.content` dropped (includeContent is off by default). */
function withoutContent(event: MetadataEvent): MetadataEvent {
  const { content: _content, ...data } = event.data;
  return { ...event, data };
}
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tapline-outbox-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function fast(
  url: string,
  directory: string,
  extra: Partial<HttpMetadataEmitterOptions> = {},
): HttpMetadataEmitterOptions {
  return {
    url,
    secret: SECRET,
    directory,
    batch: { maxEvents: 20, maxDelayMs: 20 },
    retry: { initialDelayMs: 20, maxDelayMs: 200 },
    timeoutMs: 2_000,
    ...extra,
  };
}

describe('conformance', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    return () => receiver.close();
  });
  testMetadataEmitter({
    name: 'http',
    factory: async () => createHttpMetadataEmitter(fast(receiver.url, await tempDir())),
    readBack: async () => receiver.take(),
  });
});

describe('delivery through a misbehaving receiver', () => {
  it('drops, delays, 500s and 429s: every event arrives as emitted, signed, in order per session; Retry-After is honoured', async () => {
    // A fixed script: the first requests misbehave in every way, then all is well.
    const script: Behavior[] = [
      'drop',
      { status: 500 },
      { delayMs: 2_500 },
      { status: 429, retryAfter: '1' },
      'drop',
      { status: 503 },
      { status: 429, retryAfter: '1' },
    ];
    const receiver = await startReceiver(SECRET, (i) => script[i] ?? (i % 5 === 4 ? { status: 500 } : 'ok'));
    const emitter = createHttpMetadataEmitter(fast(receiver.url, await tempDir(), { timeoutMs: 1_000 }));
    const sessions = Array.from({ length: 5 }, () => crypto.randomUUID());
    const events: MetadataEvent[] = [];
    for (let sequence = 0; sequence < 40; sequence++) {
      for (const sessionId of sessions) {
        events.push(
          makeMetadataEvent(sessionId, sequence, { content: { commands: [`echo ${CONTENT_MARKER}`] } }),
        );
      }
    }
    await Promise.all(events.map((event) => emitter.emit(event)));
    await emitter.flush();
    await emitter.close();
    await new Promise((resolve) => setTimeout(resolve, 1_600)); // let the delayed answer land
    const received = receiver.take();
    assertDelivered(events.map(withoutContent), received, '200 events through faults');
    // Nothing the emitter sent (bodies and headers, faults included) carries session content.
    expect(receiver.requests.map((r) => JSON.stringify(r.headers) + r.body).join('\n')).not.toContain(
      CONTENT_MARKER,
    );
    // Duplicates happened (the delayed request was stored, then retried) and carry the same id.
    expect(received.length).toBeGreaterThan(events.length);
    expect(new Set(received.map((e) => e.id)).size).toBe(events.length);
    // Every request the emitter made was signed correctly, faults or not.
    const answered = receiver.requests.filter((r) => r.behavior !== 'drop');
    expect(answered.length).toBeGreaterThan(5);
    expect(answered.every((r) => r.signatureValid)).toBe(true);
    // After a 429 with Retry-After: 1, the next request waited at least a second.
    receiver.requests.forEach((r, i) => {
      const next = receiver.requests[i + 1];
      if (typeof r.behavior === 'object' && 'retryAfter' in r.behavior && next) {
        expect(next.at - r.at).toBeGreaterThanOrEqual(950);
        // The retry is the same batch: same Idempotency-Key.
        expect(next.headers['idempotency-key']).toBe(r.headers['idempotency-key']);
      }
    });
    expect(answered.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
    await receiver.close();
  });

  it('batches by size and by time', async () => {
    const receiver = await startReceiver(SECRET);
    const emitter = createHttpMetadataEmitter(
      fast(receiver.url, await tempDir(), { batch: { maxEvents: 10, maxDelayMs: 300 } }),
    );
    const sessionId = crypto.randomUUID();
    const started = performance.now();
    await emitter.emit(makeMetadataEvent(sessionId, 0));
    await emitter.flush();
    // A lone event waited for company (lower bound only: never flaky on a slow machine).
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    const many = Array.from({ length: 35 }, (_, i) => makeMetadataEvent(sessionId, i + 1));
    await Promise.all(many.map((event) => emitter.emit(event)));
    await emitter.close();
    const sizes = receiver.requests.map((r) => r.events.length);
    expect(sizes[0]).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(sizes.slice(1).reduce((a, b) => a + b, 0)).toBe(35);
    expect(receiver.requests.every((r) => JSON.parse(r.body).schema === 'tapline.metadata.batch/v1')).toBe(
      true,
    );
    await receiver.close();
  });

  it('a receiver that refuses one event for good: the batch is split, that event dead-lettered, the rest delivered', async () => {
    let poison = '';
    const receiver = await startReceiver(
      SECRET,
      () => 'ok',
      (event) => event.id === poison,
    );
    const errors: string[] = [];
    const dir = await tempDir();
    const emitter = createHttpMetadataEmitter(
      fast(receiver.url, dir, { onEvent: (e) => e.type === 'error' && errors.push(e.error.code) }),
    );
    const sessionId = crypto.randomUUID();
    const events = Array.from({ length: 12 }, (_, i) => makeMetadataEvent(sessionId, i));
    poison = events[7]!.id;
    for (const event of events) await emitter.emit(event);
    await emitter.close();
    const received = receiver.take();
    assertDelivered(
      events.filter((e) => e.id !== poison),
      received,
      'all but the refused event',
    );
    expect(errors).toContain('TAPLINE_ERR_METADATA_REJECTED');
    expect(emitter.stats().deadLettered).toBe(1);
    expect(await readFile(join(dir, 'dead-letter.log'), 'utf8')).toContain(poison);
    await receiver.close();
  });
});

describe('least exposure', () => {
  it('session content under data.content never reaches the disk or the wire unless includeContent is set', async () => {
    const marker = 'SECRET-CONTENT-7f3a9c';
    const receiver = await startReceiver(SECRET);
    const dir = await tempDir();
    const emitter = createHttpMetadataEmitter(fast(receiver.url, dir));
    const sessionId = crypto.randomUUID();
    const event = makeMetadataEvent(sessionId, 0, {
      commands: 3,
      content: { commands: [`cat /etc/shadow # ${marker}`], queries: [`SELECT '${marker}'`] },
    });
    await emitter.emit(event);
    // The caller's event keeps its content (no mutation).
    expect(JSON.stringify(event)).toContain(marker);
    const onDisk = await Promise.all((await readdir(dir)).map((name) => readFile(join(dir, name), 'latin1')));
    expect(onDisk.join('')).not.toContain(marker);
    await emitter.close();
    const everything = receiver.requests.map((r) => JSON.stringify(r.headers) + r.body).join('\n');
    expect(everything).toContain(sessionId);
    expect(everything).not.toContain(marker);
    expect(receiver.take()[0]!.data).toMatchObject({ commands: 3 });

    // Opting in sends it.
    const withContent = createHttpMetadataEmitter(
      fast(receiver.url, await tempDir(), { includeContent: true }),
    );
    await withContent.emit(makeMetadataEvent(sessionId, 1, { content: { note: marker } }));
    await withContent.close();
    expect(receiver.requests.map((r) => r.body).join('')).toContain(marker);
    await receiver.close();
  });
});

describe('emit() contract', () => {
  it('rejects invalid events with TAPLINE_ERR_METADATA_INVALID and a full outbox with TAPLINE_ERR_METADATA_OUTBOX_FULL', async () => {
    const receiver = await startReceiver(SECRET, () => ({ status: 503 }));
    const emitter = createHttpMetadataEmitter(
      fast(receiver.url, await tempDir(), { maxOutboxBytes: 2_000, closeTimeoutMs: 50 }),
    );
    const good = makeMetadataEvent(crypto.randomUUID(), 0);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [
      { ...good, version: 2 },
      { ...good, id: '' },
      { ...good, sequence: -1 },
      { ...good, data: null },
      { ...good, data: { big: 1n } },
      { ...good, data: cyclic },
    ]) {
      await expect(emitter.emit(bad as unknown as MetadataEvent)).rejects.toMatchObject({
        code: 'TAPLINE_ERR_METADATA_INVALID',
      });
    }
    let full: unknown;
    for (let i = 0; i < 20 && !full; i++) {
      await emitter.emit(makeMetadataEvent(good.sessionId, i)).catch((error: unknown) => {
        full = error;
      });
    }
    expect(full).toMatchObject({ code: 'TAPLINE_ERR_METADATA_OUTBOX_FULL' });
    await emitter.close();
    await receiver.close();
  });

  it('the names used before docs/conventions.md still work, each with one deprecation warning', async () => {
    const receiver = await startReceiver(SECRET);
    const dir = await tempDir();
    const warnings: Array<{ code?: string; message: string }> = [];
    const onWarning = (warning: Error & { code?: string }) =>
      warnings.push({ code: warning.code, message: warning.message });
    process.on('warning', onWarning);
    try {
      const errors: string[] = [];
      const legacy = createHttpMetadataEmitter({
        url: receiver.url,
        secret: SECRET,
        outboxDir: dir,
        retry: { baseDelayMs: 20 },
        fsync: true,
        onError: (error) => errors.push(error.code),
        batch: { maxDelayMs: 10 },
      });
      await legacy.emit(makeMetadataEvent('s-legacy', 0));
      await legacy.flush();
      await legacy.close();
      expect(receiver.take().map((event) => event.sessionId)).toEqual(['s-legacy']);
      expect((await readdir(dir)).length).toBeGreaterThan(0);
      await new Promise((resolve) => setImmediate(resolve));
      const codes = warnings
        .map((warning) => warning.code)
        .filter((code) => code?.startsWith('TAPLINE_DEP_'));
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes).toEqual(
        expect.arrayContaining([
          'TAPLINE_DEP_CREATEHTTPMETADATAEMITTER_OUTBOXDIR',
          'TAPLINE_DEP_CREATEHTTPMETADATAEMITTER_RETRY_BASEDELAYMS',
          'TAPLINE_DEP_CREATEHTTPMETADATAEMITTER_FSYNC_BOOLEAN',
          'TAPLINE_DEP_CREATEHTTPMETADATAEMITTER_ONERROR',
        ]),
      );
      expect(() => createHttpMetadataEmitter({ url: receiver.url, secret: SECRET })).toThrow(
        expect.objectContaining({ code: 'TAPLINE_ERR_METADATA_INVALID' }),
      );
    } finally {
      process.off('warning', onWarning);
      await receiver.close();
    }
  });

  it('a second emitter on the same outbox directory is refused', async () => {
    const receiver = await startReceiver(SECRET);
    const dir = await tempDir();
    const first = createHttpMetadataEmitter(fast(receiver.url, dir));
    await first.start();
    const second = createHttpMetadataEmitter(fast(receiver.url, dir));
    await expect(second.start()).rejects.toMatchObject({ code: 'TAPLINE_ERR_METADATA_OUTBOX_LOCKED' });
    await expect(second.emit(makeMetadataEvent('s-1', 0))).rejects.toMatchObject({
      code: 'TAPLINE_ERR_METADATA_OUTBOX_LOCKED',
    });
    await second.close();
    await first.close();
    const again = createHttpMetadataEmitter(fast(receiver.url, dir));
    await again.start();
    await again.close();
    await receiver.close();
  });
});
