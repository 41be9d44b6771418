// The tapline:ssh:<type> diagnostics channels: what real OpenSSH clients make
// the proxy publish matches SshChannelMessages at run time.
import { subscribeTapline } from '@tapline/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SshChannelMessages } from '../src/index.js';
import { startFixture } from './helpers/fixture.js';
import { run, until } from './helpers/processes.js';

type FieldType = 'string' | 'number' | 'object';
interface Field {
  type: FieldType;
  optional?: boolean;
}
const required = (type: FieldType): Field => ({ type });
const optional = (type: FieldType): Field => ({ type, optional: true });
type ChannelName = keyof SshChannelMessages;

// One entry per channel and field: the compiler fails when the event types change without this.
const shapes: { [N in ChannelName]: { [K in keyof SshChannelMessages[N]]-?: Field } } = {
  'tapline:ssh:listening': {
    type: required('string'),
    address: required('object'),
    crypto: required('object'),
  },
  'tapline:ssh:auth_failed': {
    type: required('string'),
    clientAddress: required('string'),
    username: required('string'),
    method: required('string'),
    error: optional('object'),
  },
  'tapline:ssh:session_started': {
    type: required('string'),
    sessionId: required('string'),
    username: required('string'),
    clientAddress: required('string'),
    target: required('string'),
    clientCipher: optional('string'),
    targetCipher: optional('string'),
  },
  'tapline:ssh:session_failed': {
    type: required('string'),
    sessionId: optional('string'),
    clientAddress: required('string'),
    error: required('object'),
  },
  'tapline:ssh:refused': {
    type: required('string'),
    sessionId: required('string'),
    request: required('string'),
    error: required('object'),
  },
  'tapline:ssh:connection_refused': {
    type: required('string'),
    clientAddress: required('string'),
    reason: required('string'),
    error: required('object'),
  },
  'tapline:ssh:session_ended': {
    type: required('string'),
    sessionId: required('string'),
    reason: required('string'),
    summary: optional('object'),
  },
  'tapline:ssh:error': {
    type: required('string'),
    sessionId: optional('string'),
    clientAddress: optional('string'),
    error: required('object'),
  },
};

function problems(name: ChannelName, value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const record = value as Record<string, unknown>;
  const shape = shapes[name] as Record<string, Field>;
  const found = Object.keys(record)
    .filter((key) => !(key in shape))
    .map((key) => `${key}: not in the type`);
  for (const [key, field] of Object.entries(shape)) {
    if (record[key] === undefined) {
      if (!field.optional) found.push(`${key}: missing`);
    } else if (typeof record[key] !== field.type || record[key] === null) {
      found.push(`${key}: not a ${field.type}`);
    }
  }
  if (record.type !== name.slice('tapline:ssh:'.length)) found.push(`type ${String(record.type)} on ${name}`);
  return found;
}

describe('tapline:ssh:* diagnostics channels', () => {
  it('each payload published matches its type in SshChannelMessages', async () => {
    const seen: Array<[ChannelName, unknown]> = [];
    const stops = (Object.keys(shapes) as ChannelName[]).map((name) =>
      subscribeTapline(name, (message) => {
        seen.push([name, message]);
      }),
    );
    const typed = subscribeTapline('tapline:ssh:session_started', (message) => {
      expectTypeOf(message).toEqualTypeOf<SshChannelMessages['tapline:ssh:session_started']>();
      expectTypeOf(message.sessionId).toEqualTypeOf<string>();
    });
    const fixture = await startFixture();
    try {
      const refused = await run(
        'sshpass',
        [
          '-p',
          'not-the-token',
          'ssh',
          ...fixture.sshArgs('tapline', [
            '-o',
            'PreferredAuthentications=password',
            '-o',
            'PubkeyAuthentication=no',
            '-o',
            'BatchMode=no',
            '-o',
            'NumberOfPasswordPrompts=1',
          ]),
          'true',
        ],
        { timeoutMs: 30_000 },
      );
      expect(refused.code).not.toBe(0);
      const ok = await run('ssh', [...fixture.sshArgs(), 'echo hi'], { timeoutMs: 30_000 });
      expect(ok.stdout.toString()).toBe('hi\n');
      await until(
        () => seen.some(([name]) => name === 'tapline:ssh:session_ended'),
        10_000,
        'the session end',
      );
    } finally {
      await fixture.close();
      for (const stop of [...stops, typed]) stop();
    }
    const names = new Set(seen.map(([name]) => name));
    for (const name of [
      'tapline:ssh:listening',
      'tapline:ssh:auth_failed',
      'tapline:ssh:session_started',
      'tapline:ssh:session_ended',
    ] as const) {
      expect(names.has(name), name).toBe(true);
    }
    for (const [name, message] of seen) expect(problems(name, message), name).toEqual([]);
  }, 60_000);
});
