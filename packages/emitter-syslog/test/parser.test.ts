import type { MetadataEvent } from '@tapline/core';
import { arbMetadataEvent, makeMetadataEvent, splitAtEveryOffset } from '@tapline/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatSyslogMessage,
  frameOctetCounted,
  OctetFrameParser,
  parseSyslogMessage,
  SyslogErrorCode,
  type SyslogFormatOptions,
  sdName,
} from '../src/index.js';

const FORMAT: SyslogFormatOptions = {
  hostname: 'connector-1',
  appName: 'tapline',
  procId: '4242',
  facility: 13,
  enterpriseId: '32473',
  maxMessageBytes: 1024 * 1024,
};

function frames(bytes: Uint8Array[], parser = new OctetFrameParser()): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of bytes) parser.parse(chunk, (frame) => out.push(Buffer.from(frame)));
  return out;
}

describe('RFC 5424 formatting and parsing', () => {
  it('formats an event that parses back: header, both SD elements (escaped), BOM + JSON body', () => {
    const event = makeMetadataEvent('3b7a1c2e-5a5e-4c62-9a4e-2f2e8f0f4a11', 7, { quote: 'x"y]z\\' });
    const message = parseSyslogMessage(formatSyslogMessage(event, FORMAT));
    expect(message).toMatchObject({
      priority: 13 * 8 + 6,
      facility: 13,
      severity: 6,
      version: 1,
      timestamp: event.time,
      hostname: 'connector-1',
      appName: 'tapline',
      procId: '4242',
      msgId: event.type,
    });
    expect(message.structuredData['tapline@32473']).toEqual({
      id: event.id,
      type: event.type,
      version: '1',
      sessionId: event.sessionId,
      sequence: '7',
      time: event.time,
    });
    expect(message.structuredData['data@32473']).toMatchObject({
      userId: 'user-42',
      'resource.id': 'res-1',
      'counts.commands': '7',
      quote: 'x"y]z\\',
    });
    expect(JSON.parse(message.message!)).toEqual(event);
  });

  it('severity follows the event: failures are errors, alerts carry theirs', () => {
    const severity = (type: string, data: Record<string, unknown> = {}) =>
      parseSyslogMessage(
        formatSyslogMessage({ ...makeMetadataEvent('s', 0, data), type } as MetadataEvent, FORMAT),
      ).severity;
    expect(severity('recording.failed')).toBe(3);
    expect(severity('alert', { severity: 'critical' })).toBe(2);
    expect(severity('alert', { severity: 'warning' })).toBe(4);
    expect(severity('session.started')).toBe(6);
  });

  it('an oversized message drops its JSON body, then cuts values, and stays valid', () => {
    const event = makeMetadataEvent('s-1', 0, { big: 'x'.repeat(5000) });
    const small = formatSyslogMessage(event, { ...FORMAT, maxMessageBytes: 2000 });
    expect(small.byteLength).toBeLessThanOrEqual(2000);
    const parsed = parseSyslogMessage(small);
    expect(parsed.message).toBeNull();
    expect(parsed.structuredData['data@32473']).toMatchObject({ truncated: 'true' });
    const tiny = formatSyslogMessage(event, { ...FORMAT, maxMessageBytes: 300 });
    expect(parseSyslogMessage(tiny).structuredData['tapline@32473']!.id).toBe(event.id);
  });

  it('long or odd SD names become valid ones', () => {
    expect(sdName('counts.bytesClientToTarget')).toBe('counts.bytesClientToTarget');
    const long = sdName('recording.storage.0.location.and.more.segments');
    expect(long).toHaveLength(32);
    expect(sdName('a b=c"d]')).toBe('a_b_c_d_');
  });

  it('rejects garbage, truncated and malformed messages with a coded error', () => {
    const good = formatSyslogMessage(makeMetadataEvent('s-1', 0), FORMAT).toString();
    for (const bad of [
      '',
      'hello',
      '<>1 - - - - - -',
      '<192>1 - - - - - -',
      '<13>x - - - - - -',
      '<13>1 - - - - -',
      '<13>1 - - - - - [a b]',
      '<13>1 - - - - - [a b="c]',
      '<13>1 - - - - - [a@1 x="1"][a@1 y="2"]',
      '<13>1 - - - - - nope',
      good.slice(0, good.indexOf(']')),
    ]) {
      expect(() => parseSyslogMessage(bad), bad).toThrowError(
        expect.objectContaining({ code: SyslogErrorCode.MALFORMED }),
      );
    }
    expect(parseSyslogMessage('<13>1 - - - - - -')).toMatchObject({ message: null, hostname: null });
  });
});

describe('octet-counted framing', () => {
  const messages = [0, 1, 2].map((i) => formatSyslogMessage(makeMetadataEvent('s-1', i, { i }), FORMAT));
  const stream = Buffer.concat(messages.map(frameOctetCounted));

  it('re-reads the same frames split at every offset', () => {
    const expected = messages.map((message) => message.toString('latin1')).join('|');
    let checked = 0;
    for (const parts of splitAtEveryOffset(stream)) {
      const got = frames(parts)
        .map((frame) => frame.toString('latin1'))
        .join('|');
      if (got !== expected) expect(got).toBe(expected);
      checked++;
    }
    expect(checked).toBe(stream.length + 1);
  });

  it('refuses an oversized length before buffering, and garbage lengths', () => {
    expect(() =>
      frames([Buffer.from('99999999999 x')], new OctetFrameParser({ maxMessageBytes: 1000 })),
    ).toThrowError(expect.objectContaining({ code: SyslogErrorCode.FRAME_TOO_LARGE }));
    for (const bad of ['0 x', ' 1 x', 'a1 x', '12x']) {
      expect(() => frames([Buffer.from(bad)]), bad).toThrowError(
        expect.objectContaining({ code: SyslogErrorCode.MALFORMED }),
      );
    }
  });

  it('a truncated stream yields the whole frames and is not idle', () => {
    const parser = new OctetFrameParser();
    const cut = stream.subarray(0, stream.length - 5);
    expect(frames([cut], parser)).toEqual(messages.slice(0, 2));
    expect(parser.idle).toBe(false);
  });

  it('fuzz: arbitrary events round-trip; arbitrary bytes never crash with anything but a coded error', () => {
    fc.assert(
      fc.property(fc.array(arbMetadataEvent(), { minLength: 1, maxLength: 4 }), fc.nat(), (events, seed) => {
        const bytes = Buffer.concat(
          events.map((event) => frameOctetCounted(formatSyslogMessage(event, FORMAT))),
        );
        const cut = 1 + (seed % bytes.length);
        const out = frames([bytes.subarray(0, cut), bytes.subarray(cut)]);
        expect(out.map((frame) => JSON.parse(parseSyslogMessage(frame).message!))).toEqual(
          events.map((event) => JSON.parse(JSON.stringify(event))),
        );
      }),
      { numRuns: 200, seed: 17 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const run of [() => frames([bytes]), () => parseSyslogMessage(bytes)]) {
          try {
            run();
          } catch (error) {
            expect(Object.values(SyslogErrorCode)).toContain((error as { code?: string }).code);
          }
        }
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});
