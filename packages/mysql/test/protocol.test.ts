import { TaplineError } from '@tapline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cachingSha2Scramble, nativePasswordScramble, verifyNativePassword } from '../src/auth.js';
import { MySqlErrorCode } from '../src/errors.js';
import { decodeExecuteParameters, FieldType } from '../src/params.js';
import {
  Capability,
  decodeAuthMoreData,
  decodeAuthSwitchRequest,
  decodeCommand,
  decodeEof,
  decodeErr,
  decodeHandshakeResponse41,
  decodeHandshakeV10,
  decodeOk,
  decodeSslRequest,
  decodeStmtPrepareOk,
  encodeAuthMoreData,
  encodeAuthSwitchRequest,
  encodeEof,
  encodeErr,
  encodeHandshakeResponse41,
  encodeHandshakeV10,
  encodeOk,
  encodeSslRequest,
  isSslRequest,
  ServerStatus,
} from '../src/protocol.js';
import { PayloadWriter } from '../src/reader.js';
import { ResponseTracker } from '../src/response.js';

const caps =
  Capability.PROTOCOL_41 |
  Capability.SECURE_CONNECTION |
  Capability.PLUGIN_AUTH |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA |
  Capability.CONNECT_WITH_DB |
  Capability.CONNECT_ATTRS |
  Capability.DEPRECATE_EOF |
  Capability.SSL;

const handshake = encodeHandshakeV10({
  serverVersion: '8.0.99-tapline',
  connectionId: 42,
  authPluginData: Buffer.from('abcdefghijklmnopqrst'),
  capabilities: caps,
  characterSet: 45,
  statusFlags: 2,
  authPluginName: 'caching_sha2_password',
});
const response = encodeHandshakeResponse41({
  capabilities: caps,
  maxPacketSize: 1 << 24,
  characterSet: 45,
  user: 'alice',
  authResponse: Buffer.from('token-scramble'),
  database: 'shop',
  authPluginName: 'caching_sha2_password',
  attributes: { _client_name: 'test' },
});
const ssl = encodeSslRequest({ capabilities: caps, maxPacketSize: 1 << 24, characterSet: 45 });

type Decoder = (payload: Buffer) => unknown;
const decoders: Array<[string, Decoder, Buffer]> = [
  ['HandshakeV10', decodeHandshakeV10, handshake],
  ['HandshakeResponse41', decodeHandshakeResponse41, response],
  ['SSLRequest', decodeSslRequest, ssl],
  [
    'AuthSwitchRequest',
    decodeAuthSwitchRequest,
    encodeAuthSwitchRequest({ pluginName: 'mysql_native_password', pluginData: Buffer.from('x'.repeat(20)) }),
  ],
  ['AuthMoreData', decodeAuthMoreData, encodeAuthMoreData(Buffer.of(4))],
  [
    'OK',
    (payload) => decodeOk(payload, caps),
    encodeOk({ affectedRows: 300, lastInsertId: 70000, warnings: 1 }),
  ],
  ['ERR', decodeErr, encodeErr({ code: 1045, sqlState: '28000', message: 'Access denied' })],
  ['EOF', decodeEof, encodeEof({ warnings: 2, statusFlags: 8 })],
  ['PREPARE_OK', decodeStmtPrepareOk, Buffer.from([0, 1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0])],
];

describe('connection-phase and generic packets', () => {
  it('round-trips the handshake, the response and the SSL request', () => {
    const greeting = decodeHandshakeV10(handshake);
    expect(greeting).toMatchObject({
      serverVersion: '8.0.99-tapline',
      connectionId: 42,
      authPluginName: 'caching_sha2_password',
      capabilities: caps,
    });
    expect(greeting.authPluginData.toString()).toBe('abcdefghijklmnopqrst');
    expect(decodeHandshakeResponse41(response)).toMatchObject({
      user: 'alice',
      database: 'shop',
      authPluginName: 'caching_sha2_password',
      attributes: { _client_name: 'test' },
    });
    expect(decodeHandshakeResponse41(response).authResponse.toString()).toBe('token-scramble');
    expect(isSslRequest(ssl)).toBe(true);
    expect(isSslRequest(response)).toBe(false);
  });

  it('decodes OK, ERR, EOF, auth switch and prepare OK', () => {
    expect(decodeOk(encodeOk({ affectedRows: 300, lastInsertId: 70000, warnings: 1 }), caps)).toMatchObject({
      affectedRows: 300,
      lastInsertId: 70000,
      warnings: 1,
    });
    expect(decodeErr(encodeErr({ code: 1045, sqlState: '28000', message: 'Access denied' }))).toEqual({
      code: 1045,
      sqlState: '28000',
      message: 'Access denied',
    });
    expect(decodeEof(encodeEof({ warnings: 2, statusFlags: 8 }))).toEqual({ warnings: 2, statusFlags: 8 });
    expect(decodeStmtPrepareOk(Buffer.from([0, 1, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0]))).toEqual({
      statementId: 1,
      columnCount: 2,
      paramCount: 3,
      warnings: 0,
    });
  });

  it('throws TAPLINE_ERR_MYSQL_PROTOCOL for every truncation', () => {
    for (const [name, decode, payload] of decoders) {
      for (let length = 0; length < payload.length; length++) {
        try {
          decode(payload.subarray(0, length));
        } catch (error) {
          expect(error, `${name} cut at ${length}`).toBeInstanceOf(TaplineError);
          expect((error as TaplineError).code).toBe(MySqlErrorCode.PROTOCOL);
        }
      }
    }
    expect(() => decodeHandshakeV10(handshake.subarray(0, 10))).toThrow(TaplineError);
    expect(() => decodeOk(Buffer.of(0))).toThrow(TaplineError);
  });

  it('fuzz: garbage into every decoder gives a value or a coded error, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const payload = Buffer.from(bytes);
        for (const [, decode] of [
          ...decoders,
          ['command', decodeCommand, Buffer.alloc(0)] as [string, Decoder, Buffer],
        ]) {
          try {
            decode(payload);
          } catch (error) {
            expect(error).toBeInstanceOf(TaplineError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('commands', () => {
  it('decodes COM_QUERY, COM_INIT_DB, COM_STMT_*, COM_PROCESS_KILL, COM_CHANGE_USER', () => {
    expect(decodeCommand(Buffer.from('\x03SELECT 1'))).toEqual({ name: 'query', sql: 'SELECT 1' });
    expect(decodeCommand(Buffer.from('\x02shop'))).toEqual({ name: 'init_db', database: 'shop' });
    expect(decodeCommand(Buffer.of(0x0e))).toEqual({ name: 'ping' });
    expect(decodeCommand(Buffer.of(0x01))).toEqual({ name: 'quit' });
    expect(decodeCommand(Buffer.of(0x19, 7, 0, 0, 0))).toEqual({ name: 'stmt_close', statementId: 7 });
    expect(decodeCommand(Buffer.of(0x1a, 7, 0, 0, 0))).toEqual({ name: 'stmt_reset', statementId: 7 });
    expect(decodeCommand(Buffer.of(0x18, 7, 0, 0, 0, 1, 0, 65, 66, 67))).toEqual({
      name: 'stmt_send_long_data',
      statementId: 7,
      paramId: 1,
      length: 3,
    });
    expect(decodeCommand(Buffer.of(0x0c, 0x10, 0, 0, 0))).toEqual({ name: 'process_kill', connectionId: 16 });
    expect(decodeCommand(Buffer.from('\x11bob\x00rest'))).toEqual({ name: 'change_user', user: 'bob' });
    expect(decodeCommand(Buffer.from('\x16SELECT ?'))).toEqual({ name: 'stmt_prepare', sql: 'SELECT ?' });
    expect(decodeCommand(Buffer.of(0x17, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0xaa))).toMatchObject({
      name: 'stmt_execute',
      statementId: 1,
      iterations: 1,
    });
  });

  it('decodes binary parameters of every type, NULLs, long data and reused types', () => {
    const types: Array<[number, number]> = [
      [FieldType.TINY, 0],
      [FieldType.TINY, 0x80],
      [FieldType.SHORT, 0],
      [FieldType.LONG, 0],
      [FieldType.INT24, 0],
      [FieldType.LONGLONG, 0],
      [FieldType.LONGLONG, 0x80],
      [FieldType.FLOAT, 0],
      [FieldType.DOUBLE, 0],
      [FieldType.YEAR, 0],
      [FieldType.DATE, 0],
      [FieldType.DATETIME, 0],
      [FieldType.TIMESTAMP, 0],
      [FieldType.TIME, 0],
      [FieldType.VAR_STRING, 0],
      [FieldType.BLOB, 0],
      [FieldType.NEWDECIMAL, 0],
      [FieldType.NULL, 0],
      [FieldType.STRING, 0],
      [FieldType.BLOB, 0],
    ];
    const values = new PayloadWriter()
      .u8(0xff)
      .u8(0xff)
      .u16(0xfffe)
      .u32(0xffffffff)
      .u32(70000)
      .bytes(Buffer.from('0000000000000080', 'hex')) // -2^63
      .bytes(Buffer.from('ffffffffffffffff', 'hex')) // 2^64 - 1
      .bytes(
        (() => {
          const b = Buffer.alloc(4);
          b.writeFloatLE(1.5);
          return b;
        })(),
      )
      .bytes(
        (() => {
          const b = Buffer.alloc(8);
          b.writeDoubleLE(-0.25);
          return b;
        })(),
      )
      .u16(2024)
      .u8(4)
      .u16(2024)
      .u8(2)
      .u8(29)
      .u8(11)
      .u16(2024)
      .u8(2)
      .u8(29)
      .u8(13)
      .u8(5)
      .u8(9)
      .u32(120)
      .u8(0)
      .u8(12)
      .u8(1)
      .u32(1)
      .u8(2)
      .u8(3)
      .u8(4)
      .u32(5)
      .lenencBytes('héllo')
      .lenencBytes(Buffer.from([0xff, 0xfe]))
      .lenencBytes('12.50')
      // NULL type: no bytes; STRING is NULL by the bitmap; BLOB at index 19 is long data.
      .build();
    const paramCount = types.length;
    const bitmap = Buffer.alloc(3);
    bitmap[18 >> 3]! |= 1 << (18 & 7);
    const body = Buffer.concat([bitmap, Buffer.of(1), Buffer.from(types.flat()), values]);
    const { parameters, types: bound } = decodeExecuteParameters(
      body,
      paramCount,
      undefined,
      new Map([[19, 5000]]),
    );
    expect(
      parameters.map((parameter) => parameter.value ?? (parameter.isNull ? 'NULL' : `<${parameter.length}>`)),
    ).toEqual([
      '-1',
      '255',
      '-2',
      '-1',
      '70000',
      '-9223372036854775808',
      '18446744073709551615',
      '1.5',
      '-0.25',
      '2024',
      '2024-02-29',
      '2024-02-29 13:05:09.000120',
      '0000-00-00 00:00:00',
      '-26:03:04.000005',
      'héllo',
      '<2>',
      '12.50',
      'NULL',
      'NULL',
      '<5000>',
    ]);
    expect(parameters[1]!.type).toBe('TINY UNSIGNED');
    expect(parameters[19]!.longData).toBe(true);
    // Next execute reuses the bound types (flag 0).
    const again = decodeExecuteParameters(
      Buffer.concat([Buffer.alloc(3, 0xff), Buffer.of(0)]),
      paramCount,
      bound,
    );
    expect(again.parameters.every((parameter) => parameter.isNull)).toBe(true);
    expect(() =>
      decodeExecuteParameters(Buffer.concat([Buffer.alloc(3), Buffer.of(0)]), paramCount, undefined),
    ).toThrow(TaplineError);
    for (let length = 0; length < body.length; length++) {
      try {
        decodeExecuteParameters(body.subarray(0, length), paramCount, undefined, new Map([[19, 5000]]));
      } catch (error) {
        expect((error as TaplineError).code).toBe(MySqlErrorCode.PROTOCOL);
      }
    }
  });

  it('fuzz: garbage execute bodies give parameters or a coded error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 0, max: 12 }), (bytes, count) => {
        try {
          decodeExecuteParameters(Buffer.from(bytes), count, undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(TaplineError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('ResponseTracker', () => {
  const column = Buffer.from(
    '\x03def\x00\x00\x00\x01a\x00\x0c\x3f\x00\x01\x00\x00\x00\x08\x81\x00\x00\x00\x00',
    'latin1',
  );
  const row = Buffer.from('\x011', 'latin1');
  const okMore = encodeOk({ affectedRows: 2, statusFlags: ServerStatus.MORE_RESULTS_EXISTS });

  function run(deprecateEof: boolean, packets: Buffer[], shape: 'results' | 'prepare' = 'results') {
    const tracker = new ResponseTracker(caps, deprecateEof);
    tracker.begin(shape);
    const outcomes = packets
      .map((packet) => tracker.packet(packet))
      .filter((outcome) => outcome !== undefined);
    return { outcomes, busy: tracker.busy };
  }

  it('frames a multi-result response: OK, a classic result set, an ERR', () => {
    const rowsEnd = encodeEof({ statusFlags: ServerStatus.MORE_RESULTS_EXISTS });
    const { outcomes, busy } = run(false, [
      okMore,
      Buffer.of(1),
      column,
      encodeEof(),
      row,
      row,
      row,
      rowsEnd,
      encodeErr({ code: 1146, sqlState: '42S02', message: "Table 'x' doesn't exist" }),
    ]);
    expect(busy).toBe(false);
    expect(outcomes).toMatchObject([
      { type: 'result', ok: { affectedRows: 2 }, more: true },
      { type: 'result', rows: 3, columns: 1, more: true },
      { type: 'result', err: { code: 1146, sqlState: '42S02' }, more: false },
    ]);
  });

  it('frames a result set under CLIENT_DEPRECATE_EOF (OK with 0xFE ends the rows)', () => {
    const end = Buffer.from(encodeOk({ warnings: 1 }));
    end[0] = 0xfe;
    const { outcomes, busy } = run(true, [Buffer.of(1), column, row, row, end]);
    expect(busy).toBe(false);
    expect(outcomes).toMatchObject([{ type: 'result', rows: 2, warnings: 1, more: false }]);
  });

  it('frames a prepare response with and without EOFs', () => {
    const prepareOk = Buffer.from([0, 9, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0]);
    expect(run(false, [prepareOk, column, column, encodeEof(), column, encodeEof()], 'prepare').busy).toBe(
      false,
    );
    const deprecated = run(true, [prepareOk, column, column, column], 'prepare');
    expect(deprecated.busy).toBe(false);
    expect(deprecated.outcomes.at(-1)).toMatchObject({
      type: 'prepare',
      done: true,
      prepareOk: { statementId: 9, paramCount: 2 },
    });
  });

  it('split at every packet boundary is the packet stream itself; fuzz: garbage never crashes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 12 }),
        fc.boolean(),
        (packets, deprecateEof) => {
          const tracker = new ResponseTracker(caps, deprecateEof);
          tracker.begin('results');
          try {
            for (const packet of packets) tracker.packet(Buffer.from(packet));
          } catch (error) {
            expect(error).toBeInstanceOf(TaplineError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('scrambles', () => {
  it('computes mysql_native_password and caching_sha2_password scrambles', () => {
    const nonce = Buffer.from('01234567890123456789');
    // Reference values computed with MySQL's documented formulas.
    expect(nativePasswordScramble('secret', nonce)).toHaveLength(20);
    expect(cachingSha2Scramble('secret', nonce)).toHaveLength(32);
    expect(verifyNativePassword('secret', nonce, nativePasswordScramble('secret', nonce))).toBe(true);
    expect(verifyNativePassword('other', nonce, nativePasswordScramble('secret', nonce))).toBe(false);
    expect(nativePasswordScramble('', nonce)).toHaveLength(0);
  });
});
