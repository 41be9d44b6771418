// includeContent end to end: the real recorder, the HTTP emitter, a receiver.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type MetadataEvent } from '@tapline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpMetadataEmitter } from '../src/index.js';
import { startReceiver } from './receiver.js';

const SECRET = 'whsec_content_91c2';
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tapline-content-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function record(includeContent: boolean): Promise<{ events: MetadataEvent[]; bodies: string }> {
  const receiver = await startReceiver(SECRET);
  const root = await tempDir();
  const recorder = createRecorder({
    sinks: [createFileSink({ directory: join(root, 'out') })],
    spool: { directory: join(root, 'spool') },
    metadata: createHttpMetadataEmitter({
      url: receiver.url,
      secret: SECRET,
      directory: join(root, 'outbox'),
      batch: { maxDelayMs: 10 },
      includeContent,
      maxContentBytes: 32,
    }),
    redact: { command: (text) => text.replace(/--token=\S+/, '--token=***') },
  });
  const session = await recorder.start({
    protocol: 'kubernetes',
    user: { id: 'u-7' },
    accessRequestId: 'ar-7',
    resource: { id: 'cluster-1', type: 'kubernetes' },
  });
  const stream = session.openStream('kube_api');
  session.apiCall({
    streamId: stream,
    verb: 'delete',
    method: 'DELETE',
    path: '/api/v1/namespaces/prod-x',
    resource: 'namespaces',
    name: 'prod-x',
    statusCode: 200,
  });
  session.command({
    streamId: stream,
    text: `kubectl exec --token=abc123 -- ${'x'.repeat(80)}`,
    source: 'exec',
  });
  await session.end('client_closed');
  await recorder.idle();
  await recorder.close();
  const events = receiver.take();
  const bodies = receiver.requests.map((request) => request.body).join('\n');
  await receiver.close();
  return { events, bodies };
}

describe('includeContent with the recorder', () => {
  it('off (the default): no session.action event and no content on the wire', async () => {
    const { events, bodies } = await record(false);
    expect(events.map((event) => event.type)).toEqual([
      'session.started',
      'session.ended',
      'recording.delivered',
    ]);
    expect(bodies).not.toContain('prod-x');
    expect(bodies).not.toContain('kubectl');
  });

  it('on: each action arrives as session.action with redacted content cut to maxContentBytes', async () => {
    const { events, bodies } = await record(true);
    const actions = events.filter((event) => event.type === 'session.action');
    expect(actions.map((event) => event.data.action)).toEqual(['api_call', 'command']);
    expect(actions[0]!.data).toMatchObject({
      verb: 'delete',
      resource: 'namespaces',
      content: { path: '/api/v1/namespaces/prod-x', name: 'prod-x' },
    });
    const command = actions[1]!.data as { content: { text: string }; contentTruncated: boolean };
    expect(command.content.text).toBe('kubectl exec --token=*** -- xxxx');
    expect(command.contentTruncated).toBe(true);
    expect(bodies).not.toContain('abc123');
  });
});
