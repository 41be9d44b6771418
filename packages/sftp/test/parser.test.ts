import { isTaplineError } from '@tapline/frames';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSftpParser,
  DEFAULT_MAX_PACKET_LENGTH,
  type SftpDirection,
  SftpErrorCode,
  type SftpPacket,
} from '../src/index.js';
import { client, Fields, FXF, FXP, handle, server } from './builders.js';

const H1 = handle(1);
const H2 = handle(2);
const attrsAll = {
  size: 2 ** 40 + 5,
  uid: 1000,
  gid: 100,
  permissions: 0o100644,
  atime: 1_700_000_000,
  mtime: 1_700_000_001,
};

// Every message type of each direction with the packet the parser must give.
const clientSamples: Array<[Buffer, SftpPacket]> = [
  [
    client.init(3, [['x@example.com', 'v1']]),
    { name: 'init', version: 3, extensions: [{ name: 'x@example.com', data: 'v1' }] },
  ],
  [
    client.open(1, '/tmp/é file', FXF.write | FXF.create | FXF.truncate, { permissions: 0o644 }),
    { name: 'open', id: 1, path: '/tmp/é file', pflags: 0x1a, attrs: { flags: 4, permissions: 0o644 } },
  ],
  [client.close(2, H1), { name: 'close', id: 2, handle: H1 }],
  [client.read(3, H1, 2 ** 33, 32768), { name: 'read', id: 3, handle: H1, offset: 2 ** 33, length: 32768 }],
  [client.write(4, H1, 65536, 1000), { name: 'write', id: 4, handle: H1, offset: 65536, dataLength: 1000 }],
  [client.write(5, H2, 0, 0), { name: 'write', id: 5, handle: H2, offset: 0, dataLength: 0 }],
  [client.lstat(6, '/a'), { name: 'lstat', id: 6, path: '/a' }],
  [client.fstat(7, H1), { name: 'fstat', id: 7, handle: H1 }],
  [
    client.setstat(8, '/a', attrsAll),
    { name: 'setstat', id: 8, path: '/a', attrs: { flags: 0xf, ...attrsAll } },
  ],
  [
    client.fsetstat(9, H1, { atime: 1, mtime: 2 }),
    { name: 'fsetstat', id: 9, handle: H1, attrs: { flags: 8, atime: 1, mtime: 2 } },
  ],
  [client.opendir(10, '/d'), { name: 'opendir', id: 10, path: '/d' }],
  [client.readdir(11, H2), { name: 'readdir', id: 11, handle: H2 }],
  [client.remove(12, '/r'), { name: 'remove', id: 12, path: '/r' }],
  [
    client.mkdir(13, '/m', { permissions: 0o755 }),
    { name: 'mkdir', id: 13, path: '/m', attrs: { flags: 4, permissions: 0o755 } },
  ],
  [client.rmdir(14, '/m'), { name: 'rmdir', id: 14, path: '/m' }],
  [client.realpath(15, '.'), { name: 'realpath', id: 15, path: '.' }],
  [client.stat(16, '/s'), { name: 'stat', id: 16, path: '/s' }],
  [client.rename(17, '/o', '/n'), { name: 'rename', id: 17, oldPath: '/o', newPath: '/n' }],
  [client.readlink(18, '/l'), { name: 'readlink', id: 18, path: '/l' }],
  [
    client.symlink(19, 'target', '/link'),
    { name: 'symlink', id: 19, targetPath: 'target', linkPath: '/link' },
  ],
  [client.posixRename(20, '/o', '/n'), { name: 'posixRename', id: 20, oldPath: '/o', newPath: '/n' }],
  [client.hardlink(21, '/o', '/n'), { name: 'hardlink', id: 21, oldPath: '/o', newPath: '/n' }],
  [client.statvfs(22, '/'), { name: 'statvfs', id: 22, path: '/' }],
  [client.fstatvfs(23, H1), { name: 'fstatvfs', id: 23, handle: H1 }],
  [client.fsync(24, H1), { name: 'fsync', id: 24, handle: H1 }],
  [
    client.lsetstat(25, '/l', { uid: 0, gid: 0 }),
    { name: 'lsetstat', id: 25, path: '/l', attrs: { flags: 2, uid: 0, gid: 0 } },
  ],
  [client.limits(26), { name: 'limits', id: 26 }],
  [client.expandPath(27, '~/x'), { name: 'expandPath', id: 27, path: '~/x' }],
  [
    client.copyData(28, H1, 10, 0, H2, 20),
    {
      name: 'copyData',
      id: 28,
      readHandle: H1,
      readOffset: 10,
      readLength: 0,
      writeHandle: H2,
      writeOffset: 20,
    },
  ],
  [client.homeDirectory(29, 'alice'), { name: 'homeDirectory', id: 29, username: 'alice' }],
  [
    client.extended(30, 'users-groups-by-id@openssh.com', new Fields().string('').string('')),
    { name: 'extended', id: 30, request: 'users-groups-by-id@openssh.com', dataLength: 8 },
  ],
  [
    client.setstat(31, '/x', { extended: [{ name: 'acl@x', data: 'rw' }] }),
    {
      name: 'setstat',
      id: 31,
      path: '/x',
      attrs: { flags: 0x80000000, extended: [{ name: 'acl@x', data: 'rw' }] },
    },
  ],
];

const serverSamples: Array<[Buffer, SftpPacket]> = [
  [
    server.version(3, [
      ['posix-rename@openssh.com', '1'],
      ['limits@openssh.com', '1'],
    ]),
    {
      name: 'version',
      version: 3,
      extensions: [
        { name: 'posix-rename@openssh.com', data: '1' },
        { name: 'limits@openssh.com', data: '1' },
      ],
    },
  ],
  [server.status(1, 0), { name: 'status', id: 1, code: 0, message: 'Success', language: '' }],
  [
    server.status(2, 2, 'No such file', 'en'),
    { name: 'status', id: 2, code: 2, message: 'No such file', language: 'en' },
  ],
  [
    new Fields().u32(3).u32(4).packet(FXP.status),
    { name: 'status', id: 3, code: 4, message: '', language: '' },
  ],
  [server.handle(4, H1), { name: 'handle', id: 4, handle: H1 }],
  [server.data(5, 32768), { name: 'data', id: 5, dataLength: 32768 }],
  [server.data(6, 0), { name: 'data', id: 6, dataLength: 0 }],
  [
    server.name(7, [
      { filename: 'a', longname: '-rw-r--r-- 1 u g 0 a', attrs: { size: 0 } },
      { filename: 'b', attrs: {} },
    ]),
    {
      name: 'name',
      id: 7,
      entries: [
        { filename: 'a', longname: '-rw-r--r-- 1 u g 0 a', attrs: { flags: 1, size: 0 } },
        { filename: 'b', longname: 'b', attrs: { flags: 0 } },
      ],
    },
  ],
  [server.attrs(8, attrsAll), { name: 'attrs', id: 8, attrs: { flags: 0xf, ...attrsAll } }],
  [
    server.extendedReply(9, Buffer.from([1, 2, 3])),
    { name: 'extendedReply', id: 9, data: new Uint8Array([1, 2, 3]) },
  ],
];

function parseAll(direction: SftpDirection, chunks: Uint8Array[], maxPacketLength?: number): SftpPacket[] {
  const parser = createSftpParser({ direction, maxPacketLength });
  const packets: SftpPacket[] = [];
  for (const chunk of chunks) parser.parse(chunk, (packet) => packets.push(packet));
  parser.end();
  return packets;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!isTaplineError(error)) throw error;
    return error.code;
  }
  throw new Error('expected a TaplineError, nothing was thrown');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('SFTP parser: every message type', () => {
  for (const [direction, samples] of [
    ['clientToServer', clientSamples],
    ['serverToClient', serverSamples],
  ] as const) {
    it(`decodes each ${direction} packet alone`, () => {
      for (const [bytes, expected] of samples) {
        expect(parseAll(direction, [bytes])).toEqual([expected]);
      }
    });

    it(`decodes the ${direction} stream split at every offset, and byte by byte`, () => {
      const stream = Buffer.concat(samples.map(([bytes]) => bytes));
      const expected = samples.map(([, packet]) => packet);
      expect(parseAll(direction, [stream])).toEqual(expected);
      for (let cut = 1; cut < stream.length; cut++) {
        expect(parseAll(direction, [stream.subarray(0, cut), stream.subarray(cut)])).toEqual(expected);
      }
      const bytes = Array.from(stream, (byte) => Uint8Array.of(byte));
      expect(parseAll(direction, bytes)).toEqual(expected);
    });
  }

  it('accepts plain Uint8Array chunks, not only Buffers', () => {
    const bytes = new Uint8Array(client.rename(1, '/a', '/b'));
    expect(parseAll('clientToServer', [bytes.subarray(0, 7), bytes.subarray(7)])).toEqual([
      { name: 'rename', id: 1, oldPath: '/a', newPath: '/b' },
    ]);
  });

  it('ignores trailing bytes inside a packet, as sftp-server does', () => {
    const packet = new Fields().u32(1).string('/a').string('extra').packet(FXP.remove);
    const write = new Fields()
      .u32(2)
      .string(H1)
      .u64(0)
      .string(Buffer.alloc(10))
      .raw(Buffer.alloc(7))
      .packet(FXP.write);
    expect(parseAll('clientToServer', [Buffer.concat([packet, write, client.remove(3, '/b')])])).toEqual([
      { name: 'remove', id: 1, path: '/a' },
      { name: 'write', id: 2, handle: H1, offset: 0, dataLength: 10 },
      { name: 'remove', id: 3, path: '/b' },
    ]);
  });
});

describe('SFTP parser: WRITE and DATA payloads stream past', () => {
  it('emits the packet once its last payload byte went by, without buffering the payload', () => {
    const payloadLength = 200 * 1024;
    const stream = Buffer.concat([client.write(7, H1, 0, payloadLength), client.remove(8, '/x')]);
    const allocations: number[] = [];
    const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
      allocations.push(size);
      return allocUnsafe(size);
    });
    const parser = createSftpParser({ direction: 'clientToServer' });
    const packets: SftpPacket[] = [];
    // 3-byte chunks: the header straddles chunks, the payload is skipped chunk by chunk.
    for (let offset = 0; offset < stream.length; offset += 3) {
      parser.parse(stream.subarray(offset, offset + 3), (packet) => packets.push(packet));
      if (offset + 3 < stream.length - 30) expect(packets).toEqual([]);
    }
    parser.end();
    expect(packets).toEqual([
      { name: 'write', id: 7, handle: H1, offset: 0, dataLength: payloadLength },
      { name: 'remove', id: 8, path: '/x' },
    ]);
    expect(Math.max(...allocations)).toBeLessThanOrEqual(1024);
  });

  it('control: a large non-payload packet split the same way is buffered whole', () => {
    const stream = server.extendedReply(1, Buffer.alloc(200 * 1024));
    const allocations: number[] = [];
    const allocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
      allocations.push(size);
      return allocUnsafe(size);
    });
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 3)
      chunks.push(stream.subarray(offset, offset + 3));
    expect(parseAll('serverToClient', chunks)).toHaveLength(1);
    expect(Math.max(...allocations)).toBeGreaterThan(200 * 1024);
  });

  it('emits a DATA packet whose payload ends exactly at a chunk end', () => {
    const packet = server.data(3, 5000);
    expect(parseAll('serverToClient', [packet.subarray(0, 13), packet.subarray(13)])).toEqual([
      { name: 'data', id: 3, dataLength: 5000 },
    ]);
  });
});

describe('SFTP parser: bad input gives coded errors', () => {
  it('truncated: a stream cut anywhere inside a packet fails at end()', () => {
    const stream = Buffer.concat([client.open(1, '/f', FXF.read), client.write(2, H1, 0, 100)]);
    const boundary = client.open(1, '/f', FXF.read).length;
    for (let cut = 1; cut < stream.length; cut++) {
      const parser = createSftpParser({ direction: 'clientToServer' });
      parser.parse(stream.subarray(0, cut), () => {});
      if (cut === boundary) {
        expect(() => parser.end()).not.toThrow();
      } else {
        expect(codeOf(() => parser.end())).toBe(SftpErrorCode.TRUNCATED);
      }
    }
  });

  it('oversized: rejected from the 5-byte header, before the body arrives', () => {
    const header = Buffer.alloc(5);
    header.writeUInt32BE(DEFAULT_MAX_PACKET_LENGTH + 1);
    header[4] = FXP.write;
    const parser = createSftpParser({ direction: 'clientToServer' });
    expect(codeOf(() => parser.parse(header, () => {}))).toBe(SftpErrorCode.PACKET_TOO_LARGE);
    // exactly the maximum is accepted
    const atMax = client.write(1, H1, 0, 1000);
    expect(parseAll('clientToServer', [atMax], atMax.length - 4)).toHaveLength(1);
    expect(codeOf(() => parseAll('clientToServer', [atMax], atMax.length - 5))).toBe(
      SftpErrorCode.PACKET_TOO_LARGE,
    );
    expect(codeOf(() => parseAll('serverToClient', [server.status(1, 0)], 8))).toBe(
      SftpErrorCode.PACKET_TOO_LARGE,
    );
  });

  it('a failed parser keeps throwing the same error', () => {
    const parser = createSftpParser({ direction: 'serverToClient' });
    let first: unknown;
    try {
      parser.parse(Buffer.from([0, 0, 0, 0, 0]), () => {});
    } catch (error) {
      first = error;
    }
    expect(isTaplineError(first, SftpErrorCode.MALFORMED_PACKET)).toBe(true);
    expect(() => parser.parse(server.status(1, 0), () => {})).toThrow(first as Error);
    expect(() => parser.end()).toThrow(first as Error);
  });

  const garbage: Array<[string, SftpDirection, Buffer, string]> = [
    ['length 0', 'clientToServer', Buffer.from([0, 0, 0, 0, 1]), SftpErrorCode.MALFORMED_PACKET],
    ['unknown type', 'clientToServer', new Fields().u32(1).packet(99), SftpErrorCode.UNKNOWN_PACKET_TYPE],
    ['a reply sent by the client', 'clientToServer', server.status(1, 0), SftpErrorCode.UNKNOWN_PACKET_TYPE],
    [
      'a request sent by the server',
      'serverToClient',
      client.remove(1, '/a'),
      SftpErrorCode.UNKNOWN_PACKET_TYPE,
    ],
    ['VERSION from the client', 'clientToServer', server.version(3), SftpErrorCode.UNKNOWN_PACKET_TYPE],
    ['INIT from the server', 'serverToClient', client.init(3), SftpErrorCode.UNKNOWN_PACKET_TYPE],
    ['ASCII text', 'clientToServer', Buffer.from('SSH-2.0-OpenSSH_9.2\r\n'), SftpErrorCode.PACKET_TOO_LARGE],
    [
      'a request without its id',
      'clientToServer',
      Buffer.from([0, 0, 0, 3, FXP.remove, 0, 0]),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a path longer than its packet',
      'clientToServer',
      new Fields().u32(1).u32(100).raw(Buffer.from('/a')).packet(FXP.remove),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a handle over 256 bytes',
      'clientToServer',
      new Fields().u32(1).string(Buffer.alloc(257)).packet(FXP.close),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a WRITE handle over 256 bytes',
      'clientToServer',
      new Fields().u32(1).string(Buffer.alloc(300)).u64(0).string('x').packet(FXP.write),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a WRITE whose data overruns the packet',
      'clientToServer',
      new Fields().u32(1).string(H1).u64(0).u32(50).raw(Buffer.alloc(10)).packet(FXP.write),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a WRITE cut before its data length',
      'clientToServer',
      new Fields().u32(1).string(H1).u32(0).packet(FXP.write),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a DATA whose data overruns the packet',
      'serverToClient',
      new Fields().u32(1).u32(4000).raw(Buffer.alloc(10)).packet(FXP.data),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a DATA of 5 bytes',
      'serverToClient',
      new Fields().u32(1).packet(FXP.data),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'a NAME count that cannot fit',
      'serverToClient',
      new Fields().u32(1).u32(0xffffffff).packet(FXP.name),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'an extended attribute count that cannot fit',
      'serverToClient',
      new Fields().u32(1).u32(0x80000000).u32(0x10000000).packet(FXP.attrs),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'attributes cut short',
      'clientToServer',
      new Fields().u32(1).string('/a').u32(0xf).u64(1).packet(FXP.setstat),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'an extension pair cut short',
      'serverToClient',
      new Fields().u32(3).string('name-without-data').packet(FXP.version),
      SftpErrorCode.MALFORMED_PACKET,
    ],
    [
      'copy-data cut short',
      'clientToServer',
      client.extended(1, 'copy-data', new Fields().string(H1).u64(0)),
      SftpErrorCode.MALFORMED_PACKET,
    ],
  ];

  for (const [label, direction, bytes, code] of garbage) {
    it(`${label} → ${code}`, () => {
      expect(codeOf(() => parseAll(direction, [bytes]))).toBe(code);
      // The same error whichever way the bytes are split.
      for (let cut = 1; cut < Math.min(bytes.length, 64); cut++) {
        expect(codeOf(() => parseAll(direction, [bytes.subarray(0, cut), bytes.subarray(cut)]))).toBe(code);
      }
    });
  }

  it('rejects a bad maxPacketLength option', () => {
    expect(() => createSftpParser({ direction: 'clientToServer', maxPacketLength: 0 })).toThrow(RangeError);
  });
});
