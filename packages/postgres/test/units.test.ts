import type { QueryEvent } from '@tapline/core';
import { describe, expect, it } from 'vitest';
import {
  BackendParser,
  describeParameter,
  FrontendParser,
  QueryTracker,
  rowsOfTag,
  serialize as s,
  splitStatements,
} from '../src/index.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons only', () => {
    expect(splitStatements("select 'a;b'; select $$c;d$$; select $tag$e;$$;f$tag$")).toEqual([
      "select 'a;b'",
      'select $$c;d$$',
      'select $tag$e;$$;f$tag$',
    ]);
    expect(splitStatements('select "x;y" from t -- c;d\n; /* e; /* nested; */ f; */ select 2;;')).toEqual([
      'select "x;y" from t -- c;d',
      '/* e; /* nested; */ f; */ select 2',
    ]);
    expect(splitStatements("select E'it\\'s;' ; select 'it''s;'")).toEqual([
      "select E'it\\'s;'",
      "select 'it''s;'",
    ]);
    expect(splitStatements('select $1; select a$b$c;')).toEqual(['select $1', 'select a$b$c']);
    expect(splitStatements('  -- only a comment\n')).toEqual([]);
  });
});

describe('rowsOfTag', () => {
  it('reads the row count of the tags that state one', () => {
    expect(rowsOfTag('INSERT 0 5')).toBe(5);
    expect(rowsOfTag('SELECT 3')).toBe(3);
    expect(rowsOfTag('COPY 100')).toBe(100);
    expect(rowsOfTag('CREATE TABLE')).toBeUndefined();
    expect(rowsOfTag('BEGIN')).toBeUndefined();
  });
});

describe('describeParameter', () => {
  const options = { maxParameterChars: 8, recordBytea: false };
  it('cuts long values and keeps their length; bytea by length only; NULL', () => {
    expect(describeParameter(Buffer.from('0123456789'), 0, 25, options)).toEqual({
      format: 'text',
      type: 'text',
      value: '01234567',
      length: 10,
    });
    expect(describeParameter(Buffer.from([1, 2]), 1, 17, options)).toEqual({
      format: 'binary',
      type: 'bytea',
      length: 2,
    });
    expect(describeParameter(null, 0, 23, options)).toEqual({ format: 'text', type: 'int4', isNull: true });
  });
  it('writes binary floats and array elements as PostgreSQL prints them (checked against the server in drivers.test.ts)', () => {
    const options = { maxParameterChars: 100, recordBytea: false };
    const float = (value: number, single: boolean): string | undefined => {
      const buffer = Buffer.alloc(single ? 4 : 8);
      if (single) buffer.writeFloatBE(value);
      else buffer.writeDoubleBE(value);
      return describeParameter(buffer, 1, single ? 700 : 701, options).value;
    };
    expect(
      [1e-5, 1e-4, 1e14, 1e15, 1.5e300, -0, 0, 2.5e-7, 123456.789].map((value) => float(value, false)),
    ).toEqual([
      '1e-05',
      '0.0001',
      '100000000000000',
      '1e+15',
      '1.5e+300',
      '-0',
      '0',
      '2.5e-07',
      '123456.789',
    ]);
    expect([0.1, 123456, 1234567, 1e-4, 1e-5, -0].map((value) => float(value, true))).toEqual([
      '0.1',
      '123456',
      '1.234567e+06',
      '0.0001',
      '1e-05',
      '-0',
    ]);
    const element = Buffer.from('a\u00a0b');
    const array = Buffer.alloc(20);
    array.writeInt32BE(1, 0);
    array.writeInt32BE(25, 8);
    array.writeInt32BE(1, 12);
    array.writeInt32BE(1, 16);
    const length = Buffer.alloc(4);
    length.writeInt32BE(element.length);
    expect(describeParameter(Buffer.concat([array, length, element]), 1, 1009, options).value).toBe(
      '{a\u00a0b}',
    );
  });
  it('shows bytes that do not fit their binary type as hex instead of throwing', () => {
    expect(
      describeParameter(Buffer.from([1, 2, 3]), 1, 23, { maxParameterChars: 100, recordBytea: false }),
    ).toEqual({
      format: 'binary',
      type: 'int4',
      value: '\\x010203',
    });
  });
});

/** Replays the two directions in the order given: [side, bytes] steps, as they meet the proxy. */
function track(
  steps: Array<['client' | 'server', Buffer]>,
  options: { endsHere?: boolean } = {},
): QueryEvent[] {
  const events: QueryEvent[] = [];
  let clock = 0;
  const tracker = new QueryTracker({
    streamId: 1,
    now: () => ++clock,
    emit: (event) => events.push(event),
    maxParameterChars: 100,
    recordBytea: false,
  });
  const front = new FrontendParser();
  front.expectStartup = false;
  const back = new BackendParser();
  for (const [side, bytes] of steps) {
    if (side === 'client') front.parse(bytes, (message) => tracker.frontend(message));
    else back.parse(bytes, (message) => tracker.backend(message));
  }
  // The connection ends here (as when either side goes away mid-statement).
  if (options.endsHere) tracker.flush();
  return events;
}

describe('QueryTracker', () => {
  it('pairs a failing pipelined Execute with its error and skips to Sync', () => {
    const events = track([
      [
        'client',
        Buffer.concat([
          s.parse('', 'select 1/$1', [23]),
          s.bind('', '', ['0']),
          s.execute(''),
          s.parse('', 'select 2', []),
          s.bind('', '', []),
          s.execute(''),
          s.sync(),
          s.parse('', 'select 3', []),
          s.bind('', '', []),
          s.execute(''),
          s.sync(),
        ]),
      ],
      [
        'server',
        Buffer.concat([
          s.parseComplete(),
          s.bindComplete(),
          s.errorResponse({ S: 'ERROR', V: 'ERROR', C: '22012', M: 'division by zero' }),
          s.readyForQuery('I'),
          s.parseComplete(),
          s.bindComplete(),
          s.dataRow(['3']),
          s.commandComplete('SELECT 1'),
          s.readyForQuery('I'),
        ]),
      ],
    ]);
    expect(
      events.map((event) => [event.text, event.errorCode, event.commandTag, event.parameters?.[0]?.value]),
    ).toEqual([
      ['select 1/$1', '22012', undefined, '0'],
      ['select 3', undefined, 'SELECT 1', undefined],
    ]);
    expect(events[0]?.transactionStatus).toBe('idle');
  });

  it('gives one event per statement of a simple query, stopping at the error', () => {
    const events = track([
      ['client', s.query('begin; select 1; selec 2; select 3')],
      [
        'server',
        Buffer.concat([
          s.commandComplete('BEGIN'),
          s.rowDescription([{ name: 'x', typeOid: 23 }]),
          s.dataRow(['1']),
          s.commandComplete('SELECT 1'),
          s.errorResponse({ S: 'ERROR', V: 'ERROR', C: '42601', M: 'syntax error' }),
          s.readyForQuery('E'),
        ]),
      ],
    ]);
    expect(events.map((event) => [event.text, event.commandTag ?? event.errorCode])).toEqual([
      ['begin', 'BEGIN'],
      ['select 1', 'SELECT 1'],
      ['selec 2', '42601'],
    ]);
    expect(events.map((event) => event.transactionStatus)).toEqual([undefined, undefined, 'failed']);
    expect(new Set(events.map((event) => event.startedOffsetNs)).size).toBe(1);
  });

  it('counts COPY bytes both ways and reports notifications', () => {
    const events = track([
      ['client', s.query('copy t from stdin')],
      ['server', s.copyInResponse(0, [0])],
      [
        'client',
        Buffer.concat([s.copyData(Buffer.from('1\n2\n')), s.copyData(Buffer.from('3\n')), s.copyDone()]),
      ],
      [
        'server',
        Buffer.concat([
          s.commandComplete('COPY 3'),
          s.readyForQuery('I'),
          s.notificationResponse(9, 'jobs', 'done'),
        ]),
      ],
    ]);
    expect(events[0]).toMatchObject({ kind: 'copy_in', copyBytes: 6, rows: 3, commandTag: 'COPY 3' });
    expect(events[1]).toMatchObject({ kind: 'notification', channel: 'jobs', text: 'done' });
  });

  it('records the statement still running when the connection ends, without a tag; nothing for what had finished', () => {
    const simple = track(
      [
        ['client', s.query('select 1; select pg_sleep(30); select 3')],
        ['server', Buffer.concat([s.dataRow(['1']), s.commandComplete('SELECT 1')])],
      ],
      { endsHere: true },
    );
    expect(simple.map((event) => [event.text, event.commandTag])).toEqual([
      ['select 1', 'SELECT 1'],
      ['select pg_sleep(30)', undefined],
    ]);
    const copying = track(
      [
        ['client', s.query('copy t from stdin')],
        ['server', s.copyInResponse(0, [0])],
        ['client', s.copyData(Buffer.from('1\n2\n'))],
      ],
      { endsHere: true },
    );
    expect(copying).toEqual([
      expect.objectContaining({ kind: 'copy_in', copyBytes: 4, text: 'copy t from stdin' }),
    ]);
    expect(copying[0]?.commandTag).toBeUndefined();
    const extended = track(
      [
        [
          'client',
          Buffer.concat([s.parse('', 'select $1', [23]), s.bind('', '', ['5']), s.execute(''), s.sync()]),
        ],
        ['server', Buffer.concat([s.parseComplete(), s.bindComplete()])],
      ],
      { endsHere: true },
    );
    expect(extended).toEqual([
      expect.objectContaining({
        text: 'select $1',
        mode: 'extended',
        parameters: [{ format: 'text', type: 'int4', value: '5' }],
      }),
    ]);
    // Everything answered (ReadyForQuery still on its way, or already there): no extra event.
    const answered = track(
      [
        ['client', s.query('select 1; select 2')],
        ['server', Buffer.concat([s.commandComplete('SELECT 1'), s.commandComplete('SELECT 1')])],
      ],
      { endsHere: true },
    );
    expect(answered.map((event) => event.text)).toEqual(['select 1', 'select 2']);
    const failed = track(
      [
        ['client', s.query('selec 1; select 2')],
        ['server', s.errorResponse({ S: 'ERROR', V: 'ERROR', C: '42601', M: 'syntax error' })],
      ],
      { endsHere: true },
    );
    expect(failed.map((event) => event.errorCode)).toEqual(['42601']);
  });

  it('takes parameter types from ParameterDescription when Parse stated none', () => {
    const value = Buffer.alloc(4);
    value.writeInt32BE(7);
    const events = track([
      ['client', Buffer.concat([s.parse('q', 'select $1', []), s.describe('statement', 'q'), s.sync()])],
      [
        'server',
        Buffer.concat([s.parseComplete(), s.parameterDescription([23]), s.noData(), s.readyForQuery('I')]),
      ],
      ['client', Buffer.concat([s.bind('', 'q', [value], [1]), s.execute(''), s.sync()])],
      ['server', Buffer.concat([s.bindComplete(), s.commandComplete('SELECT 1'), s.readyForQuery('I')])],
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ statement: 'q', commandTag: 'SELECT 1' });
    expect(events[0]?.parameters).toEqual([{ format: 'binary', type: 'int4', value: '7' }]);
  });
});
