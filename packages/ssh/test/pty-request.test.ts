import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeTerminalModes,
  MAX_PTY_REQUEST_BYTES,
  parseChannelRequestHeader,
  parsePtyRequestData,
} from '../src/pty-request.js';

function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
function mode(opcode: number, value: number): Buffer {
  return Buffer.concat([Buffer.from([opcode]), uint32(value)]);
}

/** An SSH_MSG_CHANNEL_REQUEST "pty-req" payload as OpenSSH sends it. */
function ptyRequest(modes: Buffer, term = 'xterm-256color', cols = 120, rows = 40): Buffer {
  return Buffer.concat([
    Buffer.from([98]),
    uint32(7),
    sshString('pty-req'),
    Buffer.from([1]),
    sshString(term),
    uint32(cols),
    uint32(rows),
    uint32(960),
    uint32(640),
    sshString(modes),
  ]);
}

// VERASE ^H, IUTF8 on, ECHO on, ISPEED 38400, then TTY_OP_END.
const OPENSSH_MODES = Buffer.concat([
  mode(3, 8),
  mode(42, 1),
  mode(53, 1),
  mode(128, 38400),
  Buffer.from([0]),
]);

describe('pty-req parser', () => {
  it('parses the header, size, term and modes (including IUTF8, which ssh2 drops) and keeps the raw modes', () => {
    const payload = ptyRequest(OPENSSH_MODES);
    const header = parseChannelRequestHeader(payload);
    expect(header).toEqual({ recipient: 7, type: 'pty-req', wantReply: true, dataOffset: 17 });
    const request = parsePtyRequestData(payload, header!.dataOffset);
    expect(request).toMatchObject({
      term: 'xterm-256color',
      cols: 120,
      rows: 40,
      width: 960,
      height: 640,
      modes: { VERASE: 8, IUTF8: 1, ECHO: 1, TTY_OP_ISPEED: 38400 },
    });
    expect(request!.rawModes.equals(OPENSSH_MODES)).toBe(true);
    // A copy: the transport may reuse the payload buffer.
    payload.fill(0);
    expect(request!.rawModes.equals(OPENSSH_MODES)).toBe(true);
  });

  it('stops at TTY_OP_END and at undefined opcodes (160..255), skips unknown defined ones', () => {
    expect(decodeTerminalModes(Buffer.concat([mode(53, 1), Buffer.from([0]), mode(54, 1)]))).toEqual({
      ECHO: 1,
    });
    expect(decodeTerminalModes(Buffer.concat([mode(53, 1), Buffer.from([200, 1, 2])]))).toEqual({ ECHO: 1 });
    expect(decodeTerminalModes(Buffer.concat([mode(99, 7), mode(53, 0)]))).toEqual({ ECHO: 0 });
    expect(decodeTerminalModes(Buffer.alloc(0))).toEqual({});
  });

  it('returns undefined for every truncation of a valid request, and parses every split re-joined', () => {
    const payload = ptyRequest(OPENSSH_MODES);
    const header = parseChannelRequestHeader(payload)!;
    for (let length = 0; length < payload.length; length++) {
      const truncated = payload.subarray(0, length);
      expect(parsePtyRequestData(truncated, header.dataOffset)).toBeUndefined();
      if (length < header.dataOffset) expect(parseChannelRequestHeader(truncated)).toBeUndefined();
      // ssh2 hands over whole packets; a split re-joined must parse the same.
      const joined = Buffer.concat([payload.subarray(0, length), payload.subarray(length)]);
      expect(parsePtyRequestData(joined, header.dataOffset)?.rawModes.equals(OPENSSH_MODES)).toBe(true);
    }
  });

  it('rejects oversized and garbage input without throwing', () => {
    const huge = Buffer.concat([ptyRequest(OPENSSH_MODES), Buffer.alloc(MAX_PTY_REQUEST_BYTES)]);
    expect(parsePtyRequestData(huge, 17)).toBeUndefined();
    expect(parseChannelRequestHeader(Buffer.from([97, 0, 0, 0, 1, 0, 0, 0, 1, 120, 1]))).toBeUndefined();
    const longTerm = ptyRequest(OPENSSH_MODES, 'x'.repeat(300));
    expect(parsePtyRequestData(longTerm, 17)).toBeUndefined();
    const badModes = ptyRequest(Buffer.from([53, 0, 0]));
    expect(parsePtyRequestData(badModes, 17)).toBeUndefined();
  });

  it('never throws on arbitrary bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.nat(600), (bytes, offset) => {
        const header = parseChannelRequestHeader(bytes);
        if (header !== undefined) expect(header.dataOffset).toBeLessThanOrEqual(bytes.length);
        const parsed = parsePtyRequestData(bytes, offset);
        if (parsed !== undefined) expect(parsed.rawModes.length).toBeLessThanOrEqual(bytes.length);
        decodeTerminalModes(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any well-formed request (fuzz)', () => {
    const modeArbitrary = fc.tuple(fc.integer({ min: 1, max: 159 }), fc.nat({ max: 0xffffffff }));
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).map((term) => term.replace(/[^\x20-\x7e]/g, 'x')),
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 10_000 }),
        fc.array(modeArbitrary, { maxLength: 40 }),
        (term, cols, rows, modes) => {
          const encoded = Buffer.concat([
            ...modes.map(([opcode, value]) => mode(opcode, value)),
            Buffer.from([0]),
          ]);
          const payload = ptyRequest(encoded, term, cols, rows);
          const parsed = parsePtyRequestData(payload, parseChannelRequestHeader(payload)!.dataOffset);
          expect(parsed).toMatchObject({ term, cols, rows });
          expect(parsed!.rawModes.equals(encoded)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
