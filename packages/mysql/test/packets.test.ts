import { TaplineError } from '@tapline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MySqlErrorCode } from '../src/errors.js';
import { encodePacket, MAX_PACKET_PART, type Packet, PacketParser } from '../src/packets.js';

function collect(
  parser: PacketParser,
  chunks: Uint8Array[],
): Array<{ sequenceId: number; last: number; payload: string }> {
  const out: Array<{ sequenceId: number; last: number; payload: string }> = [];
  const onPacket = (packet: Packet): void => {
    out.push({
      sequenceId: packet.sequenceId,
      last: packet.lastSequenceId,
      payload: packet.payload.toString('hex'),
    });
  };
  for (const chunk of chunks) parser.parse(chunk, onPacket);
  return out;
}

describe('PacketParser', () => {
  const stream = Buffer.concat([
    encodePacket(Buffer.from('\x03SELECT 1'), 0),
    encodePacket(Buffer.alloc(0), 1),
    encodePacket(Buffer.from([0xfe, 0, 0, 2, 0]), 2),
    encodePacket(Buffer.from('x'.repeat(300)), 3),
  ]);
  const whole = collect(new PacketParser(), [stream]);

  it('reads packets with their sequence ids', () => {
    expect(whole.map((packet) => packet.sequenceId)).toEqual([0, 1, 2, 3]);
    expect(Buffer.from(whole[0]!.payload, 'hex').toString()).toBe('\x03SELECT 1');
    expect(whole[1]!.payload).toBe('');
  });

  it('gives the same packets split at every offset, and byte by byte', () => {
    for (let split = 0; split <= stream.length; split++) {
      expect(collect(new PacketParser(), [stream.subarray(0, split), stream.subarray(split)])).toEqual(whole);
    }
    const bytes = [...stream].map((byte) => Buffer.of(byte));
    expect(collect(new PacketParser(), bytes)).toEqual(whole);
  });

  it('joins a payload of 16 MiB and more from its parts (and an exact multiple ends with an empty part)', () => {
    for (const size of [MAX_PACKET_PART, MAX_PACKET_PART + 10, 2 * MAX_PACKET_PART]) {
      const payload = Buffer.alloc(size, 7);
      payload[size - 1] = 9;
      const wire = encodePacket(payload, 5);
      const parts = Math.floor(size / MAX_PACKET_PART) + 1;
      expect(wire.length).toBe(size + 4 * parts);
      const packets: Packet[] = [];
      const parser = new PacketParser({ maxPacketBytes: 64 * 1024 * 1024 });
      // Split inside the second header.
      const cut = MAX_PACKET_PART + 6;
      parser.parse(wire.subarray(0, cut), (packet) =>
        packets.push({ ...packet, payload: Buffer.from(packet.payload) }),
      );
      parser.parse(wire.subarray(cut), (packet) =>
        packets.push({ ...packet, payload: Buffer.from(packet.payload) }),
      );
      expect(packets).toHaveLength(1);
      expect(packets[0]!.sequenceId).toBe(5);
      expect(packets[0]!.lastSequenceId).toBe(5 + parts - 1);
      expect(packets[0]!.payload.equals(payload)).toBe(true);
    }
  });

  it('refuses an oversized packet from its header, before the body arrives', () => {
    const parser = new PacketParser({ maxPacketBytes: 1000 });
    const header = Buffer.from([0xe9, 0x03, 0x00, 0x00]); // 1001 bytes announced
    let caught: unknown;
    try {
      parser.parse(header, () => {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TaplineError);
    expect((caught as TaplineError).code).toBe(MySqlErrorCode.PACKET_TOO_LARGE);
  });

  it('holds a truncated packet without emitting it', () => {
    const parser = new PacketParser();
    const packets = collect(parser, [stream.subarray(0, stream.length - 1)]);
    expect(packets).toHaveLength(3);
    expect(parser.bufferedBytes).toBe(303);
  });

  it('fuzz: any bytes split anywhere give the same packets or the same error, never a crash', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(600), { maxLength: 6 }),
        (bytes, cuts) => {
          const run = (chunks: Uint8Array[]): unknown => {
            try {
              return collect(new PacketParser({ maxPacketBytes: 256 }), chunks);
            } catch (error) {
              expect(error).toBeInstanceOf(TaplineError);
              return (error as TaplineError).code;
            }
          };
          const sorted = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let start = 0;
          for (const cut of sorted) {
            chunks.push(bytes.subarray(start, cut));
            start = cut;
          }
          chunks.push(bytes.subarray(start));
          const whole = run([bytes]);
          const split = run(chunks);
          // A too-large header may be seen in a prefix split, so only the error code must agree then.
          if (typeof whole === 'string' || typeof split === 'string') expect(typeof whole).toBe(typeof split);
          else expect(split).toEqual(whole);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('fuzz: encodePacket then parse returns the payload for any split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 5 }),
        fc.nat(2000),
        (payloads, cut) => {
          const wire = Buffer.concat(payloads.map((payload, index) => encodePacket(payload, index)));
          const at = cut % (wire.length + 1);
          const packets = collect(new PacketParser(), [wire.subarray(0, at), wire.subarray(at)]);
          expect(packets.map((packet) => packet.payload)).toEqual(
            payloads.map((payload) => Buffer.from(payload).toString('hex')),
          );
        },
      ),
    );
  });
});
