import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeChannelMessage,
  KubeErrorCode,
  PortForwardDecoder,
  type PortForwardMessage,
  RemoteCommandDecoder,
  type RemoteCommandMessage,
  serializeFrame,
  WebSocketOpcode,
  WebSocketParser,
} from '../src/index.js';

type Plain = Record<string, unknown>;
const plain = (message: RemoteCommandMessage | PortForwardMessage): Plain =>
  'data' in message ? { ...message, data: Buffer.from(message.data).toString('latin1') } : { ...message };

/** Runs bytes → WebSocket frames → channel messages, merging adjacent data of one channel. */
function decode(chunks: Uint8Array[], protocol = 'v5.channel.k8s.io'): Plain[] {
  const ws = new WebSocketParser();
  const decoder = new RemoteCommandDecoder({ protocol });
  const out: Plain[] = [];
  for (const chunk of chunks) {
    ws.parse(chunk, (frame) =>
      decoder.frame(frame, (message) => {
        const last = out.at(-1);
        if (message.name === 'data' && last?.name === 'data' && last.channel === message.channel) {
          last.data = `${last.data}${Buffer.from(message.data).toString('latin1')}`;
        } else out.push(plain(message));
      }),
    );
  }
  return out;
}

const binary = (payload: Uint8Array, fin = true, opcode: 0 | 2 = WebSocketOpcode.binary): Buffer =>
  serializeFrame({ opcode, payload, fin });

const exitStatus = (code: number): string =>
  JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });

function stream(): Buffer {
  return Buffer.concat([
    binary(encodeChannelMessage(1, 'hello ')),
    binary(encodeChannelMessage(2, 'warning\n')),
    binary(encodeChannelMessage(4, '{"Width":132,"Height":43}')),
    // stdout fragmented across three frames, the channel byte only in the first
    binary(encodeChannelMessage(1, 'wor'), false),
    serializeFrame({ opcode: WebSocketOpcode.ping, payload: Buffer.from('x') }),
    binary(Buffer.from('ld'), false, WebSocketOpcode.continuation),
    binary(Buffer.from('\n'), true, WebSocketOpcode.continuation),
    binary(Buffer.from([255, 0])),
    // the status split in two frames
    binary(encodeChannelMessage(3, exitStatus(42).slice(0, 20)), false),
    binary(Buffer.from(exitStatus(42).slice(20)), true, WebSocketOpcode.continuation),
  ]);
}

const expected = [
  { name: 'data', channel: 1, data: 'hello ' },
  { name: 'data', channel: 2, data: 'warning\n' },
  { name: 'resize', cols: 132, rows: 43 },
  { name: 'data', channel: 1, data: 'world\n' },
  { name: 'close', channel: 0 },
  {
    name: 'status',
    status: 'Failure',
    reason: 'NonZeroExitCode',
    message: 'command terminated with non-zero exit code: 42',
    exitCode: 42,
  },
];

describe('RemoteCommandDecoder (v4/v5 channel protocol)', () => {
  it('decodes data, resize, v5 close and the exit status', () => {
    expect(decode([stream()])).toEqual(expected);
  });

  it('decodes the same when split at every offset', () => {
    const bytes = stream();
    for (let offset = 0; offset <= bytes.byteLength; offset++) {
      expect(decode([bytes.subarray(0, offset), bytes.subarray(offset)])).toEqual(expected);
    }
  });

  it('decodes the same from the pieces of frames fed a byte at a time', () => {
    const bytes = stream();
    const single = Array.from({ length: bytes.byteLength }, (_, i) => Buffer.from(bytes.subarray(i, i + 1)));
    expect(decode(single)).toEqual(expected);
  });

  it('bounds a control message gathered from pieces, wherever the frame is split', () => {
    const frame = binary(encodeChannelMessage(3, 'x'.repeat(17)));
    for (let offset = 0; offset <= frame.byteLength; offset++) {
      const ws = new WebSocketParser();
      const decoder = new RemoteCommandDecoder({ maxControlMessage: 16 });
      const seen: RemoteCommandMessage[] = [];
      expect(() => {
        for (const chunk of [frame.subarray(0, offset), frame.subarray(offset)])
          ws.parse(chunk, (piece) => decoder.frame(piece, (message) => seen.push(message)));
      }).toThrow(expect.objectContaining({ code: KubeErrorCode.CHANNEL_PROTOCOL }));
      expect(seen).toEqual([]);
    }
  });

  it('decodes any channel stream the same however it is chunked (fast-check)', () => {
    const message = fc.record({
      channel: fc.constantFrom(0, 1, 2, 3, 4, 255),
      body: fc.uint8Array({ maxLength: 300 }),
      fragments: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (messages, cuts) => {
          const frames: Buffer[] = [];
          for (const { channel, body, fragments } of messages) {
            // control channels get bodies that decode
            const payload =
              channel === 3
                ? encodeChannelMessage(3, '{"status":"Success"}')
                : channel === 4
                  ? encodeChannelMessage(4, '{"Width":80,"Height":24}')
                  : channel === 255
                    ? Buffer.from([255, body[0] ?? 0])
                    : encodeChannelMessage(channel, body);
            const step = Math.ceil(payload.byteLength / fragments);
            for (let at = 0, i = 0; at < payload.byteLength || i === 0; at += step, i++) {
              const fin = at + step >= payload.byteLength;
              frames.push(binary(payload.subarray(at, at + step), fin, i === 0 ? 2 : 0));
            }
          }
          const wire = Buffer.concat(frames);
          const points = [...new Set(cuts.map((c) => c % (wire.byteLength + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let last = 0;
          for (const point of points) {
            chunks.push(Buffer.from(wire.subarray(last, point)));
            last = point;
          }
          chunks.push(Buffer.from(wire.subarray(last)));
          expect(decode(chunks)).toEqual(decode([wire]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads success, and v4 has no close channel (255 is data there)', () => {
    expect(
      decode([binary(encodeChannelMessage(3, '{"metadata":{},"status":"Success"}'))], 'v4.channel.k8s.io'),
    ).toEqual([{ name: 'status', status: 'Success', exitCode: 0 }]);
    expect(decode([binary(Buffer.from([255, 0]))], 'v4.channel.k8s.io')).toEqual([
      { name: 'data', channel: 255, data: '\0' },
    ]);
    expect(decode([binary(encodeChannelMessage(3, 'exec failed'))], 'channel.k8s.io')).toEqual([
      { name: 'status', status: 'Failure', message: 'exec failed' },
    ]);
  });

  it('holds a truncated control message until its last frame', () => {
    const decoder = new RemoteCommandDecoder();
    const seen: RemoteCommandMessage[] = [];
    decoder.frame({ opcode: 2, fin: false, payload: encodeChannelMessage(3, '{"status":') }, (m) =>
      seen.push(m),
    );
    expect(seen).toEqual([]);
    expect(decoder.midMessage).toBe(true);
  });

  it('refuses malformed or oversized control messages with coded errors', () => {
    const bad = [
      encodeChannelMessage(3, 'not json'),
      encodeChannelMessage(3, '{"kind":"Status"}'),
      encodeChannelMessage(4, '{"Width":-1,"Height":10}'),
      encodeChannelMessage(4, '[]'),
      Buffer.from([255]),
      Buffer.from([255, 1, 2]),
    ];
    for (const payload of bad) {
      expect(() => new RemoteCommandDecoder().frame({ opcode: 2, fin: true, payload }, () => {})).toThrow(
        expect.objectContaining({ code: KubeErrorCode.CHANNEL_PROTOCOL }),
      );
    }
    const small = new RemoteCommandDecoder({ maxControlMessage: 16 });
    expect(() =>
      small.frame({ opcode: 2, fin: true, payload: encodeChannelMessage(3, 'x'.repeat(17)) }, () => {}),
    ).toThrow(expect.objectContaining({ code: KubeErrorCode.CHANNEL_PROTOCOL }));
  });

  it('turns any frame sequence into messages or a coded error (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            opcode: fc.constantFrom(0, 1, 2, 8, 9),
            fin: fc.boolean(),
            payload: fc.uint8Array({ maxLength: 64 }),
          }),
          { maxLength: 20 },
        ),
        (frames) => {
          const decoder = new RemoteCommandDecoder();
          try {
            for (const frame of frames) decoder.frame(frame as never, () => {});
          } catch (error) {
            expect((error as { code?: string }).code).toBe(KubeErrorCode.CHANNEL_PROTOCOL);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('PortForwardDecoder (portforward.k8s.io channels)', () => {
  const portPrefix = (channel: number, port: number, rest = ''): Buffer =>
    Buffer.concat([Buffer.from([channel, port & 0xff, port >> 8]), Buffer.from(rest)]);

  function run(frames: Array<{ opcode: 0 | 2; fin: boolean; payload: Uint8Array }>, prefix = true): Plain[] {
    const decoder = new PortForwardDecoder({ portPrefix: prefix });
    const out: Plain[] = [];
    for (const frame of frames) decoder.frame(frame, (message) => out.push(plain(message)));
    return out;
  }

  it('reads the port prefix of each channel, then data and errors per port', () => {
    const got = run([
      { opcode: 2, fin: true, payload: portPrefix(0, 8080) },
      { opcode: 2, fin: true, payload: portPrefix(1, 8080) },
      { opcode: 2, fin: true, payload: portPrefix(2, 5432, 'early') },
      { opcode: 2, fin: true, payload: Buffer.from('\x00response') },
      { opcode: 2, fin: true, payload: Buffer.from('\x01connection refused') },
    ]);
    expect(got).toEqual([
      { name: 'port', portIndex: 0, port: 8080, stream: 'data' },
      { name: 'port', portIndex: 0, port: 8080, stream: 'error' },
      { name: 'port', portIndex: 1, port: 5432, stream: 'data' },
      { name: 'data', portIndex: 1, data: 'early' },
      { name: 'data', portIndex: 0, data: 'response' },
      { name: 'error', portIndex: 0, data: 'connection refused' },
    ]);
  });

  it('reads a port prefix split across frames, and client data without prefix', () => {
    expect(
      run([
        { opcode: 2, fin: false, payload: Buffer.from([0, 0x90]) },
        { opcode: 0, fin: true, payload: Buffer.from([0x1f, 0x41]) },
      ]),
    ).toEqual([
      { name: 'port', portIndex: 0, port: 0x1f90, stream: 'data' },
      { name: 'data', portIndex: 0, data: 'A' },
    ]);
    expect(run([{ opcode: 2, fin: true, payload: Buffer.from('\x00GET /') }], false)).toEqual([
      { name: 'data', portIndex: 0, data: 'GET /' },
    ]);
  });

  it('reads prefixes and data the same from the pieces of frames fed a byte at a time', () => {
    const wire = Buffer.concat([
      binary(portPrefix(0, 8080, 'hello')),
      binary(portPrefix(1, 8080)),
      binary(Buffer.from([2, 0x38]), false),
      binary(Buffer.from([0x15, 0x41, 0x42]), true, WebSocketOpcode.continuation),
      binary(Buffer.from('\x00response')),
    ]);
    const decodeChunks = (chunks: Uint8Array[]): Plain[] => {
      const ws = new WebSocketParser();
      const decoder = new PortForwardDecoder();
      const out: Plain[] = [];
      for (const chunk of chunks)
        ws.parse(chunk, (piece) =>
          decoder.frame(piece, (message) => {
            const last = out.at(-1);
            if (message.name === 'data' && last?.name === 'data' && last.portIndex === message.portIndex)
              last.data = `${last.data}${Buffer.from(message.data).toString()}`;
            else out.push(plain(message));
          }),
        );
      return out;
    };
    const whole = decodeChunks([wire]);
    expect(whole).toEqual([
      { name: 'port', portIndex: 0, port: 8080, stream: 'data' },
      { name: 'data', portIndex: 0, data: 'hello' },
      { name: 'port', portIndex: 0, port: 8080, stream: 'error' },
      { name: 'port', portIndex: 1, port: 5432, stream: 'data' },
      { name: 'data', portIndex: 1, data: 'AB' },
      { name: 'data', portIndex: 0, data: 'response' },
    ]);
    expect(decodeChunks(Array.from({ length: wire.byteLength }, (_, i) => wire.subarray(i, i + 1)))).toEqual(
      whole,
    );
  });

  it('never throws on arbitrary frames (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            opcode: fc.constantFrom(0, 2),
            fin: fc.boolean(),
            payload: fc.uint8Array({ maxLength: 32 }),
          }),
          { maxLength: 20 },
        ),
        (frames) => {
          run(frames as never);
        },
      ),
      { numRuns: 500 },
    );
  });
});
