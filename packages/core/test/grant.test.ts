import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder, type RecordedSession } from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

function recorderIn(root: string, terminationGraceMs = 10_000) {
  return createRecorder({
    sinks: [createFileSink({ directory: join(root, 'out') })],
    spool: { directory: join(root, 'spool') },
    terminationGraceMs,
  });
}

const aborted = (session: RecordedSession) =>
  // Already aborted when the machine was slow enough for the grant to expire during start().
  session.signal.aborted
    ? Promise.resolve(session.signal.reason)
    : new Promise<unknown>((resolve) =>
        session.signal.addEventListener('abort', () => resolve(session.signal.reason)),
      );

describe('grant lifecycle', () => {
  it('ends a session when its grant expires, with the coded reason, and only that session', async () => {
    const recorder = recorderIn(tempDirectory());
    const expiring = await recorder.start(grant({ expiresAt: Date.now() + 300 }));
    const other = await recorder.start(grant());
    const reason = await aborted(expiring);
    expect(reason).toMatchObject({ code: 'TAPLINE_ERR_GRANT_EXPIRED', endReason: 'grant_expired' });
    expect(other.signal.aborted).toBe(false);
    const summary = await expiring.end('grant_expired');
    expect(summary.reason).toBe('grant_expired');
    expect(recorder.sessions.has(other.sessionId)).toBe(true);
    await recorder.close();
  });

  it('revokes every live session of one access request and no other', async () => {
    const recorder = recorderIn(tempDirectory());
    const a1 = await recorder.start(grant({ accessRequestId: 'ar-a' }));
    const a2 = await recorder.start(grant({ accessRequestId: 'ar-a' }));
    const b = await recorder.start(grant({ accessRequestId: 'ar-b' }));
    expect(recorder.revoke('ar-a', 'approver withdrew access')).toBe(2);
    expect(a1.signal.reason).toMatchObject({ code: 'TAPLINE_ERR_REVOKED', endReason: 'revoked' });
    expect(a2.signal.aborted).toBe(true);
    expect(b.signal.aborted).toBe(false);
    expect(recorder.revoke('ar-none')).toBe(0);
    await recorder.close();
  });

  it('ends the session itself when the proxy does not react within the grace period', async () => {
    const recorder = recorderIn(tempDirectory(), 50);
    const session = await recorder.start(grant({ accessRequestId: 'ar-c' }));
    recorder.revoke('ar-c');
    const { until } = await import('./helpers.js');
    await until(() => !recorder.sessions.has(session.sessionId));
    const summary = await session.end('client_closed');
    expect(summary.reason).toBe('revoked');
    await recorder.close();
  });
});
