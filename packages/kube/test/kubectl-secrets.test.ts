// The real kubectl through the proxy, with @tapline/core's real recorder:
// Secrets created, read, applied, patched (every type the test API server
// takes), server-side applied and created over protobuf — then no Secret
// value, nor its base64, is found in the recording (decoded frames, request
// bodies), its JSONL export with data, or anything else the sink wrote.
// Also: Table output, paging, auth can-i, explain, diff and a 413.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { frameToJson, readFrames } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeKubeProtobuf,
  decodeProtobufSecret,
  encodeKubeProtobuf,
  encodeProtobufSecret,
} from '../src/index.js';
import { type Harness, startHarness, USER_TOKEN } from './harness.js';

let h: Harness;
let recorder: Recorder;
let output: string;
let spool: string;
/** Every Secret value the tests send; none may be recorded. */
const values: string[] = [];
const secretValue = (): string => {
  const value = `sv-${randomBytes(9).toString('hex')}`;
  values.push(value);
  return value;
};
const b64 = (value: string): string => Buffer.from(value).toString('base64');

beforeAll(async () => {
  output = mkdtempSync(join(tmpdir(), 'tapline-kube-secrets-out-'));
  spool = mkdtempSync(join(tmpdir(), 'tapline-kube-secrets-spool-'));
  recorder = createRecorder({
    spool: { directory: spool },
    sinks: [createFileSink({ directory: output })],
  });
  h = await startHarness({}, recorder);
});
afterAll(async () => {
  await h?.close();
  await recorder?.close();
});

async function until<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const result = await h.kubectl(args, env ? { env } : {});
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

const manifest = (name: string, body: Record<string, unknown>): string => {
  const file = join(h.directory, `${name}-${randomBytes(4).toString('hex')}.json`);
  writeFileSync(file, JSON.stringify(body));
  return file;
};

describe('Secrets through kubectl', () => {
  it('create secret generic, then get secret -o yaml shows it to the user', async () => {
    const value = secretValue();
    await ok(['create', 'secret', 'generic', 'created', `--from-literal=password=${value}`]);
    const yaml = await ok(['get', 'secret', 'created', '-o', 'yaml']);
    expect(yaml).toContain(b64(value));
    // kubectl sends a built-in kind it creates as protobuf: the proxy's protobuf redaction is on the path.
    const create = h.api.requests.find((r) => r.method === 'POST' && r.url.includes('/secrets'));
    expect(create?.headers['content-type']).toBe('application/vnd.kubernetes.protobuf');
  });

  it('apply of a Secret, then a change to it (client-side apply: create, then a strategic merge patch)', async () => {
    const first = secretValue();
    const second = secretValue();
    const body = (data: string, text: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'applied' },
      type: 'Opaque',
      data: { password: b64(data) },
      stringData: { token: text },
    });
    expect(await ok(['apply', '-f', manifest('applied', body(first, first))])).toContain(
      'secret/applied created',
    );
    expect(await ok(['apply', '-f', manifest('applied', body(second, second))])).toContain(
      'secret/applied configured',
    );
    const data = await ok(['get', 'secret', 'applied', '-o', 'jsonpath={.data.password}']);
    expect(Buffer.from(data, 'base64').toString()).toBe(second);
    const patch = h.api.requests.find((r) => r.method === 'PATCH' && r.url.includes('/secrets/applied'));
    expect(patch?.headers['content-type']).toContain('strategic-merge-patch');
  });

  it('patch of every type: json (data and the last-applied annotation), merge, strategic', async () => {
    const jsonValue = secretValue();
    await ok([
      'patch',
      'secret',
      'created',
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'replace', path: '/data/password', value: b64(jsonValue) }]),
    ]);
    const annotationValue = secretValue();
    await ok([
      'patch',
      'secret',
      'created',
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/metadata/annotations', value: {} },
        {
          op: 'add',
          path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
          value: JSON.stringify({
            apiVersion: 'v1',
            kind: 'Secret',
            data: { password: b64(annotationValue) },
          }),
        },
      ]),
    ]);
    const mergeValue = secretValue();
    await ok([
      'patch',
      'secret',
      'created',
      '--type=merge',
      '-p',
      JSON.stringify({ stringData: { password: mergeValue } }),
    ]);
    const strategicValue = secretValue();
    await ok([
      'patch',
      'secret',
      'created',
      '--type=strategic',
      '-p',
      JSON.stringify({ data: { password: b64(strategicValue) } }),
    ]);
    const data = await ok(['get', 'secret', 'created', '-o', 'jsonpath={.data.password}']);
    expect(Buffer.from(data, 'base64').toString()).toBe(strategicValue);
  });

  it('apply --server-side of a Secret', async () => {
    const value = secretValue();
    const out = await ok([
      'apply',
      '--server-side',
      '-f',
      manifest('ssa', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'server-side' },
        stringData: { password: value },
      }),
    ]);
    expect(out).toContain('secret/server-side serverside-applied');
    const apply = h.api.requests.find((r) => r.method === 'PATCH' && r.url.includes('/secrets/server-side'));
    expect(apply?.headers['content-type']).toContain('application/apply-patch+yaml');
  });

  it('a client-go style protobuf Secret create', async () => {
    const value = secretValue();
    const body = encodeKubeProtobuf({
      apiVersion: 'v1',
      kind: 'Secret',
      raw: encodeProtobufSecret({ name: 'proto', data: { password: Buffer.from(value) }, type: 'Opaque' }),
      contentType: 'application/vnd.kubernetes.protobuf',
    });
    const url = new URL(h.proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/api/v1/namespaces/default/secrets',
          ca: h.pki.ca,
          headers: {
            authorization: `Bearer ${USER_TOKEN}`,
            'content-type': 'application/vnd.kubernetes.protobuf',
            accept: 'application/json',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(201);
    const data = await ok(['get', 'secret', 'proto', '-o', 'jsonpath={.data.password}']);
    expect(Buffer.from(data, 'base64').toString()).toBe(value);
    // Read back as protobuf (the response is relayed, never recorded).
    const response = await new Promise<Buffer>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/v1/namespaces/default/secrets/proto',
          ca: h.pki.ca,
          headers: {
            authorization: `Bearer ${USER_TOKEN}`,
            accept: 'application/vnd.kubernetes.protobuf, application/json',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const secret = decodeProtobufSecret(decodeKubeProtobuf(response).raw);
    expect(Buffer.from(secret.data!.password!).toString()).toBe(value);
  });
});

describe('Secret responses', () => {
  it('a watch on secrets streams values to the user, and they are not recorded', async () => {
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        h.kubeconfig,
        '--cache-dir',
        join(h.directory, 'cache-w'),
        'get',
        'secrets',
        '-w',
        '-o',
        'json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    try {
      await until(() => stdout.includes('"created"'));
      const value = secretValue();
      await ok(['create', 'secret', 'generic', 'watched', `--from-literal=k=${value}`]);
      await until(() => stdout.includes(b64(value)));
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('more of the API through kubectl', () => {
  it('get -o wide (Table), --chunk-size (limit/continue), label selectors', async () => {
    await ok(['label', 'pod', 'web', 'tier=front']);
    h.api.addPod('default', 'web-2');
    h.api.addPod('default', 'web-3');
    const wide = await ok(['get', 'pods', '-o', 'wide']);
    expect(wide).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(wide).toMatch(/^web-2\s+1\/1\s+Running/m);
    const before = h.api.requests.length;
    const chunked = await ok(['get', 'pods', '--chunk-size=2', '-o', 'name']);
    expect(chunked.trim().split('\n')).toEqual(['pod/web', 'pod/web-2', 'pod/web-3']);
    const pages = h.api.requests.slice(before).filter((r) => r.url.includes('limit=2'));
    expect(pages.length).toBe(2);
    expect(pages[1]!.url).toContain('continue=');
    expect((await ok(['get', 'pods', '-l', 'tier=front', '-o', 'name'])).trim()).toBe('pod/web');
    expect((await ok(['get', 'pods', '-l', '!tier', '-o', 'name'])).trim().split('\n')).toEqual([
      'pod/web-2',
      'pod/web-3',
    ]);
  });

  it('auth can-i and auth can-i --list', async () => {
    expect((await ok(['auth', 'can-i', 'create', 'pods'])).trim()).toBe('yes');
    const denied = await h.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'forbidden']);
    expect(denied.stdout.trim()).toMatch(/^no\b/);
    const list = await ok(['auth', 'can-i', '--list']);
    expect(list).toMatch(/secrets\s+\[\]\s+\[\]\s+\[\*\]/);
  });

  it('explain pods (OpenAPI v3)', async () => {
    const explained = await ok(['explain', 'pods']);
    expect(explained).toContain('KIND:');
    expect(explained).toContain('Pod is a collection of containers');
  });

  it('diff (server-side dry run) and edit through KUBE_EDITOR', async () => {
    const file = manifest('cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { a: '1' },
    });
    await ok(['apply', '-f', file]);
    const changed = manifest('cm', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { a: '2' },
    });
    const diff = await h.kubectl(['diff', '-f', changed]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^-\s+a: "1"$/m);
    expect(diff.stdout).toMatch(/^\+\s+a: "2"$/m);
    expect(h.api.requests.some((r) => r.url.includes('dryRun=All'))).toBe(true);
    const editor = join(h.directory, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i \'s/a: "1"/a: "3"/\' "$1"\n', { mode: 0o755 });
    await ok(['edit', 'configmap', 'settings'], { KUBE_EDITOR: editor });
    expect(await ok(['get', 'configmap', 'settings', '-o', 'jsonpath={.data.a}'])).toBe('3');
  });

  it('a 10 MB ConfigMap is refused with 413', async () => {
    const file = join(h.directory, 'big.txt');
    writeFileSync(file, Buffer.alloc(10 * 1024 * 1024, 0x61));
    const result = await h.kubectl(['create', 'configmap', 'big', `--from-file=big=${file}`], {
      timeoutMs: 60_000,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/too large/i);
  });
});

describe('the recording', () => {
  it('holds no Secret value nor its base64: frames, request bodies, the JSONL export, every file', async () => {
    expect(values.length).toBeGreaterThanOrEqual(8);
    const [session] = [...recorder.sessions.values()];
    expect(recorder.revoke('req-alice@example.com')).toBe(1);
    await recorder.idle();
    const file = join(output, `${session!.sessionId}.tapline`);
    const deadline = Date.now() + 10_000;
    while (!readdirSync(output).includes(`${session!.sessionId}.tapline`) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const bytes = readFileSync(file);
    const haystack: string[] = [];
    const frames: Record<string, unknown>[] = [];
    for await (const frame of readFrames(bytes)) {
      const decoded = frameToJson(frame);
      frames.push(decoded);
      const body = (frame as { apiCall?: { requestBody?: Uint8Array } }).apiCall?.requestBody;
      if (body && body.byteLength > 0) haystack.push(Buffer.from(body).toString('latin1'));
    }
    haystack.push(JSON.stringify(frames));
    // The Secret calls were recorded, with bodies where they could be redacted.
    const calls = frames.flatMap((f) => (f.apiCall ? [f.apiCall as Record<string, unknown>] : []));
    const secretWrites = calls.filter(
      (c) => c.resource === 'secrets' && ['POST', 'PATCH'].includes(String(c.method)),
    );
    expect(secretWrites.length).toBeGreaterThanOrEqual(7);
    const recordedBodies = haystack.join('\n');
    // Every file the sink wrote (recording, metadata) and whatever is left in the spool, raw.
    for (const directory of [output, spool]) {
      for (const name of readdirSync(directory, { recursive: true }) as string[]) {
        const path = join(directory, name);
        if (statSync(path).isFile()) haystack.push(readFileSync(path).toString('latin1'));
      }
    }
    // The JSONL export with data, through the tapline CLI.
    const cli = join(import.meta.dirname, '../../cli/bin/tapline.mjs');
    const jsonl = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [cli, 'export', file, '--format', 'jsonl', '--include-data'],
        { maxBuffer: 256 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      ),
    );
    expect(jsonl.split('\n').filter(Boolean).length).toBeGreaterThan(10);
    haystack.push(jsonl);
    // Base64 fields of the export, decoded (request bodies, data frames).
    for (const line of jsonl.split('\n').filter(Boolean)) {
      JSON.stringify(JSON.parse(line), (_key, value) => {
        if (typeof value === 'string' && value.length >= 8 && /^[A-Za-z0-9+/=]+$/.test(value))
          haystack.push(Buffer.from(value, 'base64').toString('latin1'));
        return value;
      });
    }
    const all = haystack.join('\n');
    const leaked = values.filter((value) => all.includes(value) || all.includes(b64(value)));
    expect(leaked).toEqual([]);
    expect(recordedBodies).toContain('[REDACTED]');
  });
});
