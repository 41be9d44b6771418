import type { FileOperationEvent } from '@tapline/core';
import { isTaplineError } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createSftpTracker,
  SftpErrorCode,
  type SftpFileOperation,
  type SftpTracker,
  type SftpTrackerOptions,
} from '../src/index.js';
import { client, FX, FXF, feedSplit, handle, server } from './builders.js';

// Compile-time check: an operation plus a streamId is a core FileOperationEvent.
const asCoreEvent = (operation: SftpFileOperation, streamId: number): FileOperationEvent => ({
  ...operation,
  streamId,
});

const H1 = handle(1);
const H2 = handle(2);
const H3 = handle(3);

/** One request and its replies (empty: none yet). */
type Step = [request: Buffer, ...replies: Buffer[]];

const handshake: Step = [client.init(3), server.version(3, [['posix-rename@openssh.com', '1']])];

// A session touching every request type, with handle reuse (H1 for the
// upload, then again for the download) and failures.
const fullSession: Step[] = [
  handshake,
  [client.realpath(1, '.'), server.name(1, [{ filename: '/home/u' }])],
  [
    client.open(2, '/home/u/up.bin', FXF.write | FXF.create | FXF.truncate, { permissions: 0o644 }),
    server.handle(2, H1),
  ],
  [client.write(3, H1, 0, 3000), server.status(3, FX.ok)],
  [client.write(4, H1, 3000, 3000), server.status(4, FX.ok)],
  [client.write(5, H1, 6000, 1000), server.status(5, FX.failure, 'disk full')],
  [client.fsetstat(6, H1, { atime: 1_700_000_000, mtime: 1_700_000_100 }), server.status(6, FX.ok)],
  [client.fsync(7, H1), server.status(7, FX.ok)],
  [client.close(8, H1), server.status(8, FX.ok)],
  [client.open(9, '/home/u/down.txt', FXF.read), server.handle(9, H1)],
  [client.fstat(10, H1), server.attrs(10, { size: 2232 })],
  [client.read(11, H1, 0, 2000), server.data(11, 2000)],
  [client.read(12, H1, 2000, 2000), server.data(12, 232)],
  [client.read(13, H1, 2232, 2000), server.status(13, FX.eof, 'EOF')],
  [client.close(14, H1), server.status(14, FX.ok)],
  [client.opendir(15, '/home/u'), server.handle(15, H2)],
  [client.readdir(16, H2), server.name(16, [{ filename: '.' }, { filename: 'up.bin' }])],
  [client.readdir(17, H2), server.status(17, FX.eof)],
  [client.close(18, H2), server.status(18, FX.ok)],
  [client.opendir(19, '/root'), server.status(19, FX.permissionDenied, 'Permission denied')],
  [client.remove(20, '/home/u/up.bin'), server.status(20, FX.ok)],
  [client.remove(21, '/home/u/missing'), server.status(21, FX.noSuchFile, 'No such file')],
  [client.mkdir(22, '/home/u/d', { permissions: 0o755 }), server.status(22, FX.ok)],
  [client.rmdir(23, '/home/u/d'), server.status(23, FX.ok)],
  [client.rename(24, '/home/u/a', '/home/u/b'), server.status(24, FX.ok)],
  [client.posixRename(25, '/home/u/b', '/home/u/c'), server.status(25, FX.ok)],
  [client.hardlink(26, '/home/u/c', '/home/u/c.hard'), server.status(26, FX.ok)],
  [client.symlink(27, 'c', '/home/u/c.link'), server.status(27, FX.ok)],
  [client.setstat(28, '/home/u/c', { permissions: 0o100600, uid: 1000, gid: 100 }), server.status(28, FX.ok)],
  [
    client.lsetstat(29, '/home/u/c.link', { size: 0 }),
    server.status(29, FX.opUnsupported, 'Operation unsupported'),
  ],
  [client.stat(30, '/home/u/c'), server.attrs(30, { size: 0 })],
  [client.lstat(31, '/home/u/nope'), server.status(31, FX.noSuchFile, 'No such file')],
  [client.readlink(32, '/home/u/c.link'), server.name(32, [{ filename: 'c' }])],
  [client.statvfs(33, '/'), server.extendedReply(33, Buffer.alloc(88))],
  [client.limits(34), server.extendedReply(34, Buffer.alloc(32))],
  [client.open(35, '/home/u/c', FXF.read), server.handle(35, H1)],
  [client.open(36, '/home/u/copy', FXF.write | FXF.create | FXF.excl), server.handle(36, H3)],
  [client.copyData(37, H1, 0, 0, H3, 0), server.status(37, FX.ok)],
  [client.close(38, H1), server.status(38, FX.ok)],
  [client.close(39, H3), server.status(39, FX.ok)],
  [client.expandPath(40, '~/x'), server.status(40, FX.noSuchFile, 'No such file')],
  [client.homeDirectory(41, 'bob'), server.status(41, FX.failure, 'Failure')],
  [client.extended(42, 'users-groups-by-id@openssh.com'), server.extendedReply(42, Buffer.alloc(8))],
  [client.realpath(43, '/nonexistent/x'), server.status(43, FX.noSuchFile, 'No such file')],
  [client.readdir(44, handle(99)), server.status(44, FX.failure)],
  [client.close(45, handle(99)), server.status(45, FX.failure)],
];

const fullSessionOps: SftpFileOperation[] = [
  {
    kind: 'open',
    path: '/home/u/up.bin',
    flags: ['write', 'create', 'truncate'],
    status: 'ok',
    attributes: { mode: '644' },
  },
  {
    kind: 'setstat',
    path: '/home/u/up.bin',
    flags: ['fsetstat'],
    status: 'ok',
    attributes: { atime: '2023-11-14T22:13:20.000Z', mtime: '2023-11-14T22:15:00.000Z' },
  },
  { kind: 'close', path: '/home/u/up.bin', bytesRead: 0, bytesWritten: 6000, status: 'ok' },
  { kind: 'open', path: '/home/u/down.txt', flags: ['read'], status: 'ok' },
  { kind: 'close', path: '/home/u/down.txt', bytesRead: 2232, bytesWritten: 0, status: 'ok' },
  { kind: 'opendir', path: '/home/u', status: 'ok' },
  { kind: 'opendir', path: '/root', status: 'permission_denied', statusMessage: 'Permission denied' },
  { kind: 'remove', path: '/home/u/up.bin', status: 'ok' },
  { kind: 'remove', path: '/home/u/missing', status: 'no_such_file', statusMessage: 'No such file' },
  { kind: 'mkdir', path: '/home/u/d', status: 'ok', attributes: { mode: '755' } },
  { kind: 'rmdir', path: '/home/u/d', status: 'ok' },
  { kind: 'rename', path: '/home/u/a', targetPath: '/home/u/b', status: 'ok' },
  { kind: 'rename', path: '/home/u/b', targetPath: '/home/u/c', flags: ['posix-rename'], status: 'ok' },
  { kind: 'symlink', path: '/home/u/c.hard', targetPath: '/home/u/c', flags: ['hardlink'], status: 'ok' },
  { kind: 'symlink', path: '/home/u/c.link', targetPath: 'c', status: 'ok' },
  { kind: 'setstat', path: '/home/u/c', status: 'ok', attributes: { mode: '600', uid: '1000', gid: '100' } },
  {
    kind: 'setstat',
    path: '/home/u/c.link',
    flags: ['lsetstat'],
    status: 'op_unsupported',
    statusMessage: 'Operation unsupported',
    attributes: { size: '0' },
  },
  {
    kind: 'stat',
    path: '/home/u/nope',
    flags: ['lstat'],
    status: 'no_such_file',
    statusMessage: 'No such file',
  },
  { kind: 'open', path: '/home/u/c', flags: ['read'], status: 'ok' },
  { kind: 'open', path: '/home/u/copy', flags: ['write', 'create', 'excl'], status: 'ok' },
  {
    kind: 'write',
    path: '/home/u/copy',
    flags: ['copy-data'],
    status: 'ok',
    attributes: { source: '/home/u/c', sourceOffset: '0', length: '0', offset: '0' },
  },
  { kind: 'close', path: '/home/u/c', bytesRead: 0, bytesWritten: 0, status: 'ok' },
  { kind: 'close', path: '/home/u/copy', bytesRead: 0, bytesWritten: 0, status: 'ok' },
  {
    kind: 'realpath',
    path: '~/x',
    flags: ['expand-path'],
    status: 'no_such_file',
    statusMessage: 'No such file',
  },
  { kind: 'realpath', path: '~bob', flags: ['home-directory'], status: 'failure', statusMessage: 'Failure' },
  { kind: 'realpath', path: '/nonexistent/x', status: 'no_such_file', statusMessage: 'No such file' },
];

function track(options: Partial<SftpTrackerOptions> = {}): {
  tracker: SftpTracker;
  ops: SftpFileOperation[];
} {
  const ops: SftpFileOperation[] = [];
  const tracker = createSftpTracker({ onOperation: (op) => ops.push(op), ...options });
  return { tracker, ops };
}

/** Feeds the steps in the order a proxy sees them: each request, then its replies. */
function runInterleaved(steps: Step[], options: Partial<SftpTrackerOptions> = {}): SftpFileOperation[] {
  const { tracker, ops } = track(options);
  for (const [request, ...replies] of steps) {
    tracker.clientToServer(request);
    for (const reply of replies) tracker.serverToClient(reply);
  }
  tracker.end();
  return ops;
}

function streams(steps: Step[]): { clientBytes: Buffer; serverBytes: Buffer } {
  return {
    clientBytes: Buffer.concat(steps.map(([request]) => request)),
    serverBytes: Buffer.concat(steps.flatMap(([, ...replies]) => replies)),
  };
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

describe('SFTP tracker: operations', () => {
  it('turns a session with every request type into the expected operations', () => {
    expect(runInterleaved(fullSession)).toEqual(fullSessionOps);
  });

  it('emits plain objects compatible with core FileOperationEvent', () => {
    const ops = runInterleaved(fullSession);
    const event = asCoreEvent(ops[0]!, 7);
    expect(event.streamId).toBe(7);
    expect(event.kind).toBe('open');
  });

  it('gives the same operations for every split of either direction', () => {
    const { clientBytes, serverBytes } = streams(fullSession);
    for (let cut = 1; cut < clientBytes.length; cut++) {
      const { tracker, ops } = track();
      feedSplit(clientBytes, [cut], (chunk) => tracker.clientToServer(chunk));
      tracker.serverToClient(serverBytes);
      tracker.end();
      expect(ops).toEqual(fullSessionOps);
    }
    for (let cut = 1; cut < serverBytes.length; cut++) {
      const { tracker, ops } = track();
      tracker.clientToServer(clientBytes);
      feedSplit(serverBytes, [cut], (chunk) => tracker.serverToClient(chunk));
      tracker.end();
      expect(ops).toEqual(fullSessionOps);
    }
  });

  it('gives the same operations fed byte by byte in proxy order', () => {
    const { tracker, ops } = track();
    for (const [request, ...replies] of fullSession) {
      for (const byte of request) tracker.clientToServer(Uint8Array.of(byte));
      for (const reply of replies) for (const byte of reply) tracker.serverToClient(Uint8Array.of(byte));
    }
    tracker.end();
    expect(ops).toEqual(fullSessionOps);
  });

  it("reports look-ups as chosen by the 'lookups' option", () => {
    const lookups = [
      handshake,
      [client.stat(1, '/a'), server.attrs(1, { size: 1 })],
      [client.stat(2, '/b'), server.status(2, FX.noSuchFile, 'No such file')],
      [client.realpath(3, '.'), server.name(3, [{ filename: '/home/u' }])],
      [client.readlink(4, '/l'), server.name(4, [{ filename: 'target' }])],
      [client.open(5, '/f', FXF.read), server.handle(5, H1)],
      [client.fstat(6, H1), server.attrs(6, {})],
      [client.fstatvfs(7, H1), server.extendedReply(7, Buffer.alloc(88))],
      [client.statvfs(8, '/'), server.extendedReply(8, Buffer.alloc(88))],
      [client.expandPath(9, '~'), server.name(9, [{ filename: '/home/u' }])],
      [client.homeDirectory(10, 'u'), server.name(10, [{ filename: '/home/u' }])],
    ] satisfies Step[];
    const notOpen = (ops: SftpFileOperation[]): SftpFileOperation[] =>
      ops.filter((op) => op.kind !== 'open' && op.kind !== 'close');
    expect(notOpen(runInterleaved(lookups, { lookups: 'all' }))).toEqual([
      { kind: 'stat', path: '/a', status: 'ok' },
      { kind: 'stat', path: '/b', status: 'no_such_file', statusMessage: 'No such file' },
      { kind: 'realpath', path: '.', targetPath: '/home/u', status: 'ok' },
      { kind: 'readlink', path: '/l', targetPath: 'target', status: 'ok' },
      { kind: 'stat', path: '/f', flags: ['fstat'], status: 'ok' },
      { kind: 'stat', path: '/f', flags: ['fstatvfs'], status: 'ok' },
      { kind: 'stat', path: '/', flags: ['statvfs'], status: 'ok' },
      { kind: 'realpath', path: '~', targetPath: '/home/u', flags: ['expand-path'], status: 'ok' },
      { kind: 'realpath', path: '~u', targetPath: '/home/u', flags: ['home-directory'], status: 'ok' },
    ]);
    expect(notOpen(runInterleaved(lookups))).toEqual([
      { kind: 'stat', path: '/b', status: 'no_such_file', statusMessage: 'No such file' },
    ]);
    expect(notOpen(runInterleaved(lookups, { lookups: 'none' }))).toEqual([]);
  });

  it('names status codes beyond v3 status_<n>', () => {
    const ops = runInterleaved([handshake, [client.remove(1, '/x'), server.status(1, 11, 'File exists')]]);
    expect(ops).toEqual([{ kind: 'remove', path: '/x', status: 'status_11', statusMessage: 'File exists' }]);
  });

  it('accepts an INIT offering a newer version when the server answers 3', () => {
    const ops = runInterleaved([
      [client.init(6), server.version(3)],
      [client.remove(1, '/x'), server.status(1, 0)],
    ]);
    expect(ops).toEqual([{ kind: 'remove', path: '/x', status: 'ok' }]);
  });
});

describe('SFTP tracker: end()', () => {
  it('reports unanswered requests and unclosed handles with their totals', () => {
    const { tracker, ops } = track();
    const steps: Step[] = [
      handshake,
      [client.open(1, '/up', FXF.write | FXF.create), server.handle(1, H1)],
      [client.write(2, H1, 0, 4096), server.status(2, FX.ok)],
      [client.write(3, H1, 4096, 4096)],
      [client.open(4, '/in', FXF.read), server.handle(4, H2)],
      [client.read(5, H2, 0, 100), server.data(5, 100)],
      [client.close(6, H2)],
      [client.opendir(7, '/d'), server.handle(7, H3)],
      [client.remove(8, '/gone')],
      [client.stat(9, '/s')],
      [client.open(10, '/never', FXF.read)],
    ];
    for (const [request, ...replies] of steps) {
      tracker.clientToServer(request);
      for (const reply of replies) tracker.serverToClient(reply);
    }
    const before = ops.length;
    tracker.end();
    expect(ops.slice(before)).toEqual([
      { kind: 'close', path: '/in', bytesRead: 100, bytesWritten: 0, status: 'unanswered' },
      { kind: 'remove', path: '/gone', status: 'unanswered' },
      { kind: 'stat', path: '/s', status: 'unanswered' },
      { kind: 'open', path: '/never', flags: ['read'], status: 'unanswered' },
      { kind: 'close', path: '/up', bytesRead: 0, bytesWritten: 4096, status: 'unclosed' },
    ]);
    tracker.end();
    expect(ops.length).toBe(before + 5);
    expect(codeOf(() => tracker.clientToServer(client.remove(11, '/x')))).toBe(SftpErrorCode.ENDED);
  });

  it('flushes, then throws TRUNCATED when a direction stopped inside a packet', () => {
    const { tracker, ops } = track();
    tracker.clientToServer(client.init(3));
    tracker.serverToClient(server.version(3));
    tracker.clientToServer(client.open(1, '/up', FXF.write));
    tracker.serverToClient(server.handle(1, H1));
    tracker.clientToServer(client.write(2, H1, 0, 32768).subarray(0, 1000));
    expect(codeOf(() => tracker.end())).toBe(SftpErrorCode.TRUNCATED);
    expect(ops.at(-1)).toEqual({
      kind: 'close',
      path: '/up',
      bytesRead: 0,
      bytesWritten: 0,
      status: 'unclosed',
    });
  });
});

describe('SFTP tracker: bad sessions give coded errors', () => {
  const cases: Array<[string, Step[], string, Partial<SftpTrackerOptions>?]> = [
    ['server version 4', [[client.init(3), server.version(4)]], SftpErrorCode.UNSUPPORTED_VERSION],
    ['server version 2', [[client.init(3), server.version(2)]], SftpErrorCode.UNSUPPORTED_VERSION],
    ['client version 2', [[client.init(2)]], SftpErrorCode.UNSUPPORTED_VERSION],
    ['a request before INIT', [[client.remove(1, '/x')]], SftpErrorCode.UNEXPECTED_PACKET],
    ['INIT twice', [handshake, [client.init(3)]], SftpErrorCode.UNEXPECTED_PACKET],
    [
      'VERSION twice',
      [handshake, [client.remove(1, '/x'), server.version(3)]],
      SftpErrorCode.UNEXPECTED_PACKET,
    ],
    ['a reply before VERSION', [[client.init(3), server.status(1, 0)]], SftpErrorCode.UNEXPECTED_PACKET],
    [
      'a reply to no request',
      [handshake, [client.remove(1, '/x'), server.status(2, 0)]],
      SftpErrorCode.UNEXPECTED_PACKET,
    ],
    [
      'a request id reused',
      [handshake, [client.remove(1, '/x')], [client.remove(1, '/y')]],
      SftpErrorCode.UNEXPECTED_PACKET,
    ],
    [
      'a HANDLE for a REMOVE',
      [handshake, [client.remove(1, '/x'), server.handle(1, H1)]],
      SftpErrorCode.UNEXPECTED_PACKET,
    ],
    [
      'a DATA for a WRITE',
      [handshake, [client.write(1, H1, 0, 10), server.data(1, 10)]],
      SftpErrorCode.UNEXPECTED_PACKET,
    ],
    [
      'a NAME for an OPEN',
      [handshake, [client.open(1, '/x', 1), server.name(1, [])]],
      SftpErrorCode.UNEXPECTED_PACKET,
    ],
    [
      'too many outstanding requests',
      [handshake, [client.remove(1, '/a')], [client.remove(2, '/b')], [client.remove(3, '/c')]],
      SftpErrorCode.TOO_MANY_REQUESTS,
      { maxOutstandingRequests: 2 },
    ],
    [
      'too many open handles',
      [
        handshake,
        [client.opendir(1, '/a'), server.handle(1, H1)],
        [client.open(2, '/b', 1), server.handle(2, H2)],
      ],
      SftpErrorCode.TOO_MANY_HANDLES,
      { maxOpenHandles: 1 },
    ],
    [
      'an oversized packet',
      [handshake, [client.write(1, H1, 0, 5000)]],
      SftpErrorCode.PACKET_TOO_LARGE,
      { maxPacketLength: 4096 },
    ],
  ];

  for (const [label, steps, code, options] of cases) {
    it(`${label} → ${code}`, () => {
      expect(codeOf(() => runInterleaved(steps, options))).toBe(code);
    });
  }

  it('stays failed with the same error, and end() still flushes without throwing', () => {
    const { tracker, ops } = track();
    tracker.clientToServer(client.init(3));
    tracker.serverToClient(server.version(3));
    tracker.clientToServer(client.open(1, '/up', FXF.write));
    tracker.serverToClient(server.handle(1, H1));
    let failure: unknown;
    try {
      tracker.serverToClient(server.status(77, 0));
    } catch (error) {
      failure = error;
    }
    expect(isTaplineError(failure, SftpErrorCode.UNEXPECTED_PACKET)).toBe(true);
    expect(() => tracker.clientToServer(client.remove(2, '/x'))).toThrow(failure as Error);
    expect(() => tracker.serverToClient(server.status(1, 0))).toThrow(failure as Error);
    expect(() => tracker.end()).not.toThrow();
    expect(ops).toEqual([
      { kind: 'open', path: '/up', flags: ['write'], status: 'ok' },
      { kind: 'close', path: '/up', bytesRead: 0, bytesWritten: 0, status: 'unclosed' },
    ]);
  });

  it('lets an exception from onOperation through, and fails the tracker with it', () => {
    const boom = new Error('sink down');
    const tracker = createSftpTracker({
      onOperation: () => {
        throw boom;
      },
    });
    tracker.clientToServer(client.init(3));
    tracker.serverToClient(server.version(3));
    tracker.clientToServer(client.remove(1, '/x'));
    expect(() => tracker.serverToClient(server.status(1, 0))).toThrow(boom);
    expect(() => tracker.clientToServer(client.remove(2, '/y'))).toThrow(boom);
  });

  it('rejects bad limits', () => {
    expect(() => createSftpTracker({ onOperation: () => {}, maxOutstandingRequests: 0 })).toThrow(RangeError);
    expect(() => createSftpTracker({ onOperation: () => {}, maxOpenHandles: 1.5 })).toThrow(RangeError);
  });
});
