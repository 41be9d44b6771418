// The recorded request body is one prefix of what the client sent: when a
// chunk does not fit under the inspection limit, the body is cut there (and
// marked truncated), even if later chunks would fit.
import * as https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness, USER_TOKEN } from './harness.js';

let h: Harness;
const LIMIT = 4 * 1024 * 1024;
beforeAll(async () => {
  h = await startHarness({ maxRecordedBody: LIMIT });
});
afterAll(async () => {
  await h?.close();
});

describe('the kept request body', () => {
  it('is a prefix of the body: cut at the first chunk that does not fit, later small chunks not appended', async () => {
    const url = new URL(h.proxy.url);
    const head = Buffer.alloc(1000, 0x41);
    const big = Buffer.alloc(LIMIT, 0x42);
    const tail = Buffer.alloc(1000, 0x43);
    const status = await new Promise<number>((resolve, reject) => {
      const req = https.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/api/v1/namespaces/default/pods',
          ca: h.pki.ca,
          headers: { authorization: `Bearer ${USER_TOKEN}`, 'content-type': 'text/plain' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(head);
      req.write(big);
      // Let the big chunk go out before the small one, so the small one arrives separately.
      setTimeout(() => req.end(tail), 200);
    });
    // Above the API server's 3 MiB limit.
    expect(status).toBe(413);
    const session = h.recorder.sessions.find((s) => s.context.user.id === 'alice@example.com')!;
    const call = session.apiCalls().find((c) => c.method === 'POST')!;
    expect(call.requestBytes).toBe(head.byteLength + big.byteLength + tail.byteLength);
    expect(call.requestBodyTruncated).toBe(true);
    const body = Buffer.from(call.requestBody!);
    expect(body.byteLength).toBe(LIMIT);
    expect(body.subarray(0, 1000).equals(head)).toBe(true);
    expect(body.includes(0x43)).toBe(false);
    expect(body.subarray(1000).every((byte) => byte === 0x42)).toBe(true);
  });
});
