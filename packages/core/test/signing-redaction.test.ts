import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalKeyWrapper, readFrames, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  verifyClaimSignature,
  verifyRecordingSignature,
} from '../src/index.js';
import { grant, readEvents, tempDirectory, until } from './helpers.js';

describe('signing', () => {
  it('signs the chain hash; the signature verifies with the public key and fails for another recording', async () => {
    const root = tempDirectory();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      metadata: createJsonlMetadataEmitter({ path: eventsPath }),
      spool: { directory: join(root, 'spool') },
      signing: { privateKey, keyId: 'connector-1' },
    });
    const session = await recorder.start(grant());
    session.annotation({ kind: 'note', message: 'signed' });
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    const file = join(root, 'out', `${session.sessionId}.tapline`);
    const manifest = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
    let firstHash = '';
    const report = await verifyRecording(readFileSync(file), {
      onSegment: (index, hash) => {
        if (index === 0) firstHash = hash;
      },
    });
    expect(manifest.signature).toMatchObject({
      algorithm: 'ed25519',
      keyId: 'connector-1',
      format: 'tapline-recording-v2',
    });
    const claim = {
      sessionId: session.sessionId,
      firstHash,
      segments: report.segments,
      chainHash: report.chainHash!,
      state: 'complete' as const,
    };
    expect(manifest.signature.signed).toEqual(claim);
    expect(verifyClaimSignature(claim, manifest.signature, publicKey)).toBe(true);
    // Every field of the claim is covered: change any one and the signature no longer holds.
    for (const changed of [
      { ...claim, sessionId: randomUUID() },
      { ...claim, firstHash: '00'.repeat(32) },
      { ...claim, segments: claim.segments + 1 },
      { ...claim, chainHash: '00'.repeat(32) },
      { ...claim, state: 'incomplete' as const },
      { ...claim, state: 'head' as const },
    ]) {
      expect(verifyClaimSignature(changed, manifest.signature, publicKey)).toBe(false);
    }
    // A v2 signature is not a legacy one, and a legacy check never accepts it.
    expect(
      verifyRecordingSignature(session.sessionId, report.chainHash!, manifest.signature, publicKey),
    ).toBe(false);
    const ended = readEvents(eventsPath).find((event) => event.type === 'session.ended')!;
    expect(ended.data.signature).toEqual(manifest.signature);
  });
});

describe('published chain heads', () => {
  async function recordWithHeads(chainHeads: { intervalMs?: number; everySegments?: number }) {
    const root = tempDirectory();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      metadata: createJsonlMetadataEmitter({ path: eventsPath }),
      spool: { directory: join(root, 'spool') },
      segment: { segmentBytes: 256, codec: 'none' },
      signing: { privateKey, keyId: 'connector-1' },
      chainHeads,
    });
    const session = await recorder.start(grant());
    return { root, publicKey, eventsPath, recorder, session };
  }

  it('publishes a signed recording.chain_head every N segments, each a prefix of the final recording', async () => {
    const { root, publicKey, eventsPath, recorder, session } = await recordWithHeads({
      everySegments: 2,
      intervalMs: 3_600_000,
    });
    const shell = session.openStream('ssh_shell');
    for (let line = 0; line < 40; line++) {
      session.data(shell, 'target_to_client', Buffer.from(`line ${line} ${'x'.repeat(100)}\r\n`));
    }
    const published = () => readEvents(eventsPath).filter((event) => event.type === 'recording.chain_head');
    await until(() => published().length >= 5);
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    const hashes: string[] = [];
    const file = join(root, 'out', `${session.sessionId}.tapline`);
    const report = await verifyRecording(readFileSync(file), {
      onSegment: (index, hash) => {
        hashes[index] = hash;
      },
    });
    expect(report.complete).toBe(true);
    const heads = published();
    expect(heads.length).toBeGreaterThanOrEqual(5);
    let previous = 0;
    for (const head of heads) {
      const data = head.data as { segments: number; firstHash: string; chainHash: string; signature: never };
      expect(data.segments).toBeGreaterThanOrEqual(previous + 2);
      previous = data.segments;
      expect(data.firstHash).toBe(hashes[0]);
      expect(data.chainHash).toBe(hashes[data.segments - 1]);
      const claim = { sessionId: session.sessionId, ...data, state: 'head' as const };
      delete (claim as { signature?: unknown }).signature;
      expect(verifyClaimSignature(claim, data.signature, publicKey)).toBe(true);
      // A head is not a claim that the recording ends there.
      expect(verifyClaimSignature({ ...claim, state: 'complete' }, data.signature, publicKey)).toBe(false);
    }
    // The metadata sequence stays dense across the heads.
    const sequences = readEvents(eventsPath).map((event) => event.sequence);
    expect(sequences).toEqual(sequences.map((_, index) => index));
  });

  it('publishes a head every intervalMs while new segments arrive, none when nothing changed', async () => {
    const { eventsPath, recorder, session } = await recordWithHeads({ everySegments: 1000, intervalMs: 50 });
    const heads = () => readEvents(eventsPath).filter((event) => event.type === 'recording.chain_head');
    // The grant's segment is spooled at once; the timer publishes it.
    await until(() => heads().length >= 1);
    const shell = session.openStream('ssh_shell');
    session.data(shell, 'target_to_client', Buffer.from('x'.repeat(600)));
    await until(() => heads().length >= 2);
    const published = heads().map((event) => (event.data as { segments: number }).segments);
    expect(published[1]!).toBeGreaterThan(published[0]!);
    await session.end('client_closed');
    await recorder.close();
  });

  it('publishes no heads without signing unless asked, and refuses nonsense intervals', async () => {
    const root = tempDirectory();
    const eventsPath = join(root, 'events.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      metadata: createJsonlMetadataEmitter({ path: eventsPath }),
      spool: { directory: join(root, 'spool') },
      segment: { segmentBytes: 256, codec: 'none' },
    });
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell');
    session.data(shell, 'target_to_client', Buffer.from('y'.repeat(2000)));
    await session.end('client_closed');
    await recorder.close();
    expect(readEvents(eventsPath).map((event) => event.type)).not.toContain('recording.chain_head');
    expect(() =>
      createRecorder({
        sinks: [createFileSink({ directory: join(root, 'out') })],
        spool: { directory: join(root, 'spool2') },
        chainHeads: { intervalMs: 0 },
      }),
    ).toThrow(expect.objectContaining({ code: 'TAPLINE_ERR_INVALID_OPTION' }));
  });
});

describe('redaction and encryption', () => {
  it('masks content before it is encoded, and says so in an annotation', async () => {
    const root = tempDirectory();
    const card = /\b\d{4}(?: ?\d{4}){3}\b/g;
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
      redact: {
        data: (bytes) => {
          const text = Buffer.from(bytes).toString('latin1');
          return card.test(text) ? Buffer.from(text.replace(card, '#### #### #### ####'), 'latin1') : bytes;
        },
        command: (text) => text.replace(/--password=\S+/, '--password=***'),
      },
      encryption: { keyWrapper: createLocalKeyWrapper({ key: Buffer.alloc(32, 7), keyId: 'local:test' }) },
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_shell');
    session.data(stream, 'target_to_client', Buffer.from('card: 4111 1111 1111 1111\r\n'));
    session.data(stream, 'target_to_client', Buffer.from('nothing to hide\r\n'));
    session.command({ streamId: stream, text: 'mysql --password=hunter2', source: 'terminal' });
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
    const keyWrapper = createLocalKeyWrapper({ key: Buffer.alloc(32, 7), keyId: 'local:test' });
    const text: string[] = [];
    let redactions = 0;
    for await (const frame of readFrames(file, { keyWrapper })) {
      if (frame.data?.bytes) text.push(Buffer.from(frame.data.bytes).toString());
      if (frame.command) text.push(frame.command.text ?? '');
      if (frame.annotation?.code === 'TAPLINE_REDACTED') redactions++;
    }
    expect(text.join('')).toContain('#### #### #### ####');
    expect(text.join('')).toContain('nothing to hide');
    expect(text.join('')).not.toContain('4111');
    expect(text.join('')).not.toContain('hunter2');
    expect(redactions).toBe(2);
    expect(file.includes('nothing to hide')).toBe(false);
  });
});
