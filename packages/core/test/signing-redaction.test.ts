import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalKeyWrapper, readFrames, verifyRecording } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  verifyRecordingSignature,
} from '../src/index.js';
import { grant, readEvents, tempDirectory } from './helpers.js';

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
    const report = await verifyRecording(readFileSync(file));
    expect(manifest.signature).toMatchObject({ algorithm: 'ed25519', keyId: 'connector-1' });
    expect(
      verifyRecordingSignature(session.sessionId, report.chainHash!, manifest.signature, publicKey),
    ).toBe(true);
    expect(verifyRecordingSignature(session.sessionId, '00'.repeat(32), manifest.signature, publicKey)).toBe(
      false,
    );
    const ended = readEvents(eventsPath).find((event) => event.type === 'session.ended')!;
    expect(ended.data.signature).toEqual(manifest.signature);
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
