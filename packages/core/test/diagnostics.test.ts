// Every payload published on a Tapline diagnostics channel matches its exported
// type at run time: a real session through the real recorder, file sink and
// spool, with a sink that fails once, a metadata emitter that always fails and
// a damaged spool entry, so every channel but `tapline:spool:recovery` fires.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CoreChannelMessages,
  channels,
  createFileSink,
  createRecorder,
  type SessionStartMessage,
  type Sink,
  subscribeTapline,
} from '../src/index.js';
import { grant, tempDirectory, until } from './helpers.js';

type FieldType = 'string' | 'number' | 'boolean' | 'object';
interface Field {
  type: FieldType;
  optional?: boolean;
  /** For objects: the shape of the value. */
  shape?: Record<string, Field>;
}
const required = (type: FieldType, shape?: Record<string, Field>): Field => ({ type, shape });
const optional = (type: FieldType): Field => ({ type, optional: true });

// One entry per channel and one per field of its payload type: the mapped
// types make the compiler fail when a channel or a field is added to the
// exported types without being added here.
type Shape<T> = { [K in keyof T]-?: Field };
type CoreChannelName = keyof CoreChannelMessages;
const shapes: { [N in CoreChannelName]: Shape<CoreChannelMessages[N]> } = {
  'tapline:session:start': {
    sessionId: required('string'),
    protocol: required('string'),
    userId: required('string'),
  },
  'tapline:session:end': {
    sessionId: required('string'),
    reason: required('string'),
    complete: required('boolean'),
    frames: required('number'),
  },
  'tapline:segment:spooled': {
    sessionId: required('string'),
    segmentIndex: required('number'),
    bytes: required('number'),
  },
  'tapline:segment:delivered': {
    sessionId: required('string'),
    sink: required('string'),
    segmentIndex: required('number'),
  },
  'tapline:sink:failure': {
    sessionId: required('string'),
    sink: required('string'),
    code: required('string'),
    message: required('string'),
    attempt: required('number'),
    permanent: required('boolean'),
    willRetry: required('boolean'),
  },
  'tapline:recording:delivered': {
    sessionId: required('string'),
    sink: required('string'),
    receipt: required('object', { location: required('string'), bytes: required('number') }),
  },
  'tapline:spool:recovery': {
    sessionId: required('string'),
    segments: required('number'),
    complete: required('boolean'),
  },
  'tapline:spool:quarantine': {
    sessionId: required('string'),
    code: required('string'),
    message: required('string'),
    path: required('string'),
    deferred: optional('boolean'),
  },
  'tapline:metadata:failure': {
    emitter: required('string'),
    eventId: required('string'),
    code: required('string'),
  },
};

/** What is wrong with `value` against `shape`: missing, extra or mistyped fields. */
function problems(value: unknown, shape: Record<string, Field>, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [`${path || 'payload'}: not an object`];
  const found: string[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!(key in shape)) found.push(`${path}${key}: not in the type`);
  for (const [key, field] of Object.entries(shape)) {
    const item = record[key];
    if (item === undefined) {
      if (!field.optional) found.push(`${path}${key}: missing`);
      continue;
    }
    if (field.type === 'object') {
      found.push(...(field.shape ? problems(item, field.shape, `${path}${key}.`) : []));
      if (typeof item !== 'object' || item === null) found.push(`${path}${key}: not an object`);
    } else if (typeof item !== field.type || (field.type === 'number' && !Number.isFinite(item))) {
      found.push(`${path}${key}: ${typeof item}, not ${field.type}`);
    }
  }
  return found;
}

describe('diagnostics channels', () => {
  it('every payload published matches its exported type', async () => {
    const root = tempDirectory();
    const spool = join(root, 'spool');
    // A spool entry that cannot be read: recover() quarantines it.
    const broken = join(spool, 'recordings', randomUUID());
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'recording.json'), '{ not json');
    writeFileSync(join(broken, 'segments.tapline'), 'garbage');

    const seen = new Map<CoreChannelName, unknown[]>();
    const stops = (Object.keys(shapes) as CoreChannelName[]).map((name) =>
      subscribeTapline(name, (message) => {
        seen.set(name, [...(seen.get(name) ?? []), message]);
      }),
    );
    // Without adopt(): the spool feeds it segment by segment, so every segment channel fires.
    const { adopt: _adopt, ...files } = createFileSink({ directory: join(root, 'recordings') });
    let failures = 0;
    const flaky: Sink = {
      ...files,
      name: 'flaky',
      async open(recording, resume) {
        if (failures++ === 0) throw Object.assign(new Error('not yet'), { code: 'ECONNRESET' });
        return files.open(recording, resume);
      },
    };
    const recorder = createRecorder({
      sinks: [flaky],
      spool: { directory: spool },
      retry: { initialDelayMs: 1, maxDelayMs: 5 },
      metadata: {
        name: 'broken-emitter',
        emit: () => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })),
        close: () => Promise.resolve(),
      },
    });
    try {
      expect((await recorder.recover()).quarantined).toHaveLength(1);
      const session = await recorder.start(grant());
      const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
      session.data(shell, 'target_to_client', Buffer.from('$ '));
      session.data(shell, 'client_to_target', Buffer.from('ls\r'));
      session.command({ streamId: shell, text: 'ls', source: 'terminal' });
      session.closeStream(shell, { exitStatus: 0 });
      await session.end('client_closed');
      await until(() => (seen.get('tapline:recording:delivered')?.length ?? 0) > 0);
      await recorder.idle();
    } finally {
      await recorder.close();
      for (const stop of stops) stop();
    }

    const fired = [...seen.keys()].sort();
    expect(fired).toEqual(
      (Object.keys(shapes) as CoreChannelName[]).filter((name) => name !== 'tapline:spool:recovery').sort(),
    );
    for (const [name, messages] of seen) {
      for (const message of messages) expect(problems(message, shapes[name]), name).toEqual([]);
    }
    expect(seen.get('tapline:session:end')).toEqual([expect.objectContaining({ reason: 'client_closed' })]);
    expect(seen.get('tapline:sink:failure')?.[0]).toMatchObject({ sink: 'flaky', willRetry: true });
    expect(seen.get('tapline:metadata:failure')?.[0]).toMatchObject({ emitter: 'broken-emitter' });
  });

  it('subscribeTapline gives the payload its type and unsubscribes', async () => {
    const got: SessionStartMessage[] = [];
    const stop = subscribeTapline('tapline:session:start', (message) => {
      expectTypeOf(message).toEqualTypeOf<SessionStartMessage>();
      got.push(message);
    });
    channels.sessionStart.publish({ sessionId: 's-1', protocol: 'ssh', userId: 'u-1' });
    stop();
    channels.sessionStart.publish({ sessionId: 's-2', protocol: 'ssh', userId: 'u-1' });
    expect(got).toEqual([{ sessionId: 's-1', protocol: 'ssh', userId: 'u-1' }]);
    expect(channels.sessionStart.name).toBe('tapline:session:start');
    // @ts-expect-error a payload that is not a SessionStartMessage does not compile
    channels.sessionStart.publish({ sessionId: 's-3' });
  });
});
