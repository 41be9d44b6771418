// Real peers: OpenSSH's sftp client (batch mode) and sftp-server, with a relay
// in between that logs both directions in proxy order. The captured bytes are
// then fed to the tracker. Needs Debian's openssh-client and
// openssh-sftp-server (see opensshMissing()).
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTaplineError } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSftpTracker,
  SftpErrorCode,
  type SftpFileOperation,
  type SftpTrackerOptions,
} from '../src/index.js';
import {
  type CapturedChunk,
  type CapturedSession,
  captureSftpSession,
  opensshMissing,
} from './support/openssh.js';

const ONE_MIB = 1024 * 1024;
const lookupKinds = new Set(['stat', 'realpath', 'readlink']);

function replay(chunks: CapturedChunk[], options: Partial<SftpTrackerOptions> = {}): SftpFileOperation[] {
  const ops: SftpFileOperation[] = [];
  const tracker = createSftpTracker({ onOperation: (op) => ops.push(op), ...options });
  for (const chunk of chunks) {
    if (chunk.direction === 'clientToServer') tracker.clientToServer(chunk.bytes);
    else tracker.serverToClient(chunk.bytes);
  }
  tracker.end();
  return ops;
}

/** A deterministic generator, so a failure can be replayed. */
function* pseudoRandom(seed: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    yield state;
  }
}

describe('SFTP tracker on a real OpenSSH session (sftp -D through a relay to sftp-server)', () => {
  let root = '';
  let session: CapturedSession;
  const R = (path: string): string => `${root}/${path}`;

  beforeAll(async () => {
    const missing = opensshMissing();
    if (missing !== undefined) throw new Error(missing);
    root = realpathSync(mkdtempSync(join(tmpdir(), 'tapline-sftp-')));
    mkdirSync(join(root, 'local'));
    mkdirSync(join(root, 'remote'));
    const upload = Buffer.alloc(ONE_MIB);
    for (let index = 0; index < upload.length; index++) upload[index] = (index * 31) & 0xff;
    writeFileSync(join(root, 'local/one-mib.bin'), upload);
    writeFileSync(join(root, 'local/small.txt'), 'hello\n');
    session = await captureSftpSession(root, [
      'put local/one-mib.bin remote/up.bin',
      'put -f local/small.txt remote/small.txt',
      'get remote/up.bin local/down.bin',
      'mkdir remote/dir',
      'rename remote/small.txt remote/dir/moved.txt',
      'chmod 600 remote/dir/moved.txt',
      'symlink moved.txt remote/dir/link',
      'ln remote/dir/moved.txt remote/dir/hard',
      'cp remote/up.bin remote/copy.bin',
      'ls remote',
      'df remote',
      '-rm remote/missing.txt',
      'rm remote/dir/hard',
      'rm remote/dir/link',
      'rm remote/dir/moved.txt',
      'rmdir remote/dir',
      '-rmdir remote/nonexistent-dir',
    ]);
  });

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('the session really ran', () => {
    expect(session.exitCode, session.output).toBe(0);
    expect(
      readFileSync(join(root, 'local/down.bin')).equals(readFileSync(join(root, 'local/one-mib.bin'))),
    ).toBe(true);
    expect(readFileSync(join(root, 'remote/copy.bin')).length).toBe(ONE_MIB);
    expect(session.chunks.some((chunk) => chunk.direction === 'serverToClient')).toBe(true);
  });

  it('reports every file operation, with byte totals and statuses', () => {
    const ops = replay(session.chunks).filter((op) => !lookupKinds.has(op.kind));
    expect(ops).toEqual([
      {
        kind: 'open',
        path: R('remote/up.bin'),
        flags: ['write', 'create', 'truncate'],
        status: 'ok',
        attributes: { mode: '644' },
      },
      { kind: 'close', path: R('remote/up.bin'), bytesRead: 0, bytesWritten: ONE_MIB, status: 'ok' },
      {
        kind: 'open',
        path: R('remote/small.txt'),
        flags: ['write', 'create', 'truncate'],
        status: 'ok',
        attributes: { mode: '644' },
      },
      { kind: 'close', path: R('remote/small.txt'), bytesRead: 0, bytesWritten: 6, status: 'ok' },
      { kind: 'open', path: R('remote/up.bin'), flags: ['read'], status: 'ok' },
      { kind: 'close', path: R('remote/up.bin'), bytesRead: ONE_MIB, bytesWritten: 0, status: 'ok' },
      { kind: 'mkdir', path: R('remote/dir'), status: 'ok', attributes: { mode: '777' } },
      {
        kind: 'rename',
        path: R('remote/small.txt'),
        targetPath: R('remote/dir/moved.txt'),
        flags: ['posix-rename'],
        status: 'ok',
      },
      { kind: 'setstat', path: R('remote/dir/moved.txt'), status: 'ok', attributes: { mode: '600' } },
      // OpenSSH's swapped SYMLINK arguments: the link is the second path on the wire.
      { kind: 'symlink', path: R('remote/dir/link'), targetPath: 'moved.txt', status: 'ok' },
      {
        kind: 'symlink',
        path: R('remote/dir/hard'),
        targetPath: R('remote/dir/moved.txt'),
        flags: ['hardlink'],
        status: 'ok',
      },
      { kind: 'open', path: R('remote/up.bin'), flags: ['read'], status: 'ok' },
      {
        kind: 'open',
        path: R('remote/copy.bin'),
        flags: ['write', 'create', 'truncate'],
        status: 'ok',
        attributes: { mode: '644' },
      },
      {
        kind: 'write',
        path: R('remote/copy.bin'),
        flags: ['copy-data'],
        status: 'ok',
        attributes: { source: R('remote/up.bin'), sourceOffset: '0', length: '0', offset: '0' },
      },
      { kind: 'close', path: R('remote/up.bin'), bytesRead: 0, bytesWritten: 0, status: 'ok' },
      { kind: 'close', path: R('remote/copy.bin'), bytesRead: 0, bytesWritten: 0, status: 'ok' },
      { kind: 'opendir', path: R('remote/'), status: 'ok' },
      {
        kind: 'remove',
        path: R('remote/missing.txt'),
        status: 'no_such_file',
        statusMessage: 'No such file',
      },
      { kind: 'remove', path: R('remote/dir/hard'), status: 'ok' },
      { kind: 'remove', path: R('remote/dir/link'), status: 'ok' },
      { kind: 'remove', path: R('remote/dir/moved.txt'), status: 'ok' },
      { kind: 'rmdir', path: R('remote/dir'), status: 'ok' },
      {
        kind: 'rmdir',
        path: R('remote/nonexistent-dir'),
        status: 'no_such_file',
        statusMessage: 'No such file',
      },
    ]);
  });

  it('reports failed look-ups by default, and all of them on request', () => {
    const failed = replay(session.chunks).filter((op) => lookupKinds.has(op.kind));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((op) => op.status !== 'ok')).toBe(true);
    expect(failed).toContainEqual({
      kind: 'stat',
      path: R('remote/missing.txt'),
      flags: ['lstat'],
      status: 'no_such_file',
      statusMessage: 'No such file',
    });
    const all = replay(session.chunks, { lookups: 'all' });
    expect(all[0]).toEqual({ kind: 'realpath', path: '.', targetPath: root, status: 'ok' });
    expect(all).toContainEqual({ kind: 'stat', path: R('remote'), flags: ['statvfs'], status: 'ok' });
    expect(replay(session.chunks, { lookups: 'none' }).some((op) => lookupKinds.has(op.kind))).toBe(false);
  });

  it('gives the same operations however the captured chunks are re-cut', () => {
    const expected = replay(session.chunks, { lookups: 'all' });
    for (const seed of [1, 2, 3]) {
      const random = pseudoRandom(seed);
      const recut: CapturedChunk[] = [];
      for (const chunk of session.chunks) {
        let offset = 0;
        while (offset < chunk.bytes.length) {
          const size = 1 + (random.next().value! % 9000);
          recut.push({ direction: chunk.direction, bytes: chunk.bytes.subarray(offset, offset + size) });
          offset += size;
        }
      }
      expect(replay(recut, { lookups: 'all' })).toEqual(expected);
    }
  });

  it('a capture cut in the middle of the upload: acknowledged bytes so far, then TRUNCATED', () => {
    // Walk the client's packets to a point 100 bytes into the first packet
    // that starts past half a MiB (a WRITE of the upload), and cut there.
    const clientStream = Buffer.concat(
      session.chunks.filter((chunk) => chunk.direction === 'clientToServer').map((chunk) => chunk.bytes),
    );
    let packetStart = 0;
    while (packetStart <= ONE_MIB / 2) packetStart += 4 + clientStream.readUInt32BE(packetStart);
    expect(clientStream[packetStart + 4]).toBe(6); // SSH_FXP_WRITE
    const cutAt = packetStart + 100;
    let clientOffset = 0;
    const cut: CapturedChunk[] = [];
    for (const chunk of session.chunks) {
      if (chunk.direction === 'clientToServer') {
        if (clientOffset + chunk.bytes.length >= cutAt) {
          cut.push({ direction: chunk.direction, bytes: chunk.bytes.subarray(0, cutAt - clientOffset) });
          break;
        }
        clientOffset += chunk.bytes.length;
      }
      cut.push(chunk);
    }
    const ops: SftpFileOperation[] = [];
    const tracker = createSftpTracker({ onOperation: (op) => ops.push(op) });
    for (const chunk of cut) {
      if (chunk.direction === 'clientToServer') tracker.clientToServer(chunk.bytes);
      else tracker.serverToClient(chunk.bytes);
    }
    let code: string | undefined;
    try {
      tracker.end();
    } catch (error) {
      if (isTaplineError(error)) code = error.code;
    }
    expect(code).toBe(SftpErrorCode.TRUNCATED);
    const close = ops.at(-1)!;
    expect(close).toMatchObject({ kind: 'close', path: R('remote/up.bin'), status: 'unclosed' });
    expect(close.bytesWritten!).toBeGreaterThan(0);
    expect(close.bytesWritten!).toBeLessThan(ONE_MIB);
  });
});
