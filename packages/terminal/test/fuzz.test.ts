// Property tests: arbitrary bytes never throw, output cut anywhere gives the
// same events, and typed text that the screen never showed never comes out.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createCommandExtractor, extractCommands, type TerminalStreamEvent } from '../src/index.js';
import { splitEvent } from './builder.js';

const encoder = new TextEncoder();

const OUTPUT_TOKENS = [
  '\x1b[?2004h',
  '\x1b[?2004l',
  '\x1b[?1049h',
  '\x1b[?1049l',
  '\x1b[?1049;2004h',
  '\r',
  '\n',
  '\r\n',
  'tap$ ',
  'ls -l',
  'x'.repeat(50),
  '\b',
  '\x1b[K',
  '\x1b[A',
  '\x1b[D',
  '\x1b[3P',
  '\x1b[2J',
  '\x1b[H',
  '\x1b]0;title\x07',
  'é',
  '日本',
];
const INPUT_TOKENS = [
  'a',
  'ls',
  '\r',
  '\n',
  '\r\n',
  '\x7f',
  '\x03',
  '\x15',
  '\x17',
  '\x1b[A',
  '\x1b[D',
  '\x1b[200~',
  '\x1b[201~',
];

const bytesFrom = (tokens: string[]) =>
  fc.oneof(
    fc
      .array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 12 })
      .map((parts) => encoder.encode(parts.join(''))),
    fc.uint8Array({ minLength: 1, maxLength: 80 }),
  );

const streamEvent: fc.Arbitrary<TerminalStreamEvent> = fc.oneof(
  {
    weight: 5,
    arbitrary: bytesFrom(OUTPUT_TOKENS).map((bytes) => ({ kind: 'output' as const, bytes, offsetNs: 0 })),
  },
  {
    weight: 3,
    arbitrary: bytesFrom(INPUT_TOKENS).map((bytes) => ({ kind: 'input' as const, bytes, offsetNs: 0 })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -5, max: 300 }), fc.integer({ min: -5, max: 120 }))
      .map(([cols, rows]) => ({ kind: 'resize' as const, cols, rows, offsetNs: 0 })),
  },
);

/** Offsets that increase, as a recording's do. */
const stream = fc
  .array(streamEvent, { maxLength: 40 })
  .map((events) => events.map((event, index) => ({ ...event, offsetNs: (index + 1) * 1000 })));

test('arbitrary streams never throw and give well-formed events', async () => {
  await fc.assert(
    fc.asyncProperty(stream, fc.integer({ min: 1, max: 200 }), async (events, cols) => {
      const result = await extractCommands(events, { cols, rows: 10, scrollback: 20 });
      for (const event of result) {
        expect(['command', 'fullscreen']).toContain(event.kind);
        expect(Number.isFinite(event.startedOffsetNs)).toBe(true);
        if (event.kind === 'command') expect(event.text.trim()).toBe(event.text);
      }
    }),
    { numRuns: 150 },
  );
});

test('cutting any output chunk anywhere gives the same events', async () => {
  await fc.assert(
    fc.asyncProperty(stream, fc.nat(), fc.nat(), async (events, pick, cut) => {
      const outputs = events.flatMap((event, index) => (event.kind === 'output' ? [index] : []));
      fc.pre(outputs.length > 0);
      const index = outputs[pick % outputs.length]!;
      const event = events[index] as { bytes: Uint8Array };
      const at = cut % (event.bytes.length + 1);
      const whole = await extractCommands(events, { cols: 40, rows: 8 });
      expect(await extractCommands(splitEvent(events, index, at), { cols: 40, rows: 8 })).toEqual(whole);
    }),
    { numRuns: 150 },
  );
});

test('live (queued without waiting) equals offline on arbitrary streams', async () => {
  await fc.assert(
    fc.asyncProperty(stream, async (events) => {
      const live = createCommandExtractor({ cols: 40, rows: 8 });
      for (const event of events) {
        if (event.kind === 'output') live.output(event.bytes, event.offsetNs);
        else if (event.kind === 'input') live.input(event.bytes, event.offsetNs);
        else live.resize(event.cols, event.rows, event.offsetNs);
      }
      const endNs = events.at(-1)?.offsetNs ?? 0;
      expect(await live.end(endNs)).toEqual(
        await extractCommands(events, { cols: 40, rows: 8, endedOffsetNs: endNs }),
      );
    }),
    { numRuns: 100 },
  );
});

test('control: the same secret echoed on the screen does come out (the property above has teeth)', async () => {
  const shown = [
    { kind: 'output' as const, bytes: encoder.encode('TAP$ '), offsetNs: 1 },
    { kind: 'input' as const, bytes: encoder.encode('qzsecretqz'), offsetNs: 2 },
    { kind: 'output' as const, bytes: encoder.encode('qzsecretqz'), offsetNs: 3 },
    { kind: 'input' as const, bytes: encoder.encode('\r'), offsetNs: 4 },
  ];
  expect(JSON.stringify(await extractCommands(shown))).toMatch(/qzsecretqz/);
});

test('a secret that is typed but never shown on the screen never comes out', async () => {
  // Output from an alphabet without lower-case letters; the secret is lower-case only.
  const shownTokens = OUTPUT_TOKENS.map((token) => token.toUpperCase());
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.array(fc.constantFrom(...shownTokens), { minLength: 1, maxLength: 8 }).map((parts) => ({
            kind: 'output' as const,
            bytes: encoder.encode(parts.join('')),
            offsetNs: 0,
          })),
          fc
            .constantFrom('\r', '\x1b[A', 'a', '\x03')
            .map((keys) => ({ kind: 'input' as const, bytes: encoder.encode(keys), offsetNs: 0 })),
          fc.constant({ kind: 'input' as const, bytes: encoder.encode('qzsecretqz'), offsetNs: 0 }),
        ),
        { maxLength: 30 },
      ),
      async (events) => {
        const stamped = events.map((event, index) => ({ ...event, offsetNs: index + 1 }));
        const result = await extractCommands(stamped, { cols: 30, rows: 6 });
        expect(JSON.stringify(result)).not.toMatch(/qz|secret/);
      },
    ),
    { numRuns: 150 },
  );
});
