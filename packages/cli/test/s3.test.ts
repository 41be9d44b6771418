import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFileSink, createRecorder } from '@tapline/core';
import { createS3Sink, uploadRecording } from '@tapline/sink-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519,
  grant,
  removeTempDirectories,
  SHELL_OUTPUT,
  shellSession,
  tapline,
  tempDirectory,
} from './helpers.js';

afterAll(removeTempDirectories);

// The SDK's notice that its releases after January 2027 need Node 22 (the catalog pins the SDK).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

describe('s3:// locations (against s3rver)', () => {
  let server: ChildProcess;
  let endpoint: string;
  let location: string;
  let sessionId: string;
  let publicKeyPath: string;
  const env = {
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };

  beforeAll(async () => {
    server = fork(
      join(import.meta.dirname, 'fixtures', 's3rver-child.mjs'),
      [tempDirectory(), 'recordings'],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const [message] = (await once(server, 'message')) as [{ port: number }];
    endpoint = `http://127.0.0.1:${message.port}`;
    const clientConfig = {
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    };
    // One session recorded to S3 (the streaming multipart sink) and, for its manifest, to a file.
    const root = tempDirectory();
    const keys = ed25519();
    publicKeyPath = join(root, 'ops.pub.pem');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(publicKeyPath, keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const s3 = createS3Sink({ bucket: 'recordings', prefix: 'prod', clientConfig });
    const recorder = createRecorder({
      sinks: [s3, createFileSink({ directory: join(root, 'files') })],
      spool: { directory: join(root, 'spool') },
      signing: { privateKey: keys.privateKey, keyId: 'ops-2026' },
    });
    const session = await recorder.start(grant());
    await shellSession(session);
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    s3.destroy();
    sessionId = session.sessionId;
    const day = new Date(
      JSON.parse(readFileSync(join(root, 'files', `${sessionId}.tapline.json`), 'utf8')).startedAt,
    )
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '/');
    location = `s3://recordings/prod/${day}/${sessionId}.tapline`;
    await uploadRecording({
      bucket: 'recordings',
      key: `prod/${day}/${sessionId}.tapline.json`,
      body: readFileSync(join(root, 'files', `${sessionId}.tapline.json`)),
      clientConfig,
    });
  }, 60_000);

  afterAll(async () => {
    const exited = once(server, 'exit');
    server.kill('SIGTERM');
    await exited;
  });

  it('inspects, verifies (with the signature in the manifest beside it), exports and plays an object', async () => {
    const [inspected, verified, exported, played] = await Promise.all([
      tapline(['inspect', location, '--endpoint', endpoint, '--json'], { env }),
      tapline(['verify', location, '--endpoint', endpoint, '--public-key', publicKeyPath], { env }),
      tapline(['export', location, '--endpoint', endpoint, '-f', 'jsonl'], { env }),
      tapline(['play', location, '--speed', '1000'], { env: { ...env, AWS_ENDPOINT_URL_S3: endpoint } }),
    ]);
    expect(inspected.code, inspected.stderr).toBe(0);
    expect(JSON.parse(inspected.text)).toMatchObject({
      location,
      sessionId,
      recording: { complete: true, signature: { algorithm: 'ed25519', keyId: 'ops-2026' } },
    });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.text).toContain('signature valid (ed25519, key ops-2026)');
    expect(exported.code).toBe(0);
    expect(exported.text.split('\n')[0]).toContain('"type":"session_start"');
    expect(played.code, played.stderr).toBe(0);
    expect(played.stdout.equals(Buffer.concat(SHELL_OUTPUT))).toBe(true);
  });

  it('lists a prefix: one line per recording', async () => {
    const result = await tapline(['inspect', 's3://recordings/prod/', '--endpoint', endpoint], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.text.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${sessionId} .* complete {2}${location}$`)),
    ]);
  });

  it('a missing object or an unreachable endpoint is an I/O error (exit 3)', async () => {
    const missing = await tapline(['verify', 's3://recordings/prod/none.tapline', '--endpoint', endpoint], {
      env,
    });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('NoSuchKey');
    const unreachable = await tapline(['inspect', location, '--endpoint', 'http://127.0.0.1:9'], { env });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('TAPLINE_ERR_CLI_IO');
  });
});
