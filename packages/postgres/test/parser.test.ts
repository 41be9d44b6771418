import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BackendParser, FrontendParser, PostgresErrorCode, serialize as s } from '../src/index.js';

const frontendMessages = (): Buffer[] => [
  s.startupMessage({ user: 'alice', database: 'app', application_name: 'psql' }),
  s.query('select 1; select $$a;b$$'),
  s.parse('s1', 'select $1::int, $2', [23, 0]),
  s.bind('p1', 's1', ['42', null, Buffer.from([1, 2, 3])], [0, 0, 1], [1]),
  s.describe('statement', 's1'),
  s.describe('portal', ''),
  s.execute('p1', 10),
  s.close('portal', 'p1'),
  s.flush(),
  s.sync(),
  s.copyData(Buffer.alloc(1000, 7)),
  s.copyDone(),
  s.copyFail('client gave up'),
  s.passwordMessage('token-123'),
  s.terminate(),
];

const backendMessages = (): Buffer[] => [
  s.authenticationOk(),
  s.authenticationCleartextPassword(),
  s.authenticationMD5Password(Buffer.from([1, 2, 3, 4])),
  s.authenticationSASL(['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS']),
  s.authenticationSASLContinue(Buffer.from('r=abc,s=c2FsdA==,i=4096')),
  s.authenticationSASLFinal(Buffer.from('v=xyz')),
  s.parameterStatus('server_version', '15.10'),
  s.backendKeyData(1234, -5678),
  s.readyForQuery('T'),
  s.rowDescription([
    { name: 'id', typeOid: 23 },
    { name: 'name', typeOid: 25, format: 1 },
  ]),
  s.parameterDescription([23, 25, 3802]),
  s.dataRow(['1', null, 'x'.repeat(300)]),
  s.commandComplete('SELECT 1'),
  s.emptyQueryResponse(),
  s.errorResponse({ S: 'ERROR', V: 'ERROR', C: '42601', M: 'syntax error at or near "selec"' }),
  s.noticeResponse({ S: 'NOTICE', C: '00000', M: 'hello' }),
  s.copyInResponse(0, [0, 0]),
  s.copyOutResponse(1, [1]),
  s.backendCopyData(Buffer.alloc(500, 1)),
  s.backendCopyDone(),
  s.notificationResponse(77, 'jobs', 'payload'),
  s.parseComplete(),
  s.bindComplete(),
  s.closeComplete(),
  s.noData(),
  s.portalSuspended(),
];

function collect<M>(
  parser: { parse(chunk: Uint8Array, cb: (m: M) => void): void },
  chunks: Uint8Array[],
): M[] {
  const out: M[] = [];
  for (const chunk of chunks) parser.parse(chunk, (message) => out.push(message));
  return out;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('parsers', () => {
  it('decode every frontend message', () => {
    const all = Buffer.concat(frontendMessages());
    const messages = collect(new FrontendParser(), [all]);
    expect(messages.map((m) => m.name)).toEqual([
      'startup',
      'query',
      'parse',
      'bind',
      'describe',
      'describe',
      'execute',
      'close',
      'flush',
      'sync',
      'copyData',
      'copyDone',
      'copyFail',
      'password',
      'terminate',
    ]);
    expect(messages[0]).toMatchObject({ parameters: { user: 'alice', database: 'app' } });
    expect(messages[2]).toEqual({
      name: 'parse',
      statement: 's1',
      text: 'select $1::int, $2',
      parameterTypes: [23, 0],
    });
    const bind = messages[3] as Extract<(typeof messages)[number], { name: 'bind' }>;
    expect(bind.parameterFormats).toEqual([0, 0, 1]);
    expect(bind.parameters.map((p) => (p === null ? null : Buffer.from(p).toString('hex')))).toEqual([
      '3432',
      null,
      '010203',
    ]);
    expect(messages[10]).toEqual({ name: 'copyData', length: 1000 });
  });

  it('decode every backend message', () => {
    const messages = collect(new BackendParser(), [Buffer.concat(backendMessages())]);
    expect(messages).toHaveLength(backendMessages().length);
    expect(messages[3]).toEqual({
      name: 'authenticationSASL',
      mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-256-PLUS'],
    });
    expect(messages[7]).toEqual({ name: 'backendKeyData', processId: 1234, secretKey: -5678 });
    expect(messages[11]).toEqual({ name: 'dataRow', length: 2 + (4 + 1) + 4 + (4 + 300) });
    expect(messages[14]).toMatchObject({ name: 'errorResponse', fields: { C: '42601', S: 'ERROR' } });
    expect(messages[20]).toEqual({
      name: 'notificationResponse',
      processId: 77,
      channel: 'jobs',
      payload: 'payload',
    });
  });

  it('give the same messages when the bytes are split at every offset (and byte by byte)', () => {
    const sides: Array<[() => { parse(chunk: Uint8Array, cb: (m: unknown) => void): void }, () => Buffer[]]> =
      [
        [() => new FrontendParser(), frontendMessages],
        [() => new BackendParser(), backendMessages],
      ];
    for (const [make, build] of sides) {
      const all = Buffer.concat(build());
      const whole = collect(make(), [all]);
      for (let at = 0; at <= all.length; at++) {
        expect(collect(make(), [all.subarray(0, at), all.subarray(at)])).toEqual(whole);
      }
      const bytes = [...all].map((byte) => Buffer.from([byte]));
      expect(collect(make(), bytes)).toEqual(whole);
    }
  });

  it('views the chunk when a message lies inside it (no copy)', () => {
    const chunk = Buffer.concat([s.startupMessage({ user: 'a' }), s.bind('', '', ['hello'])]);
    const frames: Uint8Array[] = [];
    new FrontendParser().parse(chunk, (_message, frame) => frames.push(frame as Uint8Array));
    expect(frames[1]?.buffer).toBe(chunk.buffer);
  });

  it('holds a truncated message until the rest arrives, and reports it is mid-message', () => {
    const parser = new BackendParser();
    const bytes = s.commandComplete('INSERT 0 1');
    const out = collect(parser, [bytes.subarray(0, bytes.length - 1)]);
    expect(out).toEqual([]);
    expect(parser.atBoundary).toBe(false);
    expect(collect(parser, [bytes.subarray(bytes.length - 1)])).toEqual([
      { name: 'commandComplete', tag: 'INSERT 0 1' },
    ]);
    expect(parser.atBoundary).toBe(true);
  });

  it('refuses a message over maxMessageBytes with a coded error, but skips large DataRow/CopyData', () => {
    const parser = new FrontendParser({ maxMessageBytes: 100 });
    parser.expectStartup = false;
    expect(codeOf(() => parser.parse(s.query('x'.repeat(200)), () => {}))).toBe(
      PostgresErrorCode.MESSAGE_TOO_LARGE,
    );
    // The parser stays failed.
    expect(codeOf(() => parser.parse(s.sync(), () => {}))).toBe(PostgresErrorCode.MESSAGE_TOO_LARGE);
    const backend = new BackendParser({ maxMessageBytes: 100 });
    const big = s.dataRow(['y'.repeat(10_000)]);
    const out = collect(backend, [
      big.subarray(0, 10),
      big.subarray(10, 5000),
      big.subarray(5000),
      s.sync().subarray(0, 0),
    ]);
    expect(out).toEqual([{ name: 'dataRow', length: big.length - 5 }]);
    expect(codeOf(() => new FrontendParser().parse(Buffer.from([0, 0, 0x40, 0, 0, 3, 0, 0]), () => {}))).toBe(
      PostgresErrorCode.MESSAGE_TOO_LARGE,
    );
  });

  it('reports garbage with coded errors', () => {
    const frontend = (): FrontendParser => {
      const parser = new FrontendParser();
      parser.expectStartup = false;
      return parser;
    };
    expect(codeOf(() => frontend().parse(Buffer.from('GET / HTTP/1.1\r\n'), () => {}))).toBe(
      PostgresErrorCode.PROTOCOL,
    );
    expect(codeOf(() => frontend().parse(Buffer.from([0x51, 0, 0, 0, 2]), () => {}))).toBe(
      PostgresErrorCode.PROTOCOL,
    );
    // Query without its terminating zero.
    expect(codeOf(() => frontend().parse(Buffer.from([0x51, 0, 0, 0, 5, 0x61]), () => {}))).toBe(
      PostgresErrorCode.PROTOCOL,
    );
    // Protocol 2.0 startup.
    expect(codeOf(() => new FrontendParser().parse(Buffer.from([0, 0, 0, 8, 0, 2, 0, 0]), () => {}))).toBe(
      PostgresErrorCode.UNSUPPORTED,
    );
    expect(codeOf(() => new BackendParser().parse(Buffer.from([0x5a, 0, 0, 0, 5, 0x51]), () => {}))).toBe(
      PostgresErrorCode.PROTOCOL,
    );
    // A Bind whose parameter count overruns the message.
    const bind = s.bind('', '', ['a']);
    bind.writeInt16BE(1000, 5 + 1 + 1 + 2);
    expect(codeOf(() => frontend().parse(bind, () => {}))).toBe(PostgresErrorCode.PROTOCOL);
  });

  it('never throws anything but a coded error on random bytes (fuzz)', () => {
    const known = new Set<string>(Object.values(PostgresErrorCode));
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        (chunks, backend, startup) => {
          const parser = backend
            ? new BackendParser({ maxMessageBytes: 4096 })
            : new FrontendParser({ maxMessageBytes: 4096 });
          if (!backend) (parser as FrontendParser).expectStartup = startup;
          try {
            for (const chunk of chunks) parser.parse(chunk, () => {});
          } catch (error) {
            expect(known.has((error as { code: string }).code)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('fuzz: valid streams mutated by one byte still give only coded errors, and unmutated ones round-trip whatever the split', () => {
    const all = Buffer.concat(backendMessages());
    const whole = collect(new BackendParser(), [all]);
    fc.assert(
      fc.property(
        fc.array(fc.nat(all.length), { maxLength: 6 }),
        fc.nat(all.length - 1),
        fc.integer({ min: 0, max: 255 }),
        (cuts, at, byte) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let previous = 0;
          for (const point of points) {
            chunks.push(all.subarray(previous, point));
            previous = point;
          }
          chunks.push(all.subarray(previous));
          expect(collect(new BackendParser(), chunks)).toEqual(whole);
          const mutated = Buffer.from(all);
          mutated[at] = byte;
          try {
            collect(new BackendParser(), [mutated]);
          } catch (error) {
            expect((error as { code?: string }).code).toMatch(/^TAPLINE_ERR_POSTGRES_/);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
