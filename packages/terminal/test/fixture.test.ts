// A bash session captured from a real pty (by `TAPLINE_RECORD_FIXTURE=1
// vitest run packages/terminal/test/bash.test.ts`), replayed deterministically.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { createCommandExtractor, extractCommands, type TerminalStreamEvent } from '../src/index.js';
import { directionText, type RecordedTrace, streamEvents } from './pty.js';

const trace = JSON.parse(
  readFileSync(new URL('./fixtures/bash-session.json', import.meta.url), 'utf8'),
) as RecordedTrace & {
  fullscreen: string;
};
const events = streamEvents(trace);
const endNs = events.at(-1)!.offsetNs;
const options = { cols: trace.cols, rows: trace.rows };

/** Bash's length of $pw: proves `read -s` really got the password. */
const BASH_LENGTH_OF_PW = ['echo len-$', '{#pw}'].join('');
const EXPECTED = [
  'echo plain',
  'echo hello',
  'echo after-ctrl-u',
  'echo one three',
  'echo world',
  'echo world',
  'cat uniquefilename.txt',
  `echo ${'x'.repeat(150)}`,
  "read -s -p 'Password: ' pw",
  BASH_LENGTH_OF_PW,
  'echo next',
  'echo hello',
  `[fullscreen ${trace.fullscreen}] ${trace.fullscreen} notes.txt`,
  'echo after-clear',
];

function describeEvents(list: Awaited<ReturnType<typeof extractCommands>>): string[] {
  return list.map((event) =>
    event.kind === 'command'
      ? event.text
      : event.kind === 'fullscreen'
        ? `[fullscreen ${event.program}] ${event.text}`
        : '[gap]',
  );
}

test('the recorded bash session gives the commands the person ran', async () => {
  const result = await extractCommands(events, options);
  expect(describeEvents(result)).toEqual(EXPECTED);
  for (const event of result) {
    expect(event.endedOffsetNs).toBeGreaterThan(event.startedOffsetNs);
    // Each command ends before the next one starts.
  }
  for (let i = 1; i < result.length; i++)
    expect(result[i]!.startedOffsetNs).toBeGreaterThan(result[i - 1]!.endedOffsetNs!);
  expect(directionText(trace, 'input')).toContain('hunter2-secret');
  expect(JSON.stringify(result)).not.toContain('hunter2');
});

test('live on the recorded session (queued at once, never awaited) equals offline', async () => {
  const live = createCommandExtractor(options);
  for (const event of events) {
    if (event.kind === 'output') live.output(event.bytes, event.offsetNs);
    else if (event.kind === 'input') live.input(event.bytes, event.offsetNs);
    else live.resize(event.cols, event.rows, event.offsetNs);
  }
  expect(await live.end(endNs)).toEqual(await extractCommands(events, options));
});

test('the same session with every output chunk cut into single bytes, or pairs merged, gives the same events', async () => {
  const expected = await extractCommands(events, options);
  const bytewise = events.flatMap((event): TerminalStreamEvent[] =>
    event.kind === 'output'
      ? Array.from(event.bytes, (byte) => ({ ...event, bytes: Uint8Array.of(byte) }))
      : [event],
  );
  expect(await extractCommands(bytewise, options)).toEqual(expected);
  // Adjacent output chunks merged into one (taking the later offset) moves no command boundary.
  const merged: TerminalStreamEvent[] = [];
  for (const event of events) {
    const previous = merged.at(-1);
    if (event.kind === 'output' && previous?.kind === 'output') {
      const bytes = new Uint8Array(previous.bytes.length + event.bytes.length);
      bytes.set(previous.bytes);
      bytes.set(event.bytes, previous.bytes.length);
      merged[merged.length - 1] = { kind: 'output', bytes, offsetNs: event.offsetNs };
    } else merged.push(event);
  }
  expect(merged.length).toBeLessThan(events.length);
  expect(describeEvents(await extractCommands(merged, options))).toEqual(EXPECTED);
});
