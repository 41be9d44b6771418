// Lines split at every Enter, multi-line commands grouped, sources, shell
// integration marks: handcrafted byte sequences of what bash (readline, with
// bracketed paste) and busybox (no bracketed paste) print.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type CommandTerminalEvent,
  createCommandExtractor,
  extractCommands,
  type TerminalEvent,
  type TerminalStreamEvent,
} from '../src/index.js';
import { StreamBuilder, splitEvent } from './builder.js';

const commands = (events: TerminalEvent[]) =>
  events.filter((event): event is CommandTerminalEvent => event.kind === 'command');
const texts = (events: TerminalEvent[]) => commands(events).map((event) => event.text);

/** How a shell answers one accepted line: its echo, the move off the line, the output, the next prompt. */
interface ShellStyle {
  prompt: string;
  /** Bash ≥ 5.1 and zsh: bracketed paste on at the prompt, off when the line is accepted. */
  bracketedPaste: boolean;
}
const BASH: ShellStyle = { prompt: 'tap$ ', bracketedPaste: true };
const BUSYBOX: ShellStyle = { prompt: '~ # ', bracketedPaste: false };

function showPrompt(s: StreamBuilder, style: ShellStyle, prompt = style.prompt): void {
  s.out(style.bracketedPaste ? `\x1b[?2004h${prompt}` : prompt);
}

/** The shell reads `line` (already typed), echoes it, runs it (printing `output`) and prompts again. */
function shellRuns(
  s: StreamBuilder,
  style: ShellStyle,
  line: string,
  output: string,
  nextPrompt = style.prompt,
): void {
  s.out(`${line}\r\n${style.bracketedPaste ? '\x1b[?2004l\r' : ''}${output}`);
  showPrompt(s, style, nextPrompt);
}

/** A session where `lines` are typed in the given input writes, the shell answering after all of them. */
function typeAhead(style: ShellStyle, lines: string[], writes: number[]): StreamBuilder {
  const s = new StreamBuilder();
  showPrompt(s, style);
  let next = 0;
  for (const count of writes) {
    s.in(
      lines
        .slice(next, next + count)
        .map((line) => `${line}\r`)
        .join(''),
    );
    next += count;
  }
  for (const line of lines) shellRuns(s, style, line, `${line.toUpperCase()}\r\n`);
  return s;
}

describe('every Enter is a line', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => `echo line-${i}`);

  test.each([
    ['bash', BASH],
    ['busybox', BUSYBOX],
  ])('a paste of 20 commands in one write records 20 pasted commands (%s)', async (_name, style) => {
    const s = typeAhead(style, twenty, [20]);
    const events = commands(await extractCommands(s.events));
    expect(events.map((event) => event.text)).toEqual(twenty);
    // All of them pressed in the one write, all pasted.
    expect(new Set(events.map((event) => event.startedOffsetNs)).size).toBe(1);
    expect(events.every((event) => event.source === 'pasted')).toBe(true);
  });

  test('20 commands echoed in one output chunk, split at every offset, give the same 20', async () => {
    const s = typeAhead(BASH, twenty.slice(0, 4), [4]);
    // Merge every output after the input into one chunk.
    const input = s.events.findIndex((event) => event.kind === 'input');
    const outputs = s.events.slice(input + 1) as Array<Extract<TerminalStreamEvent, { kind: 'output' }>>;
    const merged: TerminalStreamEvent[] = [
      ...s.events.slice(0, input + 1),
      {
        kind: 'output',
        bytes: Buffer.concat(outputs.map((event) => event.bytes)),
        offsetNs: outputs[0]!.offsetNs,
      },
    ];
    const whole = await extractCommands(merged);
    expect(texts(whole)).toEqual(twenty.slice(0, 4));
    const last = merged.length - 1;
    const length = (merged[last] as { bytes: Uint8Array }).bytes.length;
    for (let at = 1; at < length; at++) {
      expect(texts(await extractCommands(splitEvent(merged, last, at)))).toEqual(twenty.slice(0, 4));
    }
  });

  test('tmux send-keys with two Enters: two commands', async () => {
    const s = typeAhead(BASH, ['echo a', 'echo b'], [2]);
    expect(texts(await extractCommands(s.events))).toEqual(['echo a', 'echo b']);
  });

  test('type-ahead while a command runs: the kernel echo is not a second command, the end is the next prompt', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.typeEchoed('sleep 1');
    s.in('\r').out('\r\n\x1b[?2004l\r');
    const sleepEnter = s.lastOffsetNs - 1000;
    // Typed while sleep runs: the terminal (cooked mode) echoes it at once.
    s.in('l').out('l').in('s').out('s').in('\r').out('\r\n');
    const lsEnter = s.lastOffsetNs - 1000;
    showPrompt(s, BASH);
    const sleepEnd = s.lastOffsetNs;
    shellRuns(s, BASH, 'ls', 'README.md\r\n');
    const events = commands(await extractCommands(s.events));
    expect(events).toMatchObject([
      { text: 'sleep 1', startedOffsetNs: sleepEnter, endedOffsetNs: sleepEnd, source: 'typed' },
      { text: 'ls', startedOffsetNs: lsEnter, endedOffsetNs: s.lastOffsetNs, source: 'typed' },
    ]);
  });

  test('an answer typed to a program (cat, read) is not a command', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.typeEchoed('cat');
    s.in('\r').out('\r\n\x1b[?2004l\r');
    s.in('hello cat\r').out('hello cat\r\nhello cat\r\n');
    s.in('\x04');
    showPrompt(s, BASH);
    s.typeEchoed('pwd');
    s.in('\r');
    shellRuns(s, BASH, '', '/root\r\n');
    expect(texts(await extractCommands(s.events))).toEqual(['cat', 'pwd']);
  });

  test('fast-check: any lines, in any grouping of writes, in bash and busybox: each line once, in order', async () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    // A reserved word first (`if x`, `for y`) opens a compound command: the
    // shell would ask for more lines, so such a line is not a whole command.
    const reserved =
      /^(if|then|else|elif|fi|case|esac|for|select|while|until|do|done|in|function|time|coproc)$/;
    const head = word.filter((candidate) => !reserved.test(candidate));
    const line = fc
      .tuple(head, fc.array(word, { maxLength: 3 }))
      .map(([head, args]) => [head, ...args].join(' '));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        async (lines, sizes, bash) => {
          const writes: number[] = [];
          let left = lines.length;
          for (const size of sizes) {
            if (left === 0) break;
            writes.push(Math.min(size, left));
            left -= writes.at(-1)!;
          }
          if (left > 0) writes.push(left);
          const s = typeAhead(bash ? BASH : BUSYBOX, lines, writes);
          const events = commands(await extractCommands(s.events));
          expect(events.map((event) => event.text)).toEqual(lines);
          const severalPerWrite = writes.flatMap((count) => Array(count).fill(count > 1));
          expect(events.map((event) => event.source === 'pasted')).toEqual(severalPerWrite);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Lines typed one by one; after each, the shell prints the continuation prompt or runs the command. */
function multiLine(style: ShellStyle, lines: string[], output: string): StreamBuilder {
  const s = new StreamBuilder();
  showPrompt(s, style);
  lines.forEach((line, index) => {
    s.typeEchoed(line);
    s.in('\r');
    const last = index === lines.length - 1;
    shellRuns(s, style, '', last ? output : '', last ? style.prompt : '> ');
  });
  return s;
}

describe('multi-line commands', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['for', ['for i in 1 2; do', '  echo $i', 'done'], ['echo']],
    ['while', ['while read line; do', '  echo "$line"', 'done < f'], ['read', 'echo']],
    ['if', ['if true', 'then', '  whoami', 'fi'], ['true', 'whoami']],
    ['case', ['case $x in', '  a) echo a;;', 'esac'], ['echo']],
    ['a function (defining runs nothing)', ['greet() {', '  echo hi', '}'], []],
    ['a heredoc', ['cat <<EOF', 'hello', 'EOF'], ['cat']],
    ['a heredoc with <<- and a quoted delimiter', ["cat <<-'END' > out", 'line $x', 'END'], ['cat']],
    [
      'a heredoc with a double-quoted delimiter into a pipe',
      ['cat <<"EOF" | wc -l', 'a', 'EOF'],
      ['cat', 'wc'],
    ],
    ['a backslash continuation', ['echo one \\', 'two'], ['echo']],
    ['an unclosed quote', ["echo 'one", "two'"], ['echo']],
    ['a trailing pipe', ['ls |', 'wc -l'], ['ls', 'wc']],
  ];

  test.each(cases)('%s is one command with its body (bash)', async (_name, lines, programs) => {
    const events = commands(await extractCommands(multiLine(BASH, lines, 'out\r\n').events));
    expect(events.map((event) => event.text)).toEqual([lines.join('\n')]);
    expect(events[0]!.programs.map((program) => program.name)).toEqual(programs);
  });

  test.each(cases)('%s is one command with its body (busybox)', async (_name, lines) => {
    expect(texts(await extractCommands(multiLine(BUSYBOX, lines, 'out\r\n').events))).toEqual([
      lines.join('\n'),
    ]);
  });

  test('no invented commands named done, EOF or line; the next command is separate', async () => {
    const s = multiLine(BASH, ['cat <<EOF', 'line', 'EOF'], 'line\r\n');
    s.typeEchoed('ls');
    s.in('\r');
    shellRuns(s, BASH, '', 'f\r\n');
    const events = commands(await extractCommands(s.events));
    expect(events.map((event) => event.text)).toEqual(['cat <<EOF\nline\nEOF', 'ls']);
    expect(events.flatMap((event) => event.programs.map((program) => program.name))).toEqual(['cat', 'ls']);
  });

  test('Ctrl-C at the continuation prompt drops the unfinished command: the shell ran none of it', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.typeEchoed('for i in 1 2; do');
    s.in('\r');
    shellRuns(s, BASH, '', '', '> ');
    s.typeEchoed('echo $i');
    s.in('\x03').out('^C\r\n');
    showPrompt(s, BASH);
    s.typeEchoed('ls');
    s.in('\r');
    shellRuns(s, BASH, '', 'f\r\n');
    expect(texts(await extractCommands(s.events))).toEqual(['ls']);
  });

  test('a line the grammar cannot finish (zsh syntax), followed by the first prompt again, is still one command', async () => {
    const zshOnly = 'echo $' + '{(U)name}';
    const s = multiLine(BASH, [zshOnly], 'NAME\r\n');
    s.typeEchoed('ls');
    s.in('\r');
    shellRuns(s, BASH, '', 'f\r\n');
    expect(texts(await extractCommands(s.events))).toEqual([zshOnly, 'ls']);
  });

  test('a multi-line command pasted in one write (no bracketed paste) is one pasted command', async () => {
    const lines = ['for i in 1 2; do', 'echo $i', 'done'];
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.in(lines.map((line) => `${line}\r`).join(''));
    shellRuns(s, BASH, lines[0]!, '', '> ');
    shellRuns(s, BASH, lines[1]!, '', '> ');
    shellRuns(s, BASH, lines[2]!, '1\r\n2\r\n');
    const events = commands(await extractCommands(s.events));
    expect(events).toMatchObject([{ text: lines.join('\n'), source: 'pasted' }]);
  });

  test('a pasted <<- heredoc keeps the tabs the shell read, though the screen shows spaces', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    // Readline draws each tab as spaces up to the next tab stop.
    s.in('\x1b[200~cat <<-EOF\r\tbody \t x\r\tEOF\x1b[201~').out(
      'cat <<-EOF\r\n        body    x\r\n        EOF',
    );
    s.in('\r');
    shellRuns(s, BASH, '', 'body \t x\r\n');
    expect(texts(await extractCommands(s.events))).toEqual(['cat <<-EOF\n\tbody \t x\n\tEOF']);
  });

  test('a bracketed paste of a for block and a command, one Enter: two pasted commands', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.in('\x1b[200~for i in 1 2; do\recho $i\rdone\recho after\x1b[201~').out(
      'for i in 1 2; do\r\necho $i\r\ndone\r\necho after',
    );
    s.in('\r');
    shellRuns(s, BASH, '', '1\r\n2\r\nafter\r\n');
    expect(commands(await extractCommands(s.events))).toMatchObject([
      { text: 'for i in 1 2; do\necho $i\ndone', source: 'pasted' },
      { text: 'echo after', source: 'pasted' },
    ]);
  });
});

describe('sources', () => {
  test('Tab completion, Up recall, Ctrl-R search, bracketed paste, plain typing', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.in('ec').out('ec').in('\t').out('ho ').typeEchoed('x');
    s.in('\r');
    shellRuns(s, BASH, '', 'x\r\n');
    s.in('\x1b[A').out('echo x');
    s.in('\r');
    shellRuns(s, BASH, '', 'x\r\n');
    s.in('\x12').out("\r(reverse-i-search)`': ").in('e').out('\x1b[Ce\x1b[C\x1b[Cecho x');
    s.in('\r').out('\r\x1b[Ktap$ echo x');
    shellRuns(s, BASH, '', 'x\r\n');
    s.in('\x1b[200~echo p\x1b[201~').out('echo p');
    s.in('\r');
    shellRuns(s, BASH, '', 'p\r\n');
    s.typeEchoed('echo t');
    s.in('\r');
    shellRuns(s, BASH, '', 't\r\n');
    expect(commands(await extractCommands(s.events)).map((event) => [event.text, event.source])).toEqual([
      ['echo x', 'completed'],
      ['echo x', 'recalled'],
      ['echo x', 'recalled'],
      ['echo p', 'pasted'],
      ['echo t', 'typed'],
    ]);
  });
});

describe('shell integration marks (OSC 133 / 633)', () => {
  const A = '\x1b]133;A\x07';
  const B = '\x1b]133;B\x07';
  const C = '\x1b]133;C\x07';
  const D = (code: number) => `\x1b]133;D;${code}\x07`;

  test('exit codes and exact ends; the prompt needs no guessing', async () => {
    const s = new StreamBuilder();
    s.out(`${A}\x1b[1;32mme@host\x1b[0m:~$ ${B}`);
    s.typeEchoed('false');
    s.in('\r').out(`\r\n${C}`);
    const falseEnter = s.lastOffsetNs - 1000;
    s.out(D(1));
    const falseEnd = s.lastOffsetNs;
    s.out(`${A}me@host:~$ ${B}`);
    s.typeEchoed('ls');
    s.in('\r').out(`\r\n${C}file\r\n`);
    s.out(`${D(0)}${A}me@host:~$ ${B}`);
    const lsEnd = s.lastOffsetNs;
    const events = commands(await extractCommands(s.events));
    expect(events).toMatchObject([
      { text: 'false', startedOffsetNs: falseEnter, endedOffsetNs: falseEnd, exitCode: 1 },
      { text: 'ls', endedOffsetNs: lsEnd, exitCode: 0 },
    ]);
  });

  test('VS Code 633 marks, and typed-ahead lines bound at each B', async () => {
    const s = new StreamBuilder();
    const prompt = '\x1b]633;A\x07$ \x1b]633;B\x07';
    s.out(prompt);
    s.in('echo 1\recho 2\r');
    s.out(`echo 1\r\n\x1b]633;C\x071\r\n\x1b]633;D;0\x07${prompt}`);
    s.out(`echo 2\r\n\x1b]633;C\x072\r\n\x1b]633;D;7\x07${prompt}`);
    expect(commands(await extractCommands(s.events))).toMatchObject([
      { text: 'echo 1', exitCode: 0, source: 'pasted' },
      { text: 'echo 2', exitCode: 7, source: 'pasted' },
    ]);
  });
});

describe('live equals offline, and output split anywhere changes nothing', () => {
  /** The live path: everything queued at once, never awaited. */
  async function live(events: TerminalStreamEvent[]): Promise<TerminalEvent[]> {
    const extractor = createCommandExtractor();
    for (const event of events) {
      if (event.kind === 'output') extractor.output(event.bytes, event.offsetNs);
      else if (event.kind === 'input') extractor.input(event.bytes, event.offsetNs);
      else extractor.resize(event.cols, event.rows, event.offsetNs);
    }
    return extractor.end(events.at(-1)!.offsetNs);
  }

  const streams: Array<[string, () => StreamBuilder]> = [
    [
      'a 20-line paste (bash)',
      () =>
        typeAhead(
          BASH,
          Array.from({ length: 20 }, (_, i) => `echo ${i}`),
          [20],
        ),
    ],
    [
      'type-ahead in three writes (busybox)',
      () => typeAhead(BUSYBOX, ['a 1', 'b 2', 'c 3', 'd 4'], [1, 2, 1]),
    ],
    ['a heredoc (bash)', () => multiLine(BASH, ['cat <<-"EOF"', 'body', 'EOF'], 'body\r\n')],
    ['a for block (busybox)', () => multiLine(BUSYBOX, ['for i in 1 2', 'do echo $i', 'done'], '1\r\n2\r\n')],
  ];

  test.each(streams)('%s', async (_name, build) => {
    const { events } = build();
    const offline = await extractCommands(events, { endedOffsetNs: events.at(-1)!.offsetNs });
    expect(commands(offline).length).toBeGreaterThan(0);
    expect(await live(events)).toEqual(offline);
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      if (event.kind !== 'output') continue;
      for (let at = 1; at < event.bytes.length; at++) {
        expect(
          await extractCommands(splitEvent(events, index, at), { endedOffsetNs: events.at(-1)!.offsetNs }),
        ).toEqual(offline);
      }
    }
  });
});

describe('a cursor-position report the tty echoed before the prompt (busybox under latency)', () => {
  // Busybox asks the terminal where the cursor is (ESC[6n) at each prompt. When
  // the answer arrives after the line was accepted, the tty echoes it in caret
  // notation and the next prompt is drawn after it: the row reads
  // "^[[40;3R~ # ". The command is what follows the prompt.
  test('the echoed report is not part of the command, and a multi-line if stays one command', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BUSYBOX);
    s.in('echo one\r');
    s.out('echo one\r\none\r\n');
    s.out('^[[40;3R');
    showPrompt(s, BUSYBOX);
    s.in('if [ -n "x" ]; then\r');
    s.out('if [ -n "x" ]; then\r\n> ');
    s.in('echo yes\r');
    s.out('echo yes\r\n> ');
    s.in('fi\r');
    s.out('fi\r\nyes\r\n');
    showPrompt(s, BUSYBOX);
    expect(texts(await extractCommands(s.events))).toEqual(['echo one', 'if [ -n "x" ]; then\necho yes\nfi']);
  });

  test('the same with the block typed ahead while the report was on its way', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BUSYBOX);
    s.in('echo one\r');
    s.out('echo one\r\n');
    s.in('if [ -n "x" ]; then\recho yes\rfi\r');
    s.out('one\r\n^[[40;3R');
    showPrompt(s, BUSYBOX);
    s.out('if [ -n "x" ]; then\r\n> echo yes\r\n> fi\r\nyes\r\n');
    showPrompt(s, BUSYBOX);
    expect(texts(await extractCommands(s.events))).toEqual(['echo one', 'if [ -n "x" ]; then\necho yes\nfi']);
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion
  const SECRET_LENGTH = 'echo ${#secret}';
  test('a no-echo answer (read -s -p) with the next line typed ahead: the shell prompt on its row is not in the command', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BUSYBOX);
    s.in("read -rs -p 'Secret: ' secret\r");
    s.out("read -rs -p 'Secret: ' secret\r\nSecret: ");
    // The answer is not echoed, nor its newline; the next line is typed before the shell prompts again.
    s.in('hunter2\r');
    s.in(`${SECRET_LENGTH}\r`);
    showPrompt(s, BUSYBOX);
    s.out(`${SECRET_LENGTH}\r\n7\r\n`);
    showPrompt(s, BUSYBOX);
    s.in('echo after\r');
    s.out('echo after\r\nafter\r\n');
    showPrompt(s, BUSYBOX);
    expect(texts(await extractCommands(s.events))).toEqual([
      "read -rs -p 'Secret: ' secret",
      SECRET_LENGTH,
      'echo after',
    ]);
  });

  // From the busybox oracle traces: the typed-ahead line shown on the program's
  // row (by the tty's echo, or after the shell's prompt drawn there) was taken
  // for the answer's line, so it came out twice and every later typed-ahead
  // line was bound one row off.
  const secretThen = (s: StreamBuilder) => {
    showPrompt(s, BUSYBOX);
    s.in("read -rs -p 'Secret: ' secret\r");
    s.out("read -rs -p 'Secret: ' secret\r\nSecret: ");
    s.in('hunter2\r');
    s.in(`${SECRET_LENGTH}\r`);
  };
  const thenBlockTypedAhead = (s: StreamBuilder) => {
    s.in('n=0; while [ $n -lt 1 ]; do\rn=1\rdone\r');
    showPrompt(s, BUSYBOX);
    s.out('n=0; while [ $n -lt 1 ]; do\r\n> n=1\r\n> done\r\n');
    showPrompt(s, BUSYBOX);
    s.in('echo after\r');
    s.out('echo after\r\nafter\r\n');
    showPrompt(s, BUSYBOX);
  };
  const expected = [
    "read -rs -p 'Secret: ' secret",
    SECRET_LENGTH,
    'n=0; while [ $n -lt 1 ]; do\nn=1\ndone',
    'echo after',
  ];

  test('a no-echo answer, the next line echoed by the tty on its row, then by the shell: one command', async () => {
    const s = new StreamBuilder();
    secretThen(s);
    s.out(`${SECRET_LENGTH}\r\n`);
    showPrompt(s, BUSYBOX);
    s.out(`${SECRET_LENGTH}\r\n7\r\n`);
    thenBlockTypedAhead(s);
    const events = commands(await extractCommands(s.events));
    expect(events.map((event) => event.text)).toEqual(expected);
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  test('a no-echo answer, the tty echo and the shell prompt with its echo on one row: one command, later lines aligned', async () => {
    const s = new StreamBuilder();
    secretThen(s);
    s.out(`${SECRET_LENGTH}${BUSYBOX.prompt}${SECRET_LENGTH}\r\n7\r\n`);
    thenBlockTypedAhead(s);
    expect(texts(await extractCommands(s.events))).toEqual(expected);
  });

  test('bash: a no-echo answer and the next line typed ahead; then several lines in one write are each a command', async () => {
    const s = new StreamBuilder();
    showPrompt(s, BASH);
    s.in("read -rs -p 'Secret: ' secret\r");
    s.out("read -rs -p 'Secret: ' secret\r\n\x1b[?2004l\rSecret: ");
    s.in('hunter2\r');
    s.in(`${SECRET_LENGTH}\r`);
    // The tty echoes the typed-ahead line on the program's row, then bash reads it at its prompt.
    s.out(`${SECRET_LENGTH}\r\n`);
    showPrompt(s, BASH);
    shellRuns(s, BASH, SECRET_LENGTH, '7\r\n');
    s.in('echo w0\recho w1\recho w2\r');
    shellRuns(s, BASH, 'echo w0', 'w0\r\n');
    shellRuns(s, BASH, 'echo w1', 'w1\r\n');
    shellRuns(s, BASH, 'echo w2', 'w2\r\n');
    const events = commands(await extractCommands(s.events));
    expect(events.map((event) => event.text)).toEqual([
      "read -rs -p 'Secret: ' secret",
      SECRET_LENGTH,
      'echo w0',
      'echo w1',
      'echo w2',
    ]);
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  test("the terminal's cursor report in the input starts no line; keys typed over a command's output wait for the prompt", async () => {
    const s = new StreamBuilder();
    s.out(`${BUSYBOX.prompt}\x1b[6n`);
    s.in('\x1b[40;5R');
    s.in('sleep 1; echo done\r');
    s.out('sleep 1; echo done\r\n');
    // Typed while it sleeps, after its cursor report: the shell echoes it at its next prompt.
    s.in('\x1b[41;5R');
    s.in('for i in 1; do\recho $i\rdone\r');
    s.out('done\r\n');
    s.out(`${BUSYBOX.prompt}\x1b[6n`);
    s.out('for i in 1; do\r\n> echo $i\r\n> done\r\n1\r\n');
    showPrompt(s, BUSYBOX);
    expect(texts(await extractCommands(s.events))).toEqual([
      'sleep 1; echo done',
      'for i in 1; do\necho $i\ndone',
    ]);
  });
});
