import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetadataEvent } from '@tapline/core';
import { assertDelivered } from '@tapline/testing';
import { describe, expect, it } from 'vitest';
import { createHttpMetadataEmitter } from '../src/index.js';
import { startReceiver } from './receiver.js';

const SECRET = 'whsec_test_5f0c2b';
const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('crash safety', () => {
  it('a process SIGKILLed with events in its outbox: a restarted emitter delivers every event whose emit() had resolved', async () => {
    const down = await startReceiver(SECRET, () => ({ status: 503 }));
    const dir = await mkdtemp(join(tmpdir(), 'tapline-crash-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'test/fixtures/emit-child.ts', dir, down.url, '4'],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const durable: MetadataEvent[] = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          durable.push(JSON.parse(buffered.slice(0, newline)) as MetadataEvent);
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
        // Kill it mid-stream, while emits are in flight. Once: output already
        // buffered keeps arriving after the kill, and must not remove the
        // 'exit' listener awaited below.
        if (durable.length >= 300 && !child.killed) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.signalCode).toBe('SIGKILL');
    // Nothing was delivered before the crash.
    expect(down.take()).toHaveLength(0);
    await down.close();

    const up = await startReceiver(SECRET);
    const restarted = createHttpMetadataEmitter({
      url: up.url,
      secret: SECRET,
      directory: dir,
      batch: { maxDelayMs: 5 },
    });
    await restarted.start();
    expect(restarted.stats().pending).toBeGreaterThanOrEqual(durable.length);
    await restarted.flush();
    await restarted.close();
    const received = up.take();
    // Every event the child saw resolve arrives, unchanged and in order per session.
    // (Events appended after its last print may arrive too: they were durable but unreported.)
    const reported = new Set(durable.map((event) => event.id));
    const stripped = durable.map(({ data: { content: _content, ...data }, ...event }) => ({
      ...event,
      data,
    }));
    assertDelivered(
      stripped,
      received.filter((event) => reported.has(event.id)),
      'after SIGKILL and restart',
    );
    // Session content never left the process: not in any request, before or after the crash.
    expect(
      [...down.requests, ...up.requests].map((r) => JSON.stringify(r.headers) + r.body).join('\n'),
    ).not.toContain('SESSION-CONTENT-c0ffee');
    expect(up.requests.every((r) => r.signatureValid)).toBe(true);
    // Delivered events are compacted away: a third start has nothing to send.
    const third = createHttpMetadataEmitter({ url: up.url, secret: SECRET, directory: dir });
    expect(third.stats().pending).toBe(0);
    await third.close();
    await up.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('after close() the process exits on its own: no timer or socket is left behind', async () => {
    const receiver = await startReceiver(SECRET);
    const dir = await mkdtemp(join(tmpdir(), 'tapline-close-'));
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'test/fixtures/close-child.ts', dir, receiver.url],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output).toBe('closed\n');
    // Well under the 60 s batching delay and the 120 s close timeout the child configured.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(receiver.take()).toHaveLength(1);
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });
});
