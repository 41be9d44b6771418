// Issue 17: the live action stream while the real kubectl runs through the
// proxy. Every API request the API server saw arrives on the stream as an
// api_call; the delay from the response passing through the proxy (the
// moment the call is recorded) to the subscriber is printed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type LiveAction, type Recorder } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const ROUNDS = 10;

let h: Harness;
let recorder: Recorder;
let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tapline-kube-live-'));
  recorder = createRecorder({
    spool: { directory: join(root, 'spool') },
    sinks: [createFileSink({ directory: join(root, 'recordings') })],
  });
  h = await startHarness({}, recorder);
});
afterAll(async () => {
  await h?.close();
  await recorder?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * (sorted.length - 1)))]!;
}

describe('live action stream through the kube proxy (real kubectl)', () => {
  it('every API request arrives as an api_call; p50/p99 delay from the response to the subscriber is printed', async () => {
    const arrivals: Array<{ action: Extract<LiveAction, { type: 'api_call' }>; delayMs: number }> = [];
    recorder.on('action', (action) => {
      if (action.type !== 'api_call') return;
      const session = recorder.sessions.get(action.sessionId);
      // The proxy records the call as it relays the end of the response: that is the action's offset.
      const delayMs = session === undefined ? Number.NaN : (session.now() - action.offsetNs) / 1e6;
      arrivals.push({ action, delayMs });
    });
    const requestsBefore = h.api.requests.length;
    for (let round = 0; round < ROUNDS; round++) {
      const name = `live-${round}`;
      const created = await h.kubectl(['create', 'configmap', name, `--from-literal=round=${round}`]);
      expect(created.stderr).toBe('');
      expect((await h.kubectl(['get', 'configmap', name, '-o', 'name'])).stdout.trim()).toBe(
        `configmap/${name}`,
      );
      expect((await h.kubectl(['get', 'pods'])).code).toBe(0);
      expect((await h.kubectl(['delete', 'configmap', name])).code).toBe(0);
    }
    const seen = h.api.requests.slice(requestsBefore);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Every request the API server answered reached the subscriber, once, with its method and path.
    const key = (method: string, path: string) => `${method} ${path.split('?')[0]}`;
    const expected = seen.map((request) => key(request.method, request.url)).sort();
    const got = arrivals.map(({ action }) => key(action.apiCall.method, action.apiCall.path)).sort();
    expect(got).toEqual(expected);
    const verbs = arrivals.map(({ action }) => action.apiCall.verb);
    expect(verbs.filter((verb) => verb === 'create')).toHaveLength(ROUNDS);
    expect(verbs.filter((verb) => verb === 'delete')).toHaveLength(ROUNDS);
    expect(arrivals.every(({ action }) => action.dropped === 0)).toBe(true);
    const delays = arrivals.map(({ delayMs }) => delayMs).sort((a, b) => a - b);
    const p50 = percentile(delays, 0.5);
    const p99 = percentile(delays, 0.99);
    console.log(
      `[live] kubectl: ${arrivals.length} api_call actions for ${seen.length} API requests (lost ${Math.max(0, seen.length - arrivals.length)}, invented ${Math.max(0, arrivals.length - seen.length)}); ` +
        `response -> subscriber: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${delays.at(-1)!.toFixed(2)} ms`,
    );
    expect(p99).toBeLessThan(1000);
  }, 120_000);
});
