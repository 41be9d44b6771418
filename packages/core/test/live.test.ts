import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder, type LiveAction, type Recorder } from '../src/index.js';
import { grant, tempDirectory, until } from './helpers.js';

function newRecorder(extra: Partial<Parameters<typeof createRecorder>[0]> = {}): Recorder {
  const root = tempDirectory();
  return createRecorder({
    sinks: [createFileSink({ directory: join(root, 'out') })],
    spool: { directory: join(root, 'spool') },
    ...extra,
  });
}

describe('live action stream', () => {
  it('publishes every semantic event of a session, in order, redacted', async () => {
    const recorder = newRecorder({
      redact: {
        command: (text) => text.replace(/hunter2/g, '***'),
        query: (event) => ({ ...event, text: event.text.replace(/'[^']*'/g, "'?'") }),
      },
    });
    const actions: LiveAction[] = [];
    recorder.on('action', (action) => {
      actions.push(action);
    });
    const session = await recorder.start(grant());
    const shell = session.openStream('ssh_shell', { details: { term: 'xterm' } });
    session.data(shell, 'client_to_target', Buffer.from('ls\r'));
    session.command({ streamId: shell, text: 'mysql -phunter2', source: 'terminal', program: 'mysql' });
    session.query({ streamId: shell, text: "SELECT * FROM users WHERE name = 'ada'" });
    session.apiCall({
      streamId: shell,
      verb: 'delete',
      method: 'DELETE',
      path: '/api/v1/namespaces/prod',
      statusCode: 200,
      resource: 'namespaces',
      name: 'prod',
    });
    session.fileOperation({ streamId: shell, kind: 'remove', path: '/etc/passwd' });
    session.closeStream(shell, { exitStatus: 3 });
    await session.end('client_closed');
    await until(() => actions.some((action) => action.type === 'session.ended'));
    expect(actions.map((action) => action.type)).toEqual([
      'session.started',
      'stream.opened',
      'annotation', // the redaction note
      'command',
      'annotation',
      'query',
      'api_call',
      'file_operation',
      'stream.closed',
      'session.ended',
    ]);
    for (const action of actions) {
      expect(action.sessionId).toBe(session.sessionId);
      expect(action.context.user.id).toBe('u-1');
      expect(action.dropped).toBe(0);
    }
    const byType = <T extends LiveAction['type']>(type: T) =>
      actions.find((action) => action.type === type) as Extract<LiveAction, { type: T }>;
    expect(byType('command').command).toMatchObject({ text: 'mysql -p***', program: 'mysql' });
    expect(byType('query').query.text).toBe("SELECT * FROM users WHERE name = '?'");
    expect(byType('api_call').apiCall).toMatchObject({ verb: 'delete', name: 'prod' });
    expect(byType('stream.opened')).toMatchObject({ kind: 'ssh_shell', details: { term: 'xterm' } });
    expect(byType('stream.closed')).toMatchObject({
      kind: 'ssh_shell',
      exitStatus: 3,
      bytesClientToTarget: 3,
    });
    expect(byType('session.ended')).toMatchObject({ reason: 'client_closed', summary: { commands: 1 } });
    // Offsets follow the session's clock.
    const offsets = actions.map((action) => action.offsetNs);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    expect(JSON.stringify(actions.map((a) => a.type === 'command' && a.command))).not.toContain('hunter2');
    await recorder.close();
  });

  it('delivers on a later turn: the publishing call returns before any listener runs', async () => {
    const recorder = newRecorder();
    const seen: string[] = [];
    recorder.on('action', (action) => {
      seen.push(action.type);
    });
    const session = await recorder.start(grant());
    await until(() => seen.includes('session.started'));
    seen.length = 0;
    session.command({ streamId: 0, text: 'id', source: 'exec' });
    expect(seen).toEqual([]);
    await until(() => seen.length === 1);
    await session.end('client_closed');
    await recorder.close();
  });

  it('a listener that never keeps up loses actions, counted, and never holds up the session', async () => {
    const recorder = newRecorder();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: LiveAction[] = [];
    const fast: LiveAction[] = [];
    // The slow listener blocks on its first action until released.
    recorder.on(
      'action',
      async (action) => {
        slow.push(action);
        await gate;
      },
      { maxQueue: 10 },
    );
    recorder.on('action', (action) => {
      fast.push(action);
    });
    const session = await recorder.start(grant());
    await until(() => slow.length === 1);
    for (let i = 0; i < 500; i++) session.command({ streamId: 0, text: `echo ${i}`, source: 'exec' });
    await until(() => fast.length === 501);
    // Ten wait in the slow listener's queue; the rest were dropped, not buffered.
    expect(recorder.stats().live.dropped).toBe(490);
    release();
    await until(() => slow.length === 11);
    session.command({ streamId: 0, text: 'after', source: 'exec' });
    await until(() => slow.length === 12);
    // The next action after the loss says how many were lost before it.
    expect(slow[11]).toMatchObject({ type: 'command', dropped: 490, command: { text: 'after' } });
    expect(slow.slice(1, 11).map((a) => a.type === 'command' && a.command.text)).toEqual(
      Array.from({ length: 10 }, (_, i) => `echo ${i}`),
    );
    expect(fast.every((action) => action.dropped === 0)).toBe(true);
    await session.end('client_closed');
    await recorder.close();
  });

  it('a throwing or rejecting listener is counted and does not break recording or other listeners', async () => {
    const recorder = newRecorder();
    const good: string[] = [];
    recorder.on('action', () => {
      throw new Error('listener bug');
    });
    recorder.on('action', async () => {
      throw new Error('async listener bug');
    });
    recorder.on('action', (action) => {
      good.push(action.type);
    });
    const session = await recorder.start(grant());
    session.command({ streamId: 0, text: 'whoami', source: 'exec' });
    const summary = await session.end('client_closed');
    await until(() => good.includes('session.ended'));
    expect(summary.commands).toBe(1);
    expect(recorder.stats().live.listenerErrors).toBeGreaterThanOrEqual(6);
    await recorder.idle();
    await recorder.close();
  });

  it('off() stops a listener; a per-session listener only sees its session', async () => {
    const recorder = newRecorder();
    const first = await recorder.start(grant());
    const second = await recorder.start(grant());
    const mine: LiveAction[] = [];
    const all: LiveAction[] = [];
    const listener = (action: LiveAction) => {
      all.push(action);
    };
    recorder.on('action', (action) => void mine.push(action), { sessionId: second.sessionId });
    recorder.on('action', listener);
    first.command({ streamId: 0, text: 'one', source: 'exec' });
    second.command({ streamId: 0, text: 'two', source: 'exec' });
    await until(() => mine.length === 1 && all.length === 2);
    recorder.off('action', listener);
    expect(recorder.stats().live.subscribers).toBe(1);
    first.command({ streamId: 0, text: 'three', source: 'exec' });
    second.command({ streamId: 0, text: 'four', source: 'exec' });
    await until(() => mine.length === 2);
    expect(all).toHaveLength(2);
    expect(mine.map((a) => a.type === 'command' && a.command.text)).toEqual(['two', 'four']);
    await recorder.close();
  });

  it('actions() iterates the stream; break ends the subscription; close() ends every iterator', async () => {
    const recorder = newRecorder();
    const session = await recorder.start(grant());
    const iterator = recorder.actions({ sessionId: session.sessionId });
    const texts: string[] = [];
    const reading = (async () => {
      for await (const action of iterator) {
        if (action.type === 'command') texts.push(action.command.text);
        if (texts.length === 2) break;
      }
    })();
    session.command({ streamId: 0, text: 'a', source: 'exec' });
    session.command({ streamId: 0, text: 'b', source: 'exec' });
    session.command({ streamId: 0, text: 'c', source: 'exec' });
    await reading;
    expect(texts).toEqual(['a', 'b']);
    expect(recorder.stats().live.subscribers).toBe(0);
    const pending = recorder.actions();
    const next = pending.next();
    await session.end('client_closed');
    expect((await next).value).toMatchObject({ type: 'session.ended' });
    await recorder.close();
    expect(await pending.next()).toEqual({ done: true, value: undefined });
  });

  it('an iterator nobody reads stays bounded and counts what it lost', async () => {
    const recorder = newRecorder();
    const session = await recorder.start(grant());
    const iterator = recorder.actions({ maxQueue: 5 });
    for (let i = 0; i < 100; i++) session.command({ streamId: 0, text: `c${i}`, source: 'exec' });
    expect(recorder.stats().live.dropped).toBe(95);
    const first = await iterator.next();
    expect(first.value).toMatchObject({ type: 'command', dropped: 0, command: { text: 'c0' } });
    for (let i = 1; i < 5; i++) await iterator.next();
    session.command({ streamId: 0, text: 'late', source: 'exec' });
    expect((await iterator.next()).value).toMatchObject({ dropped: 95, command: { text: 'late' } });
    await iterator.return?.();
    await session.end('client_closed');
    await recorder.close();
  });

  it('costs nothing without subscribers', async () => {
    const recorder = newRecorder();
    const session = await recorder.start(grant());
    session.command({ streamId: 0, text: 'x', source: 'exec' });
    expect(recorder.stats().live).toEqual({
      subscribers: 0,
      published: 0,
      delivered: 0,
      dropped: 0,
      listenerErrors: 0,
      alerts: 0,
    });
    await session.end('client_closed');
    await recorder.close();
  });
});
