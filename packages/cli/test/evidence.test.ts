// What signatures and published chain heads prove against an attacker with
// write access to the storage (docs/security.md): each test forges what such
// an attacker can forge and shows which check catches it.
import { createHash, randomUUID, sign } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createJsonlMetadataEmitter, type RecordedSession, signedMessage } from '@tapline/core';
import { SegmentParser } from '@tapline/frames';
import { createHttpMetadataEmitter } from '@tapline/metadata-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519,
  type Recorded,
  record,
  recordCrashed,
  removeTempDirectories,
  tapline,
  tempDirectory,
} from './helpers.js';

afterAll(removeTempDirectories);

const HEADER_FLAGS = 6;
const HEADER_PREVIOUS_HASH = 52;
const TRAILER_LENGTH = 48;
const FLAG_FINAL = 0x0001;

function segmentsOf(bytes: Buffer): Buffer[] {
  const segments: Buffer[] = [];
  new SegmentParser().parse(bytes, (segment) => segments.push(Buffer.from(segment.bytes)));
  return segments;
}

/**
 * What an attacker with write access to the storage does: keeps the first
 * `keep` segments, lets `edit` change bytes, marks the last one final and
 * recomputes every previous-hash and segment hash, so the plain chain holds.
 * Returns the forged bytes and their chain hash.
 */
function forge(
  bytes: Buffer,
  keep: number,
  edit: (segments: Buffer[]) => void = () => {},
): { bytes: Buffer; chainHash: string } {
  const segments = segmentsOf(bytes).slice(0, keep);
  edit(segments);
  let previous = Buffer.alloc(32);
  segments.forEach((segment, index) => {
    previous.copy(segment, HEADER_PREVIOUS_HASH);
    const flags = segment.readUInt16BE(HEADER_FLAGS);
    segment.writeUInt16BE(
      index === segments.length - 1 ? flags | FLAG_FINAL : flags & ~FLAG_FINAL,
      HEADER_FLAGS,
    );
    const hashAt = segment.length - TRAILER_LENGTH + 12;
    previous = createHash('sha256').update(segment.subarray(0, hashAt)).digest();
    previous.copy(segment, hashAt);
  });
  return { bytes: Buffer.concat(segments), chainHash: previous.toString('hex') };
}

/** The attacker also rewrites the manifest so it describes the forgery; `signature: 'strip'` removes it. */
function forgeManifest(path: string, chainHash: string, segments: number, signature: 'keep' | 'strip'): void {
  const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
  manifest.chainHash = chainHash;
  manifest.segments = segments;
  if (signature === 'strip') delete manifest.signature;
  writeFileSync(`${path}.json`, JSON.stringify(manifest));
}

function copy(recorded: Recorded, name = `${recorded.sessionId}.tapline`, withManifest = true): string {
  const path = join(tempDirectory(), name);
  copyFileSync(recorded.path, path);
  if (withManifest) copyFileSync(recorded.manifestPath, `${path}.json`);
  return path;
}

function lines(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** A shell session that keeps going until `heads` chain heads were published to `eventsPath`. */
function longSession(eventsPath: string, heads: number) {
  return async (session: RecordedSession) => {
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    for (let line = 0; ; line++) {
      session.data(shell, 'target_to_client', Buffer.from(`deploying step ${line} ${'.'.repeat(80)}\r\n`));
      await sleep(2);
      const published = lines(eventsPath).filter((event) => event.type === 'recording.chain_head');
      if (published.length >= heads && line >= 20) break;
    }
    session.closeStream(shell, { exitStatus: 0 });
  };
}

describe('evidence an attacker with storage write access cannot forge', () => {
  let keys: ReturnType<typeof ed25519>;
  let publicKeyPath: string;
  let signed: Recorded;
  let eventsPath: string;

  beforeAll(async () => {
    keys = ed25519();
    const directory = tempDirectory();
    publicKeyPath = join(directory, 'ops.pub.pem');
    writeFileSync(publicKeyPath, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    eventsPath = join(directory, 'events.jsonl');
    const emitter = createJsonlMetadataEmitter({ path: eventsPath });
    signed = await record({
      codec: 'none',
      segmentBytes: 256,
      signing: { privateKey: keys.privateKey, keyId: 'ops-2026' },
      metadata: emitter,
      chainHeads: { everySegments: 3, intervalMs: 3_600_000 },
      script: longSession(eventsPath, 4),
    });
  });

  it('a re-chained forgery (truncated, edited, hashes recomputed) passes the plain chain check', async () => {
    const path = copy(signed);
    const forged = forge(readFileSync(path), 6, (segments) => {
      const at = segments[2]!.indexOf('deploying step');
      segments[2]!.write('DEPLOYED', at);
    });
    writeFileSync(path, forged.bytes);
    // Kept, the signature does not cover the forgery.
    forgeManifest(path, forged.chainHash, 6, 'keep');
    const kept = await tapline(['verify', path, '--public-key', publicKeyPath]);
    expect(kept.code).toBe(1);
    expect(kept.text).toContain('TAPLINE_ERR_SIGNATURE_INVALID');

    forgeManifest(path, forged.chainHash, 6, 'strip');
    const plain = await tapline(['verify', path]);
    expect(plain.code).toBe(0);
    expect(plain.text).toMatch(/^OK .*complete, 6 segments/);

    // Fail closed: the stripped signature is an error, not "unsigned".
    const withKey = await tapline(['verify', path, '--public-key', publicKeyPath]);
    expect(withKey.code).toBe(1);
    expect(withKey.text).toContain('TAPLINE_ERR_SIGNATURE_MISSING');

    // The heads published while the session was live left the storage: they catch it without any key.
    const against = await tapline(['verify', path, '--against', eventsPath]);
    expect(against.code).toBe(1);
    expect(against.text).toContain('TAPLINE_ERR_HEAD_MISMATCH');
  });

  it('published chain heads alone catch a truncation below them (no session.ended reached the metadata)', async () => {
    const headsOnly = join(tempDirectory(), 'heads.jsonl');
    const events = lines(eventsPath).filter((event) => event.type !== 'session.ended');
    writeFileSync(headsOnly, events.map((event) => JSON.stringify(event)).join('\n'));
    const heads = events.filter((event) => event.type === 'recording.chain_head');
    const lastHead = (heads.at(-1)!.data as { segments: number }).segments;
    expect(lastHead).toBeGreaterThanOrEqual(12);

    const path = copy(signed, `${signed.sessionId}.tapline`, false);
    const intact = await tapline(['verify', path, '--against', headsOnly, '--public-key', publicKeyPath]);
    // No manifest: fail closed even though the chain and every head check out.
    expect(intact.code).toBe(1);
    expect(intact.text).toContain('TAPLINE_ERR_SIGNATURE_MISSING');
    const intactHeads = await tapline(['verify', path, '--against', headsOnly]);
    expect(intactHeads.code).toBe(0);
    expect(intactHeads.text).toContain(`holds the ${heads.length} chain heads published`);

    const forged = forge(readFileSync(path), lastHead - 1);
    writeFileSync(path, forged.bytes);
    expect((await tapline(['verify', path])).code).toBe(0);
    const caught = await tapline(['verify', path, '--against', headsOnly]);
    expect(caught.code).toBe(1);
    expect(caught.text).toContain('TAPLINE_ERR_HEAD_MISMATCH');
    expect(caught.text).toContain(`stops after ${lastHead - 1} segments`);
  });

  it('a forged head in the events (not signed by the key) fails with --public-key', async () => {
    const tampered = join(tempDirectory(), 'tampered.jsonl');
    const events = lines(eventsPath);
    const head = events.find((event) => event.type === 'recording.chain_head')!;
    (head.data as { chainHash: string }).chainHash = 'ab'.repeat(32);
    writeFileSync(tampered, events.map((event) => JSON.stringify(event)).join('\n'));
    const result = await tapline([
      'verify',
      signed.path,
      '--against',
      tampered,
      '--public-key',
      publicKeyPath,
    ]);
    expect(result.code).toBe(1);
    expect(result.text).toContain('TAPLINE_ERR_SIGNATURE_INVALID');
    const good = await tapline([
      'verify',
      signed.path,
      '--against',
      eventsPath,
      '--public-key',
      publicKeyPath,
    ]);
    expect(good.code).toBe(0);
    expect(good.text).toContain('signature valid (ed25519, key ops-2026), signed as complete');
  });

  it('--against with no published head for the session fails closed', async () => {
    const empty = join(tempDirectory(), 'other.jsonl');
    writeFileSync(
      empty,
      `${JSON.stringify({ type: 'session.started', sessionId: randomUUID(), data: {} })}\nnot json\n${'x'.repeat(2 * 1024 * 1024)}\n`,
    );
    const result = await tapline(['verify', signed.path, '--against', empty]);
    expect(result.code).toBe(1);
    expect(result.text).toContain('TAPLINE_ERR_HEAD_MISSING');
    expect(result.stderr).toContain('2 lines are not metadata events');
  });

  it('fails closed when the signature or the whole manifest is stripped', async () => {
    const stripped = copy(signed);
    const manifest = JSON.parse(readFileSync(`${stripped}.json`, 'utf8'));
    delete manifest.signature;
    writeFileSync(`${stripped}.json`, JSON.stringify(manifest));
    const noSignature = await tapline(['verify', stripped, '--public-key', publicKeyPath, '--json']);
    expect(noSignature.code).toBe(1);
    expect(JSON.parse(noSignature.text)[0]).toMatchObject({
      ok: false,
      error: { code: 'TAPLINE_ERR_SIGNATURE_MISSING' },
      signature: { status: 'none' },
    });

    const alone = copy(signed, `${signed.sessionId}.tapline`, false);
    const noManifest = await tapline(['verify', alone, '--public-key', publicKeyPath]);
    expect(noManifest.code).toBe(1);
    expect(noManifest.text).toMatch(/^FAIL .*TAPLINE_ERR_SIGNATURE_MISSING: no manifest/);

    // An S3-style recording (no manifest) is vouched for by the signed session.ended that left with the metadata.
    const viaEvents = await tapline([
      'verify',
      alone,
      '--public-key',
      publicKeyPath,
      '--against',
      eventsPath,
    ]);
    expect(viaEvents.code).toBe(0);
    expect(viaEvents.text).toContain('from the published session.ended');
  });

  it('rejects another session’s validly signed recording stored under this session’s name', async () => {
    const other = await record({ signing: { privateKey: keys.privateKey, keyId: 'ops-2026' } });
    expect((await tapline(['verify', other.path, '--public-key', publicKeyPath])).code).toBe(0);
    // The attacker stores the other recording, and its manifest, under this session's id.
    const path = join(tempDirectory(), `${signed.sessionId}.tapline`);
    copyFileSync(other.path, path);
    copyFileSync(other.manifestPath, `${path}.json`);
    const byName = await tapline(['verify', path, '--public-key', publicKeyPath]);
    expect(byName.code).toBe(1);
    expect(byName.text).toContain('TAPLINE_ERR_SESSION_SUBSTITUTED');

    // Under any name, --session names the session it must be.
    const renamed = join(tempDirectory(), 'evidence.tapline');
    copyFileSync(other.path, renamed);
    copyFileSync(other.manifestPath, `${renamed}.json`);
    const bySession = await tapline([
      'verify',
      renamed,
      '--public-key',
      publicKeyPath,
      '--session',
      signed.sessionId,
    ]);
    expect(bySession.code).toBe(1);
    expect(bySession.text).toContain('TAPLINE_ERR_SESSION_SUBSTITUTED');
    const right = await tapline([
      'verify',
      signed.path,
      '--public-key',
      publicKeyPath,
      '--session',
      signed.sessionId,
    ]);
    expect(right.code).toBe(0);
    const usage = await tapline(['verify', signed.path, '--session', 'not-a-uuid']);
    expect(usage.code).toBe(2);
  });

  it('accepts a legacy (v1) signature as legacy; --strict refuses it', async () => {
    const path = copy(signed);
    const manifest = JSON.parse(readFileSync(`${path}.json`, 'utf8'));
    manifest.signature = {
      algorithm: 'ed25519',
      keyId: 'ops-2025',
      value: sign(null, signedMessage(signed.sessionId, manifest.chainHash), keys.privateKey).toString(
        'base64',
      ),
    };
    writeFileSync(`${path}.json`, JSON.stringify(manifest));
    const legacy = await tapline(['verify', path, '--public-key', publicKeyPath]);
    expect(legacy.code).toBe(0);
    expect(legacy.text).toContain('legacy signature format (v1');
    const strict = await tapline(['verify', path, '--public-key', publicKeyPath, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.text).toContain('TAPLINE_ERR_SIGNATURE_LEGACY');
    const otherKey = ed25519();
    const otherKeyPath = join(tempDirectory(), 'other.pem');
    writeFileSync(otherKeyPath, otherKey.publicKey.export({ type: 'spki', format: 'pem' }));
    const wrongKey = await tapline(['verify', path, '--public-key', otherKeyPath]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.text).toContain('TAPLINE_ERR_SIGNATURE_INVALID');
  });

  it('signs a recording recovered after a SIGKILL of a real recorder, as incomplete', async () => {
    const sessionId = randomUUID();
    const recoveredEvents = join(tempDirectory(), 'recovered.jsonl');
    const crashed = await recordCrashed(sessionId, {
      signing: { privateKey: keys.privateKey, keyId: 'ops-2026' },
      metadata: createJsonlMetadataEmitter({ path: recoveredEvents }),
    });
    const manifest = JSON.parse(readFileSync(crashed.manifestPath, 'utf8'));
    expect(manifest).toMatchObject({
      complete: false,
      incompleteReason: 'TAPLINE_ERR_RECORDER_CRASHED',
      signature: { format: 'tapline-recording-v2', signed: { sessionId, state: 'incomplete' } },
    });
    const result = await tapline(['verify', crashed.path, '--public-key', publicKeyPath, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.text)[0]).toMatchObject({
      complete: false,
      error: { code: 'TAPLINE_ERR_INCOMPLETE' },
      incompleteReason: 'TAPLINE_ERR_RECORDER_CRASHED',
      signature: { status: 'valid', state: 'incomplete' },
    });
    const line = await tapline([
      'verify',
      crashed.path,
      '--public-key',
      publicKeyPath,
      '--against',
      recoveredEvents,
    ]);
    expect(line.text).toMatch(
      /TAPLINE_ERR_INCOMPLETE.*signature valid \(ed25519, key ops-2026\), signed as incomplete/,
    );

    // Claiming it complete (end marker set, hashes recomputed) breaks the signature.
    const forged = forge(readFileSync(crashed.path), manifest.segments);
    writeFileSync(crashed.path, forged.bytes);
    forgeManifest(crashed.path, forged.chainHash, manifest.segments, 'keep');
    const completed = await tapline(['verify', crashed.path, '--public-key', publicKeyPath]);
    expect(completed.code).toBe(1);
    expect(completed.text).toContain('TAPLINE_ERR_SIGNATURE_INVALID');
    expect(completed.text).toContain('state incomplete (this one is complete)');
    const published = await tapline(['verify', crashed.path, '--against', recoveredEvents]);
    expect(published.code).toBe(1);
    expect(published.text).toContain('TAPLINE_ERR_HEAD_MISMATCH');
  });

  it('the HTTP emitter carries chain heads; --against reads them back from an http URL', async () => {
    const bodies: string[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method === 'POST') {
          bodies.push(Buffer.concat(chunks).toString('utf8'));
          response.writeHead(200).end('{}');
        } else {
          response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(bodies.join('\n'));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
    try {
      const watch = join(tempDirectory(), 'watch.jsonl');
      const http = await createHttpMetadataEmitter({
        url,
        secret: 'test-secret',
        outboxDir: tempDirectory(),
        batch: { maxDelayMs: 5 },
      });
      const recorded = await record({
        codec: 'none',
        segmentBytes: 256,
        signing: { privateKey: keys.privateKey, keyId: 'ops-2026' },
        metadata: [http, createJsonlMetadataEmitter({ path: watch })],
        chainHeads: { everySegments: 2, intervalMs: 3_600_000 },
        script: longSession(watch, 3),
      });
      const batches = bodies.map((body) => JSON.parse(body) as { events: Array<{ type: string }> });
      const types = batches.flatMap((batch) => batch.events.map((event) => event.type));
      expect(types.filter((type) => type === 'recording.chain_head').length).toBeGreaterThanOrEqual(3);
      const good = await tapline(['verify', recorded.path, '--against', url, '--public-key', publicKeyPath]);
      expect(good.code).toBe(0);
      const path = copy(recorded);
      const forged = forge(readFileSync(path), 4);
      writeFileSync(path, forged.bytes);
      forgeManifest(path, forged.chainHash, 4, 'strip');
      const caught = await tapline(['verify', path, '--against', url]);
      expect(caught.code).toBe(1);
      expect(caught.text).toContain('TAPLINE_ERR_HEAD_MISMATCH');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
