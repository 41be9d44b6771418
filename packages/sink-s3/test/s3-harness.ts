import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { Valve } from '@tapline/testing';

// The SDK's notice that releases after January 2027 need Node 22 (the catalog pins it): known, and noisy in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const childPath = new URL('./fixtures/s3rver-child.mjs', import.meta.url);

/** A real s3rver in a child process, on 127.0.0.1 at a port the OS picked, over a temp directory. */
export interface S3rverProcess {
  port: number;
  directory: string;
  endpoint: string;
  clientConfig(endpoint?: string): S3ClientConfig;
  /** Kills the server (SIGKILL: an outage, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

async function spawnServer(
  directory: string,
  port: number,
  buckets: string[],
): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(childPath, [directory, String(port), ...buckets], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`s3rver exited with ${code} before listening`);
    }),
  ])) as [{ port: number }];
  return { child, port: message.port };
}

export async function startS3rver(buckets: string[] = ['recordings']): Promise<S3rverProcess> {
  const directory = await mkdtemp(join(tmpdir(), 'tapline-s3rver-'));
  let { child, port } = await spawnServer(directory, 0, buckets);
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  return {
    port,
    directory,
    endpoint: `http://127.0.0.1:${port}`,
    clientConfig(endpoint = `http://127.0.0.1:${port}`) {
      return {
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      };
    },
    kill,
    async restart() {
      await kill();
      ({ child } = await spawnServer(directory, port, buckets));
    },
    async stop() {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** What the front proxy does with a request. */
export type ProxyMode = 'forward' | 'deny';

/**
 * An HTTP proxy in front of s3rver: holds UploadPart requests while `valve` is
 * paused (a stalled S3), or answers every request with S3's real AccessDenied
 * error (s3rver has no IAM). Counts requests by kind.
 */
export async function startS3Proxy(
  upstreamPort: number,
  options: { valve?: Valve; mode?: ProxyMode } = {},
): Promise<{ endpoint: string; requests: string[]; setMode(mode: ProxyMode): void; close(): Promise<void> }> {
  let mode = options.mode ?? 'forward';
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const url = req.url ?? '/';
    requests.push(`${req.method} ${url}`);
    if (mode === 'deny') {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml', 'x-amz-request-id': 'TAPLINETEST' });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>' +
          '<RequestId>TAPLINETEST</RequestId><HostId>tapline</HostId></Error>',
      );
      return;
    }
    if (options.valve && url.includes('partNumber=')) await options.valve.whenOpen();
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setMode(next) {
      mode = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
