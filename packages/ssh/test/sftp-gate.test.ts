// The SFTP policy gate on its own: framing split at every offset, garbage,
// oversized requests, asynchronous decisions, and replies slotted between
// whole target packets.
import type { ResolvedPolicyDecision } from '@tapline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeGatedRequest, SftpPolicyGate, statusPacket } from '../src/sftp-gate.js';

function str(value: string): Buffer {
  const b = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(4 + b.length);
  out.writeUInt32BE(b.length, 0);
  b.copy(out, 4);
  return out;
}
function u32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value, 0);
  return out;
}
function packet(type: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat([Buffer.from([type]), ...parts]);
  return Buffer.concat([u32(body.length), body]);
}

const init = packet(1, u32(3));
const openWrite = packet(3, u32(7), str('/locked/x'), u32(0x1a), u32(0));
const openRead = packet(3, u32(8), str('/open/x'), u32(0x01), u32(0));
const write = packet(6, u32(9), str('h1'), Buffer.alloc(8), str('x'.repeat(5000)));
const remove = packet(13, u32(10), str('/open/y'));
const posixRename = packet(200, u32(11), str('posix-rename@openssh.com'), str('/locked/a'), str('/open/b'));

function harness(deny: (path: string) => boolean, asyncDecisions = false) {
  const toTarget: Buffer[] = [];
  const toClient: Buffer[] = [];
  const decide = (path: string): ResolvedPolicyDecision =>
    deny(path) ? { allow: false, message: 'no' } : { allow: true, message: '' };
  const gate = new SftpPolicyGate(
    (action) => (asyncDecisions ? Promise.resolve(decide(action.path ?? '')) : decide(action.path ?? '')),
    {
      toTarget: (c) => toTarget.push(Buffer.from(c)),
      toClient: (c) => toClient.push(Buffer.from(c)),
      pauseClient: () => {},
      resumeClient: () => {},
    },
  );
  return { gate, target: () => Buffer.concat(toTarget), client: () => Buffer.concat(toClient) };
}

const stream = Buffer.concat([init, openWrite, openRead, write, remove, posixRename]);
const denyLocked = (path: string): boolean => path.startsWith('/locked/');
const expectedTarget = Buffer.concat([init, openRead, write, remove]);
const expectedReplies = Buffer.concat([statusPacket(7, 3, 'no'), statusPacket(11, 3, 'no')]);

describe('SFTP policy gate', () => {
  it('decodes the gated requests', () => {
    expect(decodeGatedRequest(openWrite)?.action).toMatchObject({
      operation: 'open_write',
      path: '/locked/x',
    });
    expect(decodeGatedRequest(openRead)?.action).toMatchObject({ operation: 'open_read' });
    expect(decodeGatedRequest(posixRename)?.action).toMatchObject({
      operation: 'rename',
      path: '/locked/a',
      targetPath: '/open/b',
    });
    expect(
      decodeGatedRequest(packet(200, u32(1), str('statvfs@openssh.com'), str('/')))?.action,
    ).toBeUndefined();
    // Truncated: an open whose path does not fit is treated as an open for write of "".
    expect(decodeGatedRequest(packet(3, u32(5), u32(100)))?.action).toMatchObject({
      operation: 'open_write',
      path: '',
    });
  });

  it('split at every offset: denied requests are answered, the rest passes byte for byte', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const h = harness(denyLocked);
      h.gate.fromClient(stream.subarray(0, cut));
      h.gate.fromClient(stream.subarray(cut));
      expect(h.target().equals(expectedTarget)).toBe(true);
      expect(h.client().equals(expectedReplies)).toBe(true);
    }
  });

  it('asynchronous decisions keep the order', async () => {
    const h = harness(denyLocked, true);
    for (const byte of stream) h.gate.fromClient(Buffer.from([byte]));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.target().equals(expectedTarget)).toBe(true);
    expect(h.client().equals(expectedReplies)).toBe(true);
  });

  it('a reply waits for the end of the target packet being relayed', () => {
    const h = harness(() => true);
    const reply = packet(103, u32(1), str('data'.repeat(10)));
    h.gate.fromTarget(reply.subarray(0, 10));
    h.gate.fromClient(remove);
    expect(h.client().equals(reply.subarray(0, 10))).toBe(true);
    h.gate.fromTarget(reply.subarray(10));
    expect(h.client().equals(Buffer.concat([reply, statusPacket(10, 3, 'no')]))).toBe(true);
  });

  it('an oversized gated request is denied unread and dropped', () => {
    const h = harness(() => false);
    const huge = packet(3, u32(4), str('x'.repeat(300 * 1024)), u32(2), u32(0));
    h.gate.fromClient(huge);
    h.gate.fromClient(remove);
    expect(h.target().equals(remove)).toBe(true);
    expect(h.client().equals(statusPacket(4, 3, 'request too large to check'))).toBe(true);
  });

  it('fuzz: random bytes never throw, and target + dropped bytes never exceed the input', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
        const h = harness(() => true);
        let total = 0;
        for (const chunk of chunks) {
          total += chunk.length;
          h.gate.fromClient(Buffer.from(chunk));
          h.gate.fromTarget(Buffer.from(chunk));
        }
        expect(h.target().length).toBeLessThanOrEqual(total);
      }),
      { numRuns: 300 },
    );
  });
});
