// `tapline watch` (the real CLI in a child process) against a real recorder's
// watch socket: the list, a database session followed as scrolling actions,
// and the errors a viewer can get.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createFileSink, createRecorder, createWatchServer } from '@tapline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { actionLine, renderSessionList } from '../src/watch.js';
import { grant, mainPath, packageRoot, removeTempDirectories, tapline, tempDirectory } from './helpers.js';

afterAll(removeTempDirectories);

/** The real CLI, from source, in the background: its output as it comes and its exit. */
function background(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainPath, ...args], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { out: '', err: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output.out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output.err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { output, exited };
}

async function until(what: () => boolean, describe: () => string): Promise<void> {
  for (let i = 0; i < 800 && !what(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(what(), describe()).toBe(true);
}

describe('tapline watch', () => {
  it('lists the live sessions, follows one as a list of its actions until it ends; an unknown one is a coded error', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
    });
    const server = createWatchServer({ recorder, path: join(root, 'watch.sock') });
    await server.listen();
    try {
      const session = await recorder.start(
        grant({ protocol: 'postgresql', resource: { id: 'r-db', type: 'postgresql', name: 'orders-db' } }),
      );
      const listed = await tapline(['watch', '--socket', server.path]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.text).toMatch(/^SESSION\s+PROTOCOL\s+USER\s+RESOURCE\s+STARTED$/m);
      expect(listed.text).toContain(`${session.sessionId}  postgresql  ada@example.com  orders-db`);

      const viewer = background(['watch', session.sessionId], { TAPLINE_WATCH_SOCKET: server.path });
      const { output } = viewer;
      await until(
        () => output.err.includes('watching'),
        () => output.err,
      );
      expect(output.err).toContain(
        `watching ${session.sessionId}: ada@example.com on orders-db (postgresql)`,
      );
      const stream = session.openStream('db_connection', {});
      session.query({
        streamId: stream,
        text: 'DELETE FROM orders WHERE id = $1',
        rows: 1,
        commandTag: 'DELETE 1',
      });
      session.query({ streamId: stream, text: 'SELEC 1', errorCode: '42601' });
      await session.end('client_closed');
      expect(await viewer.exited).toBe(0);
      expect(output.out).toMatch(/^\d\d:\d\d:\d\d query {4}DELETE FROM orders WHERE id = \$1\r$/m);
      expect(output.out).toMatch(/^\d\d:\d\d:\d\d query {4}SELEC 1 {2}\[error 42601\]\r$/m);
      expect(output.err).toContain('[session ended]');

      const gone = await tapline(['watch', '--socket', server.path, session.sessionId]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('TAPLINE_ERR_WATCH_NO_SESSION');
    } finally {
      await server.close();
      await recorder.close();
    }
  }, 60_000);

  it('no socket: an I/O error that says what to check (exit 3); no --socket: usage (exit 2)', async () => {
    const missing = await tapline(['watch', '--socket', join(tempDirectory(), 'nothing.sock')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(
      /TAPLINE_ERR_CLI_IO: cannot reach the watch socket .*ENOENT.*watch socket on/,
    );
    const usage = await tapline(['watch'], { env: { TAPLINE_WATCH_SOCKET: '' } });
    expect(usage.code).toBe(2);
  }, 60_000);

  it('--from-spool: lists the sessions still being recorded and follows one from its spool files, terminal output drawn', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: spool },
      segment: { maxSegmentAgeMs: 100 },
    });
    try {
      const session = await recorder.start(grant());
      const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
      session.data(shell, 'target_to_client', Buffer.from('$ echo spooled-1\r\nspooled-1\r\n$ '));
      const listed = await tapline(['watch', '--from-spool', spool]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.text).toContain(`${session.sessionId}  ssh       ada@example.com  bastion`);
      const viewer = background(['watch', '--from-spool', spool, session.sessionId]);
      const { output } = viewer;
      const waitFor = (what: () => boolean) =>
        until(what, () => `stdout: ${output.out}\nstderr: ${output.err}`);
      await waitFor(() => output.out.includes('spooled-1\r\n$ '));
      session.data(shell, 'target_to_client', Buffer.from('echo spooled-2\r\nspooled-2\r\n'));
      await waitFor(() => output.out.includes('spooled-2\r\n'));
      expect(output.out.startsWith('\x1b[H\x1b[2J')).toBe(true);
      await session.end('client_closed');
      expect(await viewer.exited).toBe(0);
      expect(output.err).toContain('[session ended]');
      const none = await tapline(['watch', '--from-spool', spool, session.sessionId]);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('TAPLINE_ERR_WATCH_NO_SESSION');
    } finally {
      await recorder.close();
    }
  }, 60_000);

  it('renders the list and action lines', () => {
    expect(renderSessionList([])).toBe('no live sessions\n');
    expect(
      renderSessionList(
        [{ sessionId: 's-1', protocol: 'ssh', user: 'ada', resource: 'bastion', startedAt: 1000 }],
        61_000,
      ),
    ).toBe('SESSION  PROTOCOL  USER  RESOURCE  STARTED\ns-1      ssh       ada   bastion   60s ago\n');
    const time = Date.UTC(2026, 0, 1, 12, 34, 56);
    expect(
      actionLine({
        type: 'api_call',
        time,
        apiCall: { method: 'DELETE', path: '/api/v1/namespaces/x', statusCode: 403 },
      }),
    ).toBe('12:34:56 api      DELETE /api/v1/namespaces/x 403');
    expect(
      actionLine({
        type: 'file_operation',
        time,
        fileOperation: { kind: 'rename', path: '/a', targetPath: '/b' },
      }),
    ).toBe('12:34:56 file     rename /a -> /b');
    expect(actionLine({ type: 'session.started', time })).toBeUndefined();
  });
});
