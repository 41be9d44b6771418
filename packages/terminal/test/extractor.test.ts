import { isTaplineError } from '@tapline/frames';
import { describe, expect, test } from 'vitest';
import {
  createCommandExtractor,
  extractCommands,
  type TerminalEvent,
  type TerminalStreamEvent,
} from '../src/index.js';
import { inputHandlerOf, XtermTerminalClass } from '../src/xterm.js';
import { StreamBuilder, splitEvent, typed } from './builder.js';

/** A bash-like session covering the main cases, with what must come out of it. */
function bashLikeSession(): { events: TerminalStreamEvent[]; expected: TerminalEvent[]; endNs: number } {
  const s = new StreamBuilder();
  const expected: TerminalEvent[] = [];
  s.prompt().typeEchoed('ls -l');
  s.enter('total 0\r\n');
  expected.push(
    typed({
      kind: 'command',
      text: 'ls -l',
      startedOffsetNs: s.lastOffsetNs - 1000,
      endedOffsetNs: s.lastOffsetNs + 1000,
    }),
  );
  s.prompt();
  // Backspace, then left arrow and an insert in the middle (readline redraws the tail).
  s.typeEchoed('echo helo');
  s.in('\x7f').out('\b \b');
  s.typeEchoed('o');
  s.in('\x1b[D').out('\b');
  s.in('\x1b[D').out('\b');
  s.in('l').out('llo\b\b');
  s.enter('hello\r\n');
  expected.push(
    typed({
      kind: 'command',
      text: 'echo hello',
      startedOffsetNs: s.lastOffsetNs - 1000,
      endedOffsetNs: s.lastOffsetNs + 1000,
    }),
  );
  s.prompt();
  // A password at a no-echo prompt: nothing is echoed, so nothing is reported.
  s.typeEchoed('read -s pw');
  s.enter('Password: ');
  expected.push(
    typed({
      kind: 'command',
      text: 'read -s pw',
      startedOffsetNs: s.lastOffsetNs - 1000,
    }),
  );
  // The password's Enter goes to `read`, not to the shell; the shell's next prompt ends the command.
  s.in('p').in('4').in('s').in('s').in('\r');
  s.prompt();
  (expected.at(-1) as { endedOffsetNs?: number }).endedOffsetNs = s.lastOffsetNs;
  // A full-screen program: its keystrokes are not commands.
  s.typeEchoed('vi notes');
  s.enter('\x1b[?1049h\x1b[H\x1b[2J~\r\n~');
  const viStart = s.lastOffsetNs - 1000;
  s.in('i').out('i').in('rm -rf /\r').out('rm -rf /\r\n').in('\x1b:wq\r').out(':wq');
  s.out('\x1b[?1049l');
  expected.push({
    kind: 'fullscreen',
    program: 'vi',
    text: 'vi notes',
    startedOffsetNs: viStart,
    endedOffsetNs: s.lastOffsetNs,
  });
  s.prompt();
  // An empty line is not a command.
  s.in('\r').out('\r\n\x1b[?2004l\r');
  s.prompt();
  // Up arrow: readline redraws the recalled line.
  s.in('\x1b[A').out('vi notes');
  s.in('\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f').out('\b\b\b\b\b\b\b\b\x1b[K');
  s.typeEchoed('true');
  s.enter('');
  expected.push(
    typed({
      kind: 'command',
      text: 'true',
      startedOffsetNs: s.lastOffsetNs - 1000,
      endedOffsetNs: s.lastOffsetNs + 1000,
      source: 'recalled',
    }),
  );
  // A shell without bracketed paste started from this one (dash, busybox): the
  // prompt is new, the keys it echoes after it find the line; the newline ends
  // the line, the output before the next key ends the command.
  s.out('$ ');
  // the output before the next key ends the command.
  s.typeEchoed('pwd');
  s.in('\r').out('\r\n/root\r\n$ ');
  expected.push(
    typed({
      kind: 'command',
      text: 'pwd',
      startedOffsetNs: s.lastOffsetNs - 1000,
      endedOffsetNs: s.lastOffsetNs,
    }),
  );
  s.typeEchoed('exit');
  s.in('\r');
  expected.push(typed({ kind: 'command', text: 'exit', startedOffsetNs: s.lastOffsetNs }));
  return { events: s.events, expected, endNs: s.lastOffsetNs };
}

function feedLive(events: TerminalStreamEvent[], cols = 80, rows = 24) {
  const extractor = createCommandExtractor({ cols, rows });
  for (const event of events) {
    if (event.kind === 'output') extractor.output(event.bytes, event.offsetNs);
    else if (event.kind === 'input') extractor.input(event.bytes, event.offsetNs);
    else extractor.resize(event.cols, event.rows, event.offsetNs);
  }
  return extractor;
}

describe('handcrafted streams', () => {
  test('a bash-like session gives exactly the expected events', async () => {
    const { events, expected, endNs } = bashLikeSession();
    expect(await extractCommands(events, { endedOffsetNs: endNs })).toEqual(expected);
  });

  test('live (all queued at once, never awaited) equals offline', async () => {
    const { events, endNs } = bashLikeSession();
    const live = await feedLive(events).end(endNs);
    expect(live).toEqual(await extractCommands(events, { endedOffsetNs: endNs }));
  });

  test('every event split at every offset gives the same events', async () => {
    const { events, expected, endNs } = bashLikeSession();
    let runs = 0;
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      if (event.kind === 'resize') continue;
      for (let at = 1; at < event.bytes.length; at++) {
        expect(await extractCommands(splitEvent(events, index, at), { endedOffsetNs: endNs })).toEqual(
          expected,
        );
        runs++;
      }
    }
    expect(runs).toBeGreaterThan(50);
  });

  test('all output fed one byte at a time gives the same events', async () => {
    const { events, expected, endNs } = bashLikeSession();
    const bytewise = events.flatMap((event): TerminalStreamEvent[] =>
      event.kind === 'output'
        ? Array.from(event.bytes, (byte) => ({ ...event, bytes: Uint8Array.of(byte) }))
        : [event],
    );
    expect(await extractCommands(bytewise, { endedOffsetNs: endNs })).toEqual(expected);
  });

  test('a line longer than the terminal is joined across its wrapped rows', async () => {
    const s = new StreamBuilder().prompt();
    const long = `echo ${'abcdefghij'.repeat(12)}`;
    s.typeEchoed(long)
      .enter(`${'abcdefghij'.repeat(12)}\r\n`)
      .prompt();
    const events = await extractCommands(s.events, { cols: 20, rows: 10 });
    expect(events.map((event) => event.kind === 'command' && event.text)).toEqual([long]);
  });

  test('a line longer than the whole screen is still read whole from scrollback', async () => {
    const s = new StreamBuilder().prompt();
    const long = `echo ${'0123456789'.repeat(50)}`;
    s.in(long).out(long).enter('').prompt();
    const events = await extractCommands(s.events, { cols: 40, rows: 5 });
    expect(events).toMatchObject([{ kind: 'command', text: long }]);
  });

  test('a multi-line prompt: only the text after the last prompt row counts', async () => {
    const s = new StreamBuilder().out('\x1b[?2004h[~/src]\r\ntap$ ').typeEchoed('make').enter('ok\r\n');
    s.out('\x1b[?2004h[~/src]\r\ntap$ ');
    expect(await extractCommands(s.events)).toMatchObject([{ kind: 'command', text: 'make' }]);
  });

  test('Ctrl-C then a fresh prompt below: only the new line counts', async () => {
    const s = new StreamBuilder().prompt().typeEchoed('echo nope');
    s.in('\x03').out('^C\r\n').prompt().typeEchoed('echo yes').enter('yes\r\n').prompt();
    expect((await extractCommands(s.events)).map((e) => e.kind === 'command' && e.text)).toEqual([
      'echo yes',
    ]);
  });

  test('a resize (reflow) while typing keeps the line', async () => {
    // What bash 5.2 really prints after each SIGWINCH (the cursor's line is not reflowed).
    const s = new StreamBuilder().prompt().typeEchoed('echo one two three four');
    s.resize(10, 10).out('\r\x1b[K\rtap$ echo o\rone two thr\rree four');
    s.resize(200, 10).out('\r\x1b[K\r\x1b[A\x1b[K\r\x1b[A\x1b[K\rtap$ echo one two three four');
    s.enter('').prompt();
    expect(
      (await extractCommands(s.events, { cols: 80 })).map((e) => e.kind === 'command' && e.text),
    ).toEqual(['echo one two three four']);
  });

  test('readline reverse search accepted without a redraw is read after its search prompt', async () => {
    const s = new StreamBuilder().prompt();
    s.in('\x12').out("\r(reverse-i-search)`': ");
    s.in('m').out("\b\b\bm': make install\b\b\b\b\b\b\b\b\b\b\b\b");
    // No bracketed paste and no redraw: only the line feed tells.
    s.in('\r').out('\r\n');
    const events = await extractCommands(s.events);
    expect(events).toMatchObject([{ kind: 'command', text: 'make install' }]);
  });

  test('a full-screen program started without a command line has no program name', async () => {
    const s = new StreamBuilder().out('\x1b[?1049hTOP').in('q').out('\x1b[?1049l');
    expect(await extractCommands(s.events)).toMatchObject([{ kind: 'fullscreen', program: '', text: '' }]);
  });

  test('a command that enters the alternate screen twice gives two full-screen events of the same command', async () => {
    const s = new StreamBuilder().prompt().typeEchoed('sudo vi a; less b').enter('\x1b[?1049h');
    s.in(':q\r').out('\x1b[?1049l').out('\x1b[?1049h').in('q').out('\x1b[?1049l').prompt();
    const events = await extractCommands(s.events);
    expect(events).toMatchObject([
      { kind: 'fullscreen', program: 'vi', text: 'sudo vi a; less b' },
      { kind: 'fullscreen', program: 'vi', text: 'sudo vi a; less b' },
    ]);
  });

  test('typed keys never become text: a no-echo line with arbitrary bytes is reported as nothing', async () => {
    const s = new StreamBuilder().out('Password: ').in('correct horse battery staple\r').out('\r\n');
    expect(await extractCommands(s.events)).toEqual([]);
  });

  test('a bracketed paste of two lines, accepted with one Enter, is two pasted commands', async () => {
    const s = new StreamBuilder().prompt();
    s.in('\x1b[200~ls\rpwd\x1b[201~').out('ls\r\npwd');
    s.enter('').prompt();
    expect(await extractCommands(s.events)).toMatchObject([
      { kind: 'command', text: 'ls', source: 'pasted' },
      { kind: 'command', text: 'pwd', source: 'pasted' },
    ]);
  });
});

describe('truncated streams', () => {
  test('the stream ends while typing, mid-escape and mid-UTF-8: no command, no error', async () => {
    const s = new StreamBuilder().prompt().typeEchoed('rm -rf').out('\x1b[3').out('\xe2');
    s.events.push({ kind: 'output', bytes: Uint8Array.of(0xe2, 0x82), offsetNs: 99_000 });
    expect(await extractCommands(s.events)).toEqual([]);
  });

  test('the stream ends inside a full-screen program: it ends at the end offset', async () => {
    const s = new StreamBuilder().prompt().typeEchoed('top').enter('\x1b[?1049h');
    expect(await extractCommands(s.events, { endedOffsetNs: 1e9 })).toMatchObject([
      { kind: 'fullscreen', program: 'top', endedOffsetNs: 1e9 },
    ]);
  });

  test('the stream ends right after Enter: the command has no end time', async () => {
    const s = new StreamBuilder().prompt().typeEchoed('reboot').in('\r');
    const events = await extractCommands(s.events);
    expect(events).toEqual([typed({ kind: 'command', text: 'reboot', startedOffsetNs: s.lastOffsetNs })]);
  });
});

describe('bounded memory', () => {
  test('a slow emulator drops with a counted gap instead of growing (and the queue stays under its cap)', async () => {
    const events: TerminalEvent[] = [];
    const cap = 64 * 1024;
    const extractor = createCommandExtractor({
      maxPendingBytes: cap,
      onEvent: (event) => events.push(event),
    });
    const chunk = new TextEncoder().encode('x'.repeat(4000));
    let accepted = 0;
    for (let i = 0; i < 200; i++) {
      extractor.output(chunk, i);
      expect(extractor.stats.pendingBytes).toBeLessThanOrEqual(cap);
      if (extractor.stats.droppedBytes === 0) accepted++;
    }
    // The queue was full: the rest was dropped, not queued.
    expect(accepted).toBeLessThan(20);
    expect(extractor.stats.droppedBytes).toBe((200 - accepted) * 4000);
    await extractor.drained();
    expect(extractor.output(chunk, 1000)).toBe(true);
    await extractor.end(2000);
    const gaps = events.filter((event) => event.kind === 'gap');
    expect(gaps).toEqual([
      { kind: 'gap', droppedBytes: (200 - accepted) * 4000, startedOffsetNs: accepted, endedOffsetNs: 199 },
    ]);
    expect(extractor.stats.gaps).toBe(1);
  });

  test('control: the same flood with room for it drops nothing', async () => {
    const extractor = createCommandExtractor({ maxPendingBytes: 32 * 1024 * 1024 });
    const chunk = new TextEncoder().encode('x'.repeat(4000));
    for (let i = 0; i < 200; i++) extractor.output(chunk, i);
    expect(await extractor.end(2000)).toEqual([]);
    expect(extractor.stats.droppedBytes).toBe(0);
    expect(extractor.stats.outputBytes).toBe(800_000);
  });

  test('offline, a chunk bigger than the whole queue is processed in pieces, never dropped', async () => {
    const s = new StreamBuilder()
      .prompt()
      .typeEchoed('cat big')
      .enter(`${'y'.repeat(300_000)}\r\n`)
      .prompt();
    const events = await extractCommands(s.events, { maxPendingBytes: 16 * 1024 });
    expect(events).toMatchObject([{ kind: 'command', text: 'cat big' }]);
  });

  test('a flood of tiny chunks is bounded too (each counts at least 64 bytes)', () => {
    const extractor = createCommandExtractor({ maxPendingBytes: 6400 });
    // Keystrokes behind output still being parsed wait in the queue (with nothing ahead they are handled at once).
    extractor.output(Uint8Array.of(0x41), 0);
    for (let i = 0; i < 1000; i++) extractor.input(Uint8Array.of(0x61), i);
    expect(extractor.stats.pendingBytes).toBe(6400);
    expect(extractor.stats.droppedBytes).toBe(901);
    extractor.dispose();
  });

  test('drained() resolves once the queue is empty', async () => {
    const extractor = createCommandExtractor();
    extractor.output(new Uint8Array(100_000).fill(0x41), 1);
    expect(extractor.stats.pendingBytes).toBe(100_000);
    await extractor.drained();
    expect(extractor.stats.pendingBytes).toBe(0);
    expect(extractor.stats.outputBytes).toBe(100_000);
    extractor.dispose();
  });
});

describe('reading a recording back', () => {
  test('the installed @xterm/headless has the parser replays use (else they fall back to its slower write queue)', () => {
    const terminal = new XtermTerminalClass({ allowProposedApi: true });
    const handler = inputHandlerOf(terminal);
    expect(handler).toBeDefined();
    handler!.parse(new TextEncoder().encode('ab\r\ncd'));
    expect(terminal.buffer.active.getLine(1)?.translateToString(true)).toBe('cd');
    terminal.dispose();
  });

  test('a long replay parses at once but gives the event loop a turn every 20 ms', async () => {
    const s = new StreamBuilder();
    const commands = 8000;
    for (let i = 0; i < commands; i++) s.prompt().typeEchoed(`echo ${i}`).enter(`${i}\r\n`);
    let turns = 0;
    let extracting = true;
    const count = (): void => {
      turns++;
      if (extracting) setImmediate(count);
    };
    setImmediate(count);
    const started = performance.now();
    const events = await extractCommands(s.events);
    const elapsedMs = performance.now() - started;
    extracting = false;
    expect(events.filter((event) => event.kind === 'command')).toHaveLength(commands);
    // Held at most 20 ms at a time (plus one clock check's worth of events): at least one turn per 100 ms.
    expect(turns).toBeGreaterThanOrEqual(Math.floor(elapsedMs / 100));
  });
});

describe('errors', () => {
  function code(fn: () => unknown): string | undefined {
    try {
      fn();
    } catch (error) {
      return isTaplineError(error) ? error.code : 'not a TaplineError';
    }
    return undefined;
  }

  test('bad arguments are TAPLINE_ERR_TERMINAL_INVALID', () => {
    const extractor = createCommandExtractor();
    expect(code(() => extractor.output('ls' as unknown as Uint8Array, 1))).toBe(
      'TAPLINE_ERR_TERMINAL_INVALID',
    );
    expect(code(() => extractor.input(new Uint8Array(1), Number.NaN))).toBe('TAPLINE_ERR_TERMINAL_INVALID');
    expect(code(() => extractor.resize('80' as unknown as number, 24, 1))).toBe(
      'TAPLINE_ERR_TERMINAL_INVALID',
    );
    expect(code(() => createCommandExtractor({ maxPendingBytes: 64 * 1024 * 1024 }))).toBe(
      'TAPLINE_ERR_TERMINAL_INVALID',
    );
    expect(code(() => createCommandExtractor({ maxPendingBytes: 1 }))).toBe('TAPLINE_ERR_TERMINAL_INVALID');
    extractor.dispose();
  });

  test('client-controlled sizes are clamped or ignored, never thrown', async () => {
    const extractor = createCommandExtractor({ cols: 0, rows: -5 });
    extractor.resize(0, 0, 1);
    extractor.resize(1e9, 1e9, 2);
    extractor.resize(Number.NaN, 3, 3);
    extractor.output(new TextEncoder().encode('x'.repeat(5000)), 4);
    expect(await extractor.end(5)).toEqual([]);
  });

  test('use after end() or dispose() is TAPLINE_ERR_TERMINAL_CLOSED', async () => {
    const ended = createCommandExtractor();
    await ended.end(1);
    expect(code(() => ended.output(new Uint8Array(1), 2))).toBe('TAPLINE_ERR_TERMINAL_CLOSED');
    const disposed = createCommandExtractor();
    disposed.output(new Uint8Array(10), 1);
    const ending = disposed.end(2);
    disposed.dispose();
    await expect(ending).rejects.toMatchObject({ code: 'TAPLINE_ERR_TERMINAL_CLOSED' });
    expect(code(() => disposed.input(new Uint8Array(1), 3))).toBe('TAPLINE_ERR_TERMINAL_CLOSED');
  });

  test('a throwing onEvent does not stop the emulator; end() reports it as TAPLINE_ERR_TERMINAL_CALLBACK', async () => {
    let calls = 0;
    const extractor = createCommandExtractor({
      onEvent: () => {
        calls++;
        throw new Error('consumer bug');
      },
    });
    const { events, endNs } = bashLikeSession();
    for (const event of events) {
      if (event.kind === 'output') extractor.output(event.bytes, event.offsetNs);
      else if (event.kind === 'input') extractor.input(event.bytes, event.offsetNs);
    }
    await expect(extractor.end(endNs)).rejects.toMatchObject({ code: 'TAPLINE_ERR_TERMINAL_CALLBACK' });
    expect(calls).toBe(bashLikeSession().expected.length);
  });

  test('an unknown event kind offline is TAPLINE_ERR_TERMINAL_INVALID', async () => {
    const events = [{ kind: 'exit', offsetNs: 1 }] as unknown as TerminalStreamEvent[];
    await expect(extractCommands(events)).rejects.toMatchObject({ code: 'TAPLINE_ERR_TERMINAL_INVALID' });
  });

  test('async iterables work offline', async () => {
    const { events, expected, endNs } = bashLikeSession();
    async function* generate() {
      for (const event of events) yield event;
    }
    expect(await extractCommands(generate(), { endedOffsetNs: endNs })).toEqual(expected);
  });
});

test('the README example', async () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const seen: TerminalEvent[] = [];
  const extractor = createCommandExtractor({ cols: 80, rows: 24, onEvent: (e) => seen.push(e) });
  extractor.output(text('\x1b[?2004hme@host:~$ '), 1_000);
  extractor.input(text('ls -lx'), 2_000);
  extractor.output(text('ls -lx'), 2_100);
  extractor.input(text('\x7fa\r'), 3_000);
  extractor.output(text('\b \ba\r\n\x1b[?2004l\rtotal 0\r\n\x1b[?2004hme@host:~$ '), 3_100);
  const expected = [typed({ kind: 'command', text: 'ls -la', startedOffsetNs: 3000, endedOffsetNs: 3100 })];
  expect(await extractor.end(4_000)).toEqual(expected);
  expect(seen).toEqual(expected);
  const events = await extractCommands([
    { kind: 'output', bytes: text('$ '), offsetNs: 1 },
    { kind: 'input', bytes: text('ls\r'), offsetNs: 2 },
    { kind: 'output', bytes: text('ls\r\nREADME.md\r\n$ '), offsetNs: 3 },
  ]);
  expect(events).toEqual([typed({ kind: 'command', text: 'ls', startedOffsetNs: 2, endedOffsetNs: 3 })]);
});

describe('pendingLine(): the line before Enter', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  test('reads the edited line from the screen, the open command before it, and nothing while a command runs', async () => {
    const extractor = createCommandExtractor({});
    const out = (s: string, at: number) => extractor.output(text(s), at);
    const key = (s: string, at: number) => extractor.input(text(s), at);
    out('$ ', 1);
    expect(await extractor.pendingLine()).toEqual({ reading: true, text: '', keys: '' });
    // Typed, then the cursor moved left and a letter inserted: the keys no longer say the line.
    key('rm -rf /srv/kep-me', 2);
    out('rm -rf /srv/kep-me', 3);
    expect(await extractor.pendingLine()).toEqual({
      reading: true,
      text: 'rm -rf /srv/kep-me',
      keys: 'rm -rf /srv/kep-me',
    });
    key('\x1b[D\x1b[D\x1b[D\x1b[De', 4);
    out('\b\b\b\bep-me\b\b\b\b', 5);
    expect(await extractor.pendingLine()).toEqual({ reading: true, text: 'rm -rf /srv/keep-me', keys: '' });
    key('\x15', 6);
    out('\r$ \x1b[K', 7);
    // A multi-line command: the open lines come first.
    key('for d in a b; do\r', 8);
    out('for d in a b; do\r\n> ', 9);
    key('rm -rf "$d"', 10);
    out('rm -rf "$d"', 11);
    expect(await extractor.pendingLine()).toEqual({
      reading: true,
      text: 'for d in a b; do\nrm -rf "$d"',
      keys: 'rm -rf "$d"',
    });
    key('\r', 12);
    out('\r\n> ', 13);
    key('done\r', 14);
    out('done\r\n', 15);
    // No sign from this shell that the loop still runs: keys typed now begin a line it has not echoed.
    key('whoami', 16);
    expect(await extractor.pendingLine()).toEqual({ reading: true, text: '', keys: 'whoami' });
    await extractor.end(17);
    expect(await extractor.pendingLine()).toBeUndefined();
  });

  test('a shell that brackets its prompts (bash ≥ 5.1): keys typed while a command runs are not a line it reads', async () => {
    const extractor = createCommandExtractor({});
    extractor.output(text('\x1b[?2004h$ '), 1);
    extractor.input(text('sleep 5\r'), 2);
    extractor.output(text('sleep 5\r\x1b[?2004l\r\n'), 3);
    extractor.input(text('whoami'), 4);
    expect(await extractor.pendingLine()).toEqual({ reading: false, text: '', keys: 'whoami' });
    extractor.output(text('\x1b[?2004h$ '), 5);
    extractor.input(text('\x15id'), 6);
    extractor.output(text('id'), 7);
    expect(await extractor.pendingLine()).toEqual({ reading: true, text: 'id', keys: '' });
    extractor.dispose();
  });

  test('inside a full-screen program there is no line', async () => {
    const extractor = createCommandExtractor({});
    extractor.output(text('$ '), 1);
    extractor.input(text('vi x\r'), 2);
    extractor.output(text('vi x\r\n\x1b[?1049h\x1b[H\x1b[2J~'), 3);
    extractor.input(text(':q'), 4);
    expect(await extractor.pendingLine()).toBeUndefined();
    extractor.dispose();
  });
});
