// Following a live session (recorder.follow) and the watch socket that serves
// it, attacked as a viewer would: bad requests, a slow reader, a stale or
// foreign socket file.

import { spawnSync } from 'node:child_process';
import { lstatSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { isTaplineError } from '@tapline/frames';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFileSink,
  createRecorder,
  createWatchServer,
  type FollowEvent,
  type Recorder,
  type WatchServer,
} from '../src/index.js';
import { grant, tempDirectory, until } from './helpers.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function newRecorder(followReplayBytes = 0): { recorder: Recorder; root: string } {
  const root = tempDirectory();
  const recorder = createRecorder({
    sinks: [createFileSink({ directory: join(root, 'out') })],
    spool: { directory: join(root, 'spool') },
    followReplayBytes,
  });
  closers.push(() => recorder.close());
  return { recorder, root };
}

async function serve(recorder: Recorder, root: string, maxBufferedBytes?: number): Promise<WatchServer> {
  const server = createWatchServer({
    recorder,
    path: join(root, 'watch.sock'),
    ...(maxBufferedBytes === undefined ? {} : { maxBufferedBytes }),
  });
  await server.listen();
  closers.push(() => server.close());
  return server;
}

/** Sends `request` raw and collects the answer's JSON lines until the server ends. */
function ask(path: string, request: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      ),
    );
  });
}

/** Follows a session: `started` settles once the server answered (the follower is registered). */
function followOver(path: string, sessionId: string) {
  const socket = connect(path);
  let text = '';
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  socket.on('connect', () => socket.write(`${JSON.stringify({ op: 'follow', sessionId })}\n`));
  socket.on('data', (chunk) => {
    text += chunk.toString();
    if (text.includes('\n')) markStarted();
  });
  const done = new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () =>
      resolve(
        text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      ),
    );
  });
  return { socket, started, done, text: () => text };
}

describe('recorder.follow', () => {
  it('a late follower gets the open terminal streams with their last output (ring), then output live, then ended', async () => {
    const { recorder } = newRecorder(8);
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    const exec = session.openStream('ssh_exec', {});
    session.data(shell, 'target_to_client', Buffer.from('abcdef'));
    session.data(shell, 'target_to_client', Buffer.from('ghij'));
    session.data(shell, 'client_to_target', Buffer.from('typed'));
    session.data(exec, 'target_to_client', Buffer.from('not a terminal'));
    const events: FollowEvent[] = [];
    const stop = recorder.follow(session.sessionId, (event) => events.push(event));
    expect(stop).toBeTypeOf('function');
    session.data(shell, 'target_to_client', Buffer.from('k'));
    session.resize(shell, 100, 30);
    session.closeStream(shell);
    await session.end('client_closed');
    expect(
      events.map((event) =>
        event.type === 'stream'
          ? { ...event, replay: Buffer.from(event.replay).toString() }
          : event.type === 'output'
            ? { ...event, bytes: Buffer.from(event.bytes).toString() }
            : event,
      ),
    ).toEqual([
      { type: 'stream', streamId: shell, kind: 'ssh_shell', cols: 80, rows: 24, replay: 'cdefghij' },
      { type: 'output', streamId: shell, bytes: 'k' },
      { type: 'resize', streamId: shell, cols: 100, rows: 30 },
      { type: 'closed', streamId: shell },
      { type: 'ended' },
    ]);
    expect(recorder.follow(session.sessionId, () => {})).toBeUndefined();
  });

  it('without a replay a follower still gets the open streams (empty) and what follows', async () => {
    const { recorder } = newRecorder(0);
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell', { cols: 0, rows: 0 });
    session.data(shell, 'target_to_client', Buffer.from('before'));
    const events: FollowEvent[] = [];
    recorder.follow(session.sessionId, (event) => events.push(event));
    session.data(shell, 'target_to_client', Buffer.from('after'));
    expect(events.map((event) => event.type)).toEqual(['stream', 'output']);
    expect((events[0] as { replay: Uint8Array }).replay.length).toBe(0);
    await session.end('client_closed');
  });

  it('a chunk larger than the replay keeps its tail; a throwing follower is dropped, the session goes on', async () => {
    const { recorder } = newRecorder(4);
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    session.data(shell, 'target_to_client', Buffer.from('0123456789'));
    let calls = 0;
    recorder.follow(session.sessionId, (event) => {
      calls++;
      if (event.type === 'output') throw new Error('viewer bug');
    });
    const replays: string[] = [];
    recorder.follow(session.sessionId, (event) => {
      if (event.type === 'stream') replays.push(Buffer.from(event.replay).toString());
    });
    session.data(shell, 'target_to_client', Buffer.from('x'));
    session.data(shell, 'target_to_client', Buffer.from('y'));
    expect(replays).toEqual(['6789']);
    expect(calls).toBe(2);
    await session.end('client_closed');
  });

  it('followReplayBytes is checked', () => {
    const root = tempDirectory();
    expect(() =>
      createRecorder({
        sinks: [createFileSink({ directory: root })],
        spool: { directory: join(root, 'spool') },
        followReplayBytes: 2 * 1024 * 1024,
      }),
    ).toThrow(/followReplayBytes/);
  });
});

describe('createWatchServer', () => {
  it('lists live sessions; follows one to its end as JSON lines; the socket is 0600', async () => {
    const { recorder, root } = newRecorder(1024);
    const server = await serve(recorder, root);
    expect(lstatSync(server.path).mode & 0o777).toBe(0o600);
    expect(await ask(server.path, '{"op":"list"}\n')).toEqual([{ type: 'sessions', sessions: [] }]);
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    session.data(shell, 'target_to_client', Buffer.from('$ '));
    const [listed] = await ask(server.path, '{"op":"list"}\n');
    expect((listed as { sessions: Array<{ sessionId: string; protocol: string }> }).sessions).toEqual([
      expect.objectContaining({ sessionId: session.sessionId, protocol: 'ssh' }),
    ]);
    const following = followOver(server.path, session.sessionId);
    await following.started;
    session.data(shell, 'target_to_client', Buffer.from('ls\r\n'));
    session.command({ streamId: shell, text: 'ls', source: 'terminal', program: 'ls' });
    await session.end('client_closed');
    const lines = await following.done;
    expect(lines[0]).toMatchObject({ type: 'session', sessionId: session.sessionId });
    expect(lines[1]).toMatchObject({
      type: 'stream',
      streamId: shell,
      replay: Buffer.from('$ ').toString('base64'),
    });
    expect(lines).toContainEqual({
      type: 'output',
      streamId: shell,
      data: Buffer.from('ls\r\n').toString('base64'),
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        type: 'action',
        action: expect.objectContaining({
          type: 'command',
          command: expect.objectContaining({ text: 'ls' }),
        }),
      }),
    );
    expect(lines.at(-1)).toEqual({ type: 'ended' });
  });

  it('answers bad requests with coded errors and keeps serving', async () => {
    const { recorder, root } = newRecorder();
    const server = await serve(recorder, root);
    const codeOf = async (request: string) => (await ask(server.path, request))[0]?.code;
    expect(await codeOf('not json\n')).toBe('TAPLINE_ERR_WATCH_REQUEST');
    expect(await codeOf('{"op":"drop tables"}\n')).toBe('TAPLINE_ERR_WATCH_REQUEST');
    expect(await codeOf('null\n')).toBe('TAPLINE_ERR_WATCH_REQUEST');
    expect(await codeOf(`${'x'.repeat(5000)}`)).toBe('TAPLINE_ERR_WATCH_REQUEST');
    expect(await codeOf('{"op":"follow","sessionId":"00000000-0000-4000-8000-000000000000"}\n')).toBe(
      'TAPLINE_ERR_WATCH_NO_SESSION',
    );
    expect(await ask(server.path, '{"op":"list"}\n')).toEqual([{ type: 'sessions', sessions: [] }]);
  });

  it('a viewer that stops reading loses output (counted, reported), never slows the session or grows without bound', async () => {
    const { recorder, root } = newRecorder();
    const server = await serve(recorder, root, 256 * 1024);
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
    const viewer = followOver(server.path, session.sessionId);
    await viewer.started;
    viewer.socket.pause();
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 200; i++) session.data(shell, 'target_to_client', chunk); // 12.5 MiB
    viewer.socket.resume();
    await until(() => viewer.text().includes('"type":"dropped"'));
    const text = viewer.text();
    const received = text.split('\n').filter((line) => line.includes('"type":"output"')).length;
    expect(received).toBeLessThan(200);
    expect(received).toBeGreaterThan(0);
    const dropped = JSON.parse(text.split('\n').find((line) => line.includes('"dropped"'))!) as {
      bytes: number;
    };
    expect(dropped.bytes).toBeGreaterThan(0);
    viewer.socket.destroy();
    await session.end('client_closed');
  });

  it('replaces a stale socket, refuses a live one and a file that is not a socket', async () => {
    const { recorder, root } = newRecorder();
    const path = join(root, 'watch.sock');
    // A socket file left by a process that died: nobody listens on it (exit does not unlink it).
    const died = spawnSync(process.execPath, [
      '-e',
      "require('node:net').createServer().listen(process.argv[1], () => process.exit(0))",
      path,
    ]);
    expect(died.status).toBe(0);
    expect(lstatSync(path).isSocket()).toBe(true);
    const server = createWatchServer({ recorder, path });
    await server.listen();
    closers.push(() => server.close());
    expect(await ask(path, '{"op":"list"}\n')).toEqual([{ type: 'sessions', sessions: [] }]);

    const second = createWatchServer({ recorder, path });
    const inUse = await second.listen().catch((error: unknown) => error);
    expect(isTaplineError(inUse) && inUse.code).toBe('TAPLINE_ERR_WATCH_SOCKET');

    const file = join(root, 'not-a-socket');
    writeFileSync(file, 'keep me');
    const third = createWatchServer({ recorder, path: file });
    const notSocket = await third.listen().catch((error: unknown) => error);
    expect(isTaplineError(notSocket) && notSocket.code).toBe('TAPLINE_ERR_WATCH_SOCKET');
    expect(lstatSync(file).isFile()).toBe(true);
  });
});
