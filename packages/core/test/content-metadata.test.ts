import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentForEmitter,
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  type MetadataEvent,
} from '../src/index.js';
import { grant, readEvents, tempDirectory } from './helpers.js';

const SECRET = 'hunter2-6d1e';

describe('session content in metadata (includeContent)', () => {
  it('is off by default; an emitter that opts in gets session.action events with redacted, capped content', async () => {
    const root = tempDirectory();
    const plainPath = join(root, 'plain.jsonl');
    const contentPath = join(root, 'content.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
      metadata: [
        createJsonlMetadataEmitter({ path: plainPath }),
        createJsonlMetadataEmitter({
          path: contentPath,
          name: 'siem',
          includeContent: true,
          maxContentBytes: 64,
        }),
      ],
      redact: {
        command: (text) => text.replaceAll(SECRET, '[redacted]'),
        query: (event) => ({
          ...event,
          parameters: event.parameters?.map((parameter) => ({ ...parameter, value: '?', redacted: true })),
        }),
      },
    });
    const session = await recorder.start(grant({ protocol: 'postgres' }));
    const stream = session.openStream('db_connection');
    session.command({ streamId: stream, text: `mysql -p${SECRET} prod`, source: 'exec', program: 'mysql' });
    session.query({
      streamId: stream,
      text: 'DELETE FROM accounts WHERE id = $1',
      parameters: [{ value: '42' }],
      commandTag: 'DELETE 1',
      rows: 1,
    });
    session.apiCall({
      streamId: stream,
      verb: 'delete',
      method: 'DELETE',
      path: '/api/v1/namespaces/prod',
      resource: 'namespaces',
      name: 'prod',
      statusCode: 200,
    });
    session.fileOperation({ streamId: stream, kind: 'rename', path: '/srv/a', targetPath: '/srv/b' });
    // A long line: cut to maxContentBytes (UTF-8, not inside a character).
    session.command({ streamId: stream, text: `echo ${'é'.repeat(100)}`, source: 'exec' });
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();

    const plain = readEvents(plainPath);
    expect(plain.map((event) => event.type)).toEqual([
      'session.started',
      'session.ended',
      'recording.delivered',
    ]);
    const plainText = readFileSync(plainPath, 'utf8');
    expect(plainText).not.toContain('"content"');
    expect(plainText).not.toContain('accounts');

    const rich = readEvents(contentPath);
    const actions = rich.filter((event) => event.type === 'session.action');
    expect(actions.map((event) => event.data.action)).toEqual([
      'command',
      'query',
      'api_call',
      'file_operation',
      'command',
    ]);
    expect(actions[0]!.data).toMatchObject({
      protocol: 'postgres',
      userId: 'u-1',
      source: 'exec',
      content: { text: 'mysql -p[redacted] prod', program: 'mysql' },
    });
    expect(actions[1]!.data).toMatchObject({
      statementType: 'DELETE',
      commandTag: 'DELETE 1',
      rows: 1,
      content: { text: 'DELETE FROM accounts WHERE id = $1', parameters: ['?'] },
    });
    expect(actions[2]!.data).toMatchObject({
      verb: 'delete',
      resource: 'namespaces',
      statusCode: 200,
      content: { path: '/api/v1/namespaces/prod', name: 'prod' },
    });
    expect(actions[3]!.data).toMatchObject({
      kind: 'rename',
      content: { path: '/srv/a', targetPath: '/srv/b' },
    });
    const long = actions[4]!.data as { content: { text: string }; contentTruncated?: boolean };
    expect(long.contentTruncated).toBe(true);
    expect(Buffer.byteLength(long.content.text)).toBeLessThanOrEqual(64);
    expect(long.content.text).toMatch(/^echo é+$/);
    expect(readFileSync(contentPath, 'utf8')).not.toContain(SECRET);
    // One sequence per session across every event, in order.
    const sequences = rich.filter((event) => event.sessionId === session.sessionId).map((e) => e.sequence);
    expect([...sequences].sort((a, b) => a - b)).toEqual(sequences);
    expect(new Set(sequences).size).toBe(sequences.length);
  });

  it('contentForEmitter drops content unless opted in, caps it when it is, and never changes the event', () => {
    const event: MetadataEvent = Object.freeze({
      version: 1,
      id: 'e-1',
      type: 'session.action',
      time: new Date(0).toISOString(),
      sessionId: 's-1',
      sequence: 3,
      data: Object.freeze({
        action: 'query',
        content: Object.freeze({ text: 'x'.repeat(10), list: ['yyyyyyyy'] }),
      }),
    }) as MetadataEvent;
    expect(contentForEmitter(event, false).data).toEqual({ action: 'query' });
    expect(contentForEmitter(event, true)).toBe(event);
    expect(contentForEmitter(event, true, 4).data).toEqual({
      action: 'query',
      content: { text: 'xxxx', list: ['yyyy'] },
      contentTruncated: true,
    });
    // A 4-byte character is never split.
    const emoji = { ...event, data: { content: { text: 'ab😀' } } };
    expect(contentForEmitter(emoji, true, 5).data.content).toEqual({ text: 'ab' });
    expect(contentForEmitter({ ...event, data: { counts: 1 } }, false).data).toEqual({ counts: 1 });
  });
});
