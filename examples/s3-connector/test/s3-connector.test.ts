// The S3 connector as it runs (child process, configured from the
// environment) against a real S3-protocol server (s3rver) and a local HTTP
// receiver, with one real SSH session through it.
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import { verifyMetadataSignature } from '@tapline/metadata-http';
import { readRecording } from '@tapline/sink-s3';
import type * as Ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ssh2: typeof Ssh2 = createRequire(import.meta.url)('ssh2');
const LAUNCHER = new URL('../bin/connector.mjs', import.meta.url).pathname;
const SECRET = 'whsec_example_s3_connector';

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('examples/s3-connector', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-s3-connector-'));
  let s3: ChildProcess;
  let s3Port = 0;
  const requests: Received[] = [];
  const receiver = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    requests.push({ headers: request.headers, body });
    try {
      verifyMetadataSignature({ body, header: request.headers['tapline-signature'], secret: SECRET });
      response.writeHead(202).end();
    } catch {
      response.writeHead(401).end();
    }
  });

  beforeAll(async () => {
    s3 = fork(
      new URL('./fixtures/s3rver-child.mjs', import.meta.url),
      [join(directory, 's3'), '0', 'recordings'],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    const [message] = (await once(s3, 'message')) as [{ port: number }];
    s3Port = message.port;
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
  });
  afterAll(async () => {
    s3?.kill('SIGKILL');
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it('records a real SSH session into S3 (it verifies) and POSTs signed metadata', async () => {
    const env = {
      ...process.env,
      TAPLINE_S3_BUCKET: 'recordings',
      TAPLINE_S3_PREFIX: 'prod',
      TAPLINE_S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      TAPLINE_S3_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      TAPLINE_METADATA_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tapline/events`,
      TAPLINE_METADATA_SECRET: SECRET,
      TAPLINE_STATE_DIR: join(directory, 'state'),
      TAPLINE_PROXY_PORT: '0',
    };
    const child = spawn(process.execPath, [LAUNCHER], {
      cwd: directory,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit');
    const waitFor = (pattern: RegExp, what: string) =>
      until(
        () => pattern.exec(stdout) ?? undefined,
        30_000,
        `${what}; stdout:\n${stdout}\nstderr:\n${stderr}`,
      );
    try {
      const port = Number((await waitFor(/ssh -p (\d+) demo@127\.0\.0\.1/, 'the ssh command'))[1]);
      const token = (await waitFor(/password: (tl-\S+)/, 'the token'))[1]!;
      const knownHost = (await waitFor(/known_hosts {2}\S+ ssh-ed25519 (\S+)/, 'the host key'))[1]!;

      // One interactive session with ssh2's client, checking the proxy's host key.
      const client = new ssh2.Client();
      let output = '';
      await new Promise<void>((resolve, reject) => {
        client.once('error', reject);
        client.once('ready', () => {
          client.shell({ term: 'xterm', cols: 80, rows: 24 }, (error, channel) => {
            if (error) return reject(error);
            channel.on('data', (chunk: Buffer) => {
              output += chunk.toString();
            });
            channel.once('close', () => resolve());
            void (async () => {
              await until(() => (/[$#] $/.test(output) ? true : undefined), 15_000, 'the prompt');
              channel.write('echo hello s3\r');
              await until(() => (/^hello s3\r?$/m.test(output) ? true : undefined), 15_000, 'the output');
              await until(() => (/[$#] $/.test(output) ? true : undefined), 15_000, 'the next prompt');
              channel.write('exit\r');
            })().catch(reject);
          });
        });
        client.connect({
          host: '127.0.0.1',
          port,
          username: 'demo',
          password: token,
          hostVerifier: (key: Buffer) => key.toString('base64') === knownHost,
        });
      });
      client.end();

      const delivered = await waitFor(
        /recording of (\S+) delivered: (s3:\/\/\S+) \((\d+) bytes\)/,
        'the delivery',
      );
      const [, sessionId, location] = delivered;
      expect(location).toMatch(
        new RegExp(`^s3://recordings/prod/\\d{4}/\\d{2}/\\d{2}/${sessionId}\\.tapline$`),
      );
      expect(stdout).toContain(
        `inspect it: pnpm exec tapline inspect ${location} --endpoint http://127.0.0.1:${s3Port}`,
      );

      // The object in S3 is the whole recording: it verifies and holds the command.
      const clientConfig = {
        endpoint: `http://127.0.0.1:${s3Port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      };
      const report = await verifyRecording(await readRecording({ url: location!, clientConfig }));
      expect(report).toMatchObject({ intact: true, complete: true, sessionId, error: undefined });
      const commands: string[] = [];
      for await (const frame of readFrames(await readRecording({ url: location!, clientConfig }))) {
        const json = frameToJson(frame) as { command?: { text: string } };
        if (json.command) commands.push(json.command.text);
      }
      expect(commands).toEqual(['echo hello s3', 'exit']);

      // The printed inspect command (the tapline CLI reading from S3) works.
      const cli = new URL('../../../packages/cli/bin/tapline.mjs', import.meta.url).pathname;
      const inspected = spawnSync(
        process.execPath,
        [cli, 'inspect', location!, '--endpoint', `http://127.0.0.1:${s3Port}`],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: 'S3RVER',
            AWS_SECRET_ACCESS_KEY: 'S3RVER',
            AWS_REGION: 'us-east-1',
          },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      expect(inspected.status, inspected.stderr).toBe(0);
      expect(inspected.stdout).toMatch(/\$ echo hello s3 \(terminal echo\)$/m);

      // Metadata arrived signed, with where the recording is, and without the token.
      const events = () =>
        requests.flatMap(
          (request) =>
            (
              JSON.parse(request.body) as {
                events: Array<{ type: string; sessionId: string; data: Record<string, unknown> }>;
              }
            ).events,
        );
      await until(
        () => (events().some((event) => event.type === 'recording.delivered') ? true : undefined),
        20_000,
        'recording.delivered at the receiver',
      );
      const ours = events().filter((event) => event.sessionId === sessionId);
      expect(ours.map((event) => event.type)).toEqual([
        'session.started',
        'session.ended',
        'recording.delivered',
      ]);
      expect(ours[2]!.data).toMatchObject({
        sink: 's3',
        location,
        complete: true,
        chainHash: report.chainHash,
      });
      for (const request of requests) {
        expect(() =>
          verifyMetadataSignature({
            body: request.body,
            header: request.headers['tapline-signature'],
            secret: SECRET,
          }),
        ).not.toThrow();
        expect(() =>
          verifyMetadataSignature({
            body: request.body,
            header: request.headers['tapline-signature'],
            secret: 'forged',
          }),
        ).toThrow(expect.objectContaining({ code: 'TAPLINE_ERR_METADATA_SIGNATURE' }));
        expect(request.body).not.toContain(token);
        expect(request.body).not.toContain('hello s3'); // no content in metadata
      }
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stdout).toMatch(/stopped\n$/);
  }, 60_000);

  it('says which variables are missing', async () => {
    const child = spawn(process.execPath, [LAUNCHER], {
      cwd: directory,
      env: { PATH: process.env.PATH, TAPLINE_S3_BUCKET: 'b' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('set TAPLINE_METADATA_URL, TAPLINE_METADATA_SECRET');
  }, 30_000);
});
