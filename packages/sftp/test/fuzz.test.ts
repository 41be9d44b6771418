import { isTaplineError } from '@tapline/frames';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSftpParser,
  createSftpTracker,
  type SftpDirection,
  type SftpFileOperation,
} from '../src/index.js';
import { client, Fields, FX, FXF, FXP, feedSplit, handle, server } from './builders.js';

const statusNames = ['ok', 'eof', 'no_such_file', 'permission_denied', 'failure'];

/** Runs `body`; anything thrown must be a TaplineError. Returns the error code or undefined. */
function onlyTaplineErrors(body: () => void): string | undefined {
  try {
    body();
    return undefined;
  } catch (error) {
    if (!isTaplineError(error)) throw new Error(`non-Tapline exception: ${String(error)}`, { cause: error });
    expect(error.code).toMatch(/^TAPLINE_ERR_SFTP_/);
    return error.code;
  }
}

const cutsArbitrary = fc
  .array(fc.nat({ max: 4096 }), { maxLength: 12 })
  .map((cuts) => [...cuts].sort((a, b) => a - b));

// Framed packets with valid length headers but random types and bodies: the
// decoders, not only the framing, see garbage.
const clientTypes = [FXP.init, ...Array.from({ length: 18 }, (_, index) => index + 3), FXP.extended];
const serverTypes = [FXP.version, FXP.status, FXP.handle, FXP.data, FXP.name, FXP.attrs, FXP.extendedReply];
const framedGarbage = (types: number[]): fc.Arbitrary<Buffer> =>
  fc
    .array(
      fc.record({
        type: fc.oneof(fc.constantFrom(...types), fc.integer({ min: 0, max: 255 })),
        body: fc.uint8Array({ maxLength: 80 }),
        extended: fc.constantFrom(
          '',
          'posix-rename@openssh.com',
          'copy-data',
          'lsetstat@openssh.com',
          'fsync@openssh.com',
          'limits@openssh.com',
        ),
      }),
      { maxLength: 8 },
    )
    .map((packets) =>
      Buffer.concat(
        packets.map(({ type, body, extended }) =>
          type === FXP.extended && extended !== ''
            ? new Fields().raw(body.subarray(0, 4)).string(extended).raw(body.subarray(4)).packet(type)
            : new Fields().raw(body).packet(type),
        ),
      ),
    );

describe('SFTP fuzz: bad input only ever raises TaplineError', () => {
  it('arbitrary bytes at arbitrary split points, both parsers', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<SftpDirection>('clientToServer', 'serverToClient'),
        fc.uint8Array({ maxLength: 600 }),
        cutsArbitrary,
        (direction, bytes, cuts) => {
          onlyTaplineErrors(() => {
            const parser = createSftpParser({ direction, maxPacketLength: 1024 });
            feedSplit(bytes, cuts, (chunk) => parser.parse(chunk, () => {}));
            parser.end();
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('framed garbage packets, through the parsers and the tracker', () => {
    fc.assert(
      fc.property(
        framedGarbage(clientTypes),
        framedGarbage(serverTypes),
        cutsArbitrary,
        (clientBytes, serverBytes, cuts) => {
          for (const [direction, bytes] of [
            ['clientToServer', clientBytes],
            ['serverToClient', serverBytes],
          ] as const) {
            onlyTaplineErrors(() => {
              const parser = createSftpParser({ direction });
              feedSplit(bytes, cuts, (chunk) => parser.parse(chunk, () => {}));
              parser.end();
            });
          }
          onlyTaplineErrors(() => {
            const tracker = createSftpTracker({ onOperation: () => {}, lookups: 'all' });
            tracker.clientToServer(client.init(3));
            tracker.serverToClient(server.version(3));
            feedSplit(clientBytes, cuts, (chunk) => tracker.clientToServer(chunk));
            feedSplit(serverBytes, cuts, (chunk) => tracker.serverToClient(chunk));
            tracker.end();
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('valid sessions with bytes flipped, cut or inserted', () => {
    const { clientBytes, serverBytes } = build(sampleSession).streams;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(
          fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert')),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        cutsArbitrary,
        (mutateClient, mutations, cuts) => {
          let target = Buffer.from(mutateClient ? clientBytes : serverBytes);
          for (const [position, value, how] of mutations) {
            const at = position % target.length;
            if (how === 'flip') target[at] = value;
            else if (how === 'cut') target = target.subarray(0, at);
            else target = Buffer.concat([target.subarray(0, at), Buffer.from([value]), target.subarray(at)]);
          }
          onlyTaplineErrors(() => {
            const tracker = createSftpTracker({ onOperation: () => {}, lookups: 'all' });
            feedSplit(mutateClient ? target : clientBytes, cuts, (chunk) => tracker.clientToServer(chunk));
            feedSplit(mutateClient ? serverBytes : target, cuts, (chunk) => tracker.serverToClient(chunk));
            tracker.end();
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// --- valid sessions, generated with the operations they must give -----------

type Action =
  | { type: 'upload'; path: string; mode: number; sizes: number[]; failAt: number }
  | { type: 'download'; path: string; sizes: number[] }
  | { type: 'list'; path: string; entries: number }
  | { type: 'remove' | 'rmdir' | 'stat'; path: string; code: number }
  | { type: 'mkdir' | 'setstat'; path: string; mode: number; code: number }
  | { type: 'rename' | 'symlink'; path: string; target: string; code: number; posix: boolean };

const pathArbitrary = fc.string({ unit: 'grapheme', maxLength: 12 }).map((name) => `/srv/${name}`);
const modeArbitrary = fc.integer({ min: 0, max: 0o7777 });
const codeArbitrary = fc.integer({ min: 0, max: 4 });
const sizesArbitrary = fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 5 });

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    type: fc.constant('upload' as const),
    path: pathArbitrary,
    mode: modeArbitrary,
    sizes: sizesArbitrary,
    failAt: fc.integer({ min: -1, max: 5 }),
  }),
  fc.record({ type: fc.constant('download' as const), path: pathArbitrary, sizes: sizesArbitrary }),
  fc.record({
    type: fc.constant('list' as const),
    path: pathArbitrary,
    entries: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({
    type: fc.constantFrom('remove' as const, 'rmdir' as const, 'stat' as const),
    path: pathArbitrary,
    code: codeArbitrary,
  }),
  fc.record({
    type: fc.constantFrom('mkdir' as const, 'setstat' as const),
    path: pathArbitrary,
    mode: modeArbitrary,
    code: codeArbitrary,
  }),
  fc.record({
    type: fc.constantFrom('rename' as const, 'symlink' as const),
    path: pathArbitrary,
    target: pathArbitrary,
    code: codeArbitrary,
    posix: fc.boolean(),
  }),
);

type Step = [request: Buffer, ...replies: Buffer[]];

/** Builds the packets of a session and, from a model, the operations it must give. */
function build(actions: Action[]): {
  steps: Step[];
  expected: SftpFileOperation[];
  streams: { clientBytes: Buffer; serverBytes: Buffer };
} {
  const steps: Step[] = [[client.init(3), server.version(3)]];
  const expected: SftpFileOperation[] = [];
  let id = 0;
  let opened = 0;
  const status = (code: number): Pick<SftpFileOperation, 'status' | 'statusMessage'> =>
    code === 0 ? { status: 'ok' } : { status: statusNames[code]!, statusMessage: `message ${code}` };
  const reply = (requestId: number, code: number): Buffer =>
    server.status(requestId, code, code === 0 ? 'Success' : `message ${code}`);
  for (const action of actions) {
    switch (action.type) {
      case 'upload': {
        // Handles are reused (index modulo 2) as OpenSSH's sftp-server does.
        const h = handle(opened++ % 2);
        const openId = ++id;
        steps.push([
          client.open(openId, action.path, FXF.write | FXF.create | FXF.truncate, {
            permissions: action.mode,
          }),
          server.handle(openId, h),
        ]);
        expected.push({
          kind: 'open',
          path: action.path,
          flags: ['write', 'create', 'truncate'],
          status: 'ok',
          attributes: { mode: action.mode.toString(8).padStart(3, '0') },
        });
        let written = 0;
        let offset = 0;
        action.sizes.forEach((size, index) => {
          const writeId = ++id;
          const fails = index === action.failAt;
          steps.push([client.write(writeId, h, offset, size), reply(writeId, fails ? FX.failure : FX.ok)]);
          if (!fails) written += size;
          offset += size;
        });
        const closeId = ++id;
        steps.push([client.close(closeId, h), reply(closeId, FX.ok)]);
        expected.push({
          kind: 'close',
          path: action.path,
          bytesRead: 0,
          bytesWritten: written,
          status: 'ok',
        });
        break;
      }
      case 'download': {
        const h = handle(opened++ % 2);
        const openId = ++id;
        steps.push([client.open(openId, action.path, FXF.read), server.handle(openId, h)]);
        expected.push({ kind: 'open', path: action.path, flags: ['read'], status: 'ok' });
        let read = 0;
        for (const size of action.sizes) {
          const readId = ++id;
          steps.push([client.read(readId, h, read, 32768), server.data(readId, size)]);
          read += size;
        }
        const eofId = ++id;
        steps.push([client.read(eofId, h, read, 32768), reply(eofId, FX.eof)]);
        const closeId = ++id;
        steps.push([client.close(closeId, h), reply(closeId, FX.ok)]);
        expected.push({ kind: 'close', path: action.path, bytesRead: read, bytesWritten: 0, status: 'ok' });
        break;
      }
      case 'list': {
        const h = handle(opened++ % 2);
        const openId = ++id;
        steps.push([client.opendir(openId, action.path), server.handle(openId, h)]);
        expected.push({ kind: 'opendir', path: action.path, status: 'ok' });
        const readdirId = ++id;
        const entries = Array.from({ length: action.entries }, (_, index) => ({ filename: `f${index}` }));
        steps.push([client.readdir(readdirId, h), server.name(readdirId, entries)]);
        const eofId = ++id;
        steps.push([client.readdir(eofId, h), reply(eofId, FX.eof)]);
        const closeId = ++id;
        steps.push([client.close(closeId, h), reply(closeId, FX.ok)]);
        break;
      }
      case 'remove':
      case 'rmdir':
      case 'stat': {
        const requestId = ++id;
        steps.push([client[action.type](requestId, action.path), reply(requestId, action.code)]);
        if (action.type !== 'stat' || action.code !== 0) {
          expected.push({ kind: action.type, path: action.path, ...status(action.code) });
        }
        break;
      }
      case 'mkdir':
      case 'setstat': {
        const requestId = ++id;
        steps.push([
          client[action.type](requestId, action.path, { permissions: action.mode }),
          reply(requestId, action.code),
        ]);
        expected.push({
          kind: action.type,
          path: action.path,
          ...status(action.code),
          attributes: { mode: action.mode.toString(8).padStart(3, '0') },
        });
        break;
      }
      case 'rename': {
        const requestId = ++id;
        const request = action.posix
          ? client.posixRename(requestId, action.path, action.target)
          : client.rename(requestId, action.path, action.target);
        steps.push([request, reply(requestId, action.code)]);
        const operation: SftpFileOperation = {
          kind: 'rename',
          path: action.path,
          targetPath: action.target,
          ...status(action.code),
        };
        if (action.posix) operation.flags = ['posix-rename'];
        expected.push(operation);
        break;
      }
      case 'symlink': {
        const requestId = ++id;
        steps.push([client.symlink(requestId, action.target, action.path), reply(requestId, action.code)]);
        expected.push({
          kind: 'symlink',
          path: action.path,
          targetPath: action.target,
          ...status(action.code),
        });
        break;
      }
    }
  }
  const streams = {
    clientBytes: Buffer.concat(steps.map(([request]) => request)),
    serverBytes: Buffer.concat(steps.flatMap(([, ...replies]) => replies)),
  };
  return { steps, expected, streams };
}

const sampleSession: Action[] = [
  { type: 'upload', path: '/srv/a', mode: 0o644, sizes: [3000, 10], failAt: -1 },
  { type: 'download', path: '/srv/a', sizes: [2000, 1010] },
  { type: 'list', path: '/srv', entries: 2 },
  { type: 'rename', path: '/srv/a', target: '/srv/b', code: 0, posix: true },
  { type: 'remove', path: '/srv/x', code: 2 },
];

describe('SFTP fuzz: generated valid sessions round-trip', () => {
  it('the sample session gives its model operations', () => {
    const { steps, expected } = build(sampleSession);
    const ops: SftpFileOperation[] = [];
    const tracker = createSftpTracker({ onOperation: (op) => ops.push(op) });
    for (const [request, ...replies] of steps) {
      tracker.clientToServer(request);
      for (const reply of replies) tracker.serverToClient(reply);
    }
    tracker.end();
    expect(ops).toEqual(expected);
    expect(ops).toHaveLength(7);
  });

  it('any session, chunked at any points, gives the operations of the model', () => {
    fc.assert(
      fc.property(
        fc.array(actionArbitrary, { maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 20 }),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 20 }),
        (actions, proxyOrder, clientCuts, serverCuts) => {
          const { steps, expected, streams } = build(actions);
          const ops: SftpFileOperation[] = [];
          const tracker = createSftpTracker({ onOperation: (op) => ops.push(op) });
          if (proxyOrder) {
            // As a proxy sees them: each request, then its replies, each cut somewhere.
            steps.forEach(([request, ...replies], index) => {
              feedSplit(request, [clientCuts[index % Math.max(clientCuts.length, 1)] ?? 0], (chunk) =>
                tracker.clientToServer(chunk),
              );
              for (const reply of replies) {
                feedSplit(reply, [serverCuts[index % Math.max(serverCuts.length, 1)] ?? 0], (chunk) =>
                  tracker.serverToClient(chunk),
                );
              }
            });
          } else {
            // All requests first, then all replies, cut across packet boundaries.
            const sorted = (cuts: number[]): number[] => [...cuts].sort((a, b) => a - b);
            feedSplit(streams.clientBytes, sorted(clientCuts), (chunk) => tracker.clientToServer(chunk));
            feedSplit(streams.serverBytes, sorted(serverCuts), (chunk) => tracker.serverToClient(chunk));
          }
          tracker.end();
          expect(ops).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
