// The extractor against a real bash in a real pseudo-terminal: keystrokes are
// typed one at a time into `bash --norc --noprofile -i`, both directions are
// captured with their times, and the live extractor (fed while bash runs)
// must agree with the offline one (over the finished recording).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createCommandExtractor, extractCommands, type TerminalEvent } from '../src/index.js';
import {
  bashSpec,
  command,
  directionText,
  PROMPT,
  type PtySpec,
  type RecordedTrace,
  recordPty,
  streamEvent,
  streamEvents,
} from './pty.js';

function has(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const FULLSCREEN = has('vi') ? 'vi' : 'less';
const HAS_SSH_KEYGEN = has('ssh-keygen');
const HAS_SUDO = has('sudo') && has('su') && process.getuid?.() === 0;

/** Records the spec while a live extractor follows it, then extracts offline too. */
async function liveAndOffline(
  spec: PtySpec,
): Promise<{ trace: RecordedTrace; live: TerminalEvent[]; offline: TerminalEvent[] }> {
  const live = createCommandExtractor({ cols: spec.cols, rows: spec.rows });
  const seenLive: TerminalEvent[] = [];
  const liveWithCallback = createCommandExtractor({
    cols: spec.cols,
    rows: spec.rows,
    retainEvents: false,
    onEvent: (event) => seenLive.push(event),
  });
  const trace = await recordPty(spec, (recorded) => {
    const event = streamEvent(recorded);
    for (const extractor of [live, liveWithCallback]) {
      if (event.kind === 'resize') extractor.resize(event.cols, event.rows, event.offsetNs);
      else if (event.kind === 'output') extractor.output(event.bytes, event.offsetNs);
      else extractor.input(event.bytes, event.offsetNs);
    }
  });
  const endNs = trace.events.at(-1)!.offsetNs;
  const liveEvents = await live.end(endNs);
  expect(await liveWithCallback.end(endNs)).toEqual([]);
  expect(seenLive).toEqual(liveEvents);
  expect(live.stats.droppedBytes).toBe(0);
  const offline = await extractCommands(streamEvents(trace), { cols: trace.cols, rows: trace.rows });
  return { trace, live: liveEvents, offline };
}

function commandTexts(events: TerminalEvent[]): string[] {
  return events.map((event) =>
    event.kind === 'command' ? event.text : `[${event.kind}] ${'text' in event ? event.text : ''}`,
  );
}

function checkTimes(events: TerminalEvent[]): void {
  let previous = -1;
  for (const event of events) {
    expect(event.startedOffsetNs).toBeGreaterThanOrEqual(previous);
    previous = event.startedOffsetNs;
    if (event.endedOffsetNs !== undefined)
      expect(event.endedOffsetNs).toBeGreaterThanOrEqual(event.startedOffsetNs);
  }
}

/** Bash's length of $pw: proves `read -s` really got the password. */
const BASH_LENGTH_OF_PW = ['echo len-$', '{#pw}'].join('');
const PASSWORD = 'hunter2-secret';

describe('real bash in a pty', () => {
  test('editing, history, completion, wrapping, a no-echo password and a full-screen program', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapline-terminal-'));
    writeFileSync(join(dir, 'uniquefilename.txt'), 'hello\n');
    const fullscreenKeys = FULLSCREEN === 'vi' ? 'ihello from vi\x1b:wq\r' : 'q';
    const spec = bashSpec(
      [
        ...command('echo plain'),
        ...command('echo hellx\x7fo'), // backspace
        ...command('rm -rf /nothing\x15echo after-ctrl-u'), // Ctrl-U
        ...command('echo one two\x17three'), // Ctrl-W
        ...command('echo wrld\x1b[D\x1b[D\x1b[Do'), // left arrow, insert in the middle
        ...command('\x1b[A'), // up arrow: the previous line again
        { send: 'cat uniq', perKeyPauseMs: 4 },
        { send: '\t', expect: 'filename.txt' }, // tab completion
        { send: '\r', expect: PROMPT },
        ...command(`echo ${'x'.repeat(150)}`), // wraps twice at 80 columns
        { send: "read -s -p 'Password: ' pw\r", expect: 'Password: ' },
        { send: PASSWORD, perKeyPauseMs: 4 },
        { send: '\r', expect: PROMPT },
        ...command(BASH_LENGTH_OF_PW, 'len-14'),
        { send: 'echo aborted', perKeyPauseMs: 4 },
        { send: '\x03', expect: PROMPT }, // Ctrl-C: nothing runs
        ...command('echo next'),
        { send: '\x12hello', perKeyPauseMs: 10 }, // Ctrl-R reverse search
        { send: '\r', expect: PROMPT },
        { send: `${FULLSCREEN} notes.txt\r`, expect: '\x1b[?1049h', pauseMs: 200 },
        { send: fullscreenKeys, perKeyPauseMs: 4, expect: PROMPT },
        { send: 'echo typed-but-not-run', perKeyPauseMs: 4 },
        { send: '\x0c', expect: PROMPT }, // Ctrl-L clears the screen and redraws the line at the top
        { send: '\x15echo after-clear', perKeyPauseMs: 4 },
        { send: '\r', expect: PROMPT },
      ],
      { cwd: dir },
    );
    const { trace, live, offline } = await liveAndOffline(spec);
    if (process.env.TAPLINE_RECORD_FIXTURE === '1') {
      const path = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bash-session.json');
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify({ ...trace, fullscreen: FULLSCREEN }, null, 0)}\n`);
    }

    expect(commandTexts(offline)).toEqual([
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
      `[fullscreen] ${FULLSCREEN} notes.txt`,
      'echo after-clear',
    ]);
    const fullscreen = offline.find((event) => event.kind === 'fullscreen')!;
    expect(fullscreen).toMatchObject({ program: FULLSCREEN });
    expect(fullscreen.endedOffsetNs).toBeGreaterThan(fullscreen.startedOffsetNs);
    checkTimes(offline);
    expect(live).toEqual(offline);
    // The password really went through the terminal, and bash read it ...
    expect(directionText(trace, 'input')).toContain(PASSWORD);
    expect(directionText(trace, 'output')).toContain('len-14');
    // ... but it is in no event.
    expect(JSON.stringify(offline)).not.toContain(PASSWORD);
    expect(JSON.stringify(offline)).not.toContain('hunter2');
  });

  test('multi-line prompt, resize, bracketed paste, a cooked read, less, ssh-keygen and sudo passphrases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapline-terminal-'));
    writeFileSync(join(dir, 'long.txt'), 'line\n'.repeat(200));
    const secrets = ['kg-secret-1', 'sudo-secret-9'];
    const spec = bashSpec(
      [
        ...command('echo first'),
        { send: `echo ${'y'.repeat(100)}`, perKeyPauseMs: 2 },
        { resize: [50, 20], pauseMs: 100 },
        { send: '\r', expect: PROMPT },
        ...command('tput cols', '50'),
        { send: `echo ${'z'.repeat(30)}`, perKeyPauseMs: 2 },
        { resize: [100, 20], pauseMs: 100 },
        { send: '\x1b[D\x1b[D-', perKeyPauseMs: 5 },
        { send: '\r', expect: PROMPT },
        { send: '\x1b[200~echo pasted one\recho pasted two\x1b[201~', pauseMs: 100 },
        { send: '\r', expect: 'pasted two\r\n' },
        { send: 'cat\r', expect: 'cat\r\n' },
        { send: 'line for cat\r', expect: 'line for cat\r\n' },
        { send: '\x04', expect: PROMPT },
        { send: 'less long.txt\r', expect: '\x1b[?1049h', pauseMs: 100 },
        { send: ' ', pauseMs: 50 },
        { send: 'q', expect: PROMPT },
        ...(HAS_SSH_KEYGEN
          ? [
              { send: 'ssh-keygen -q -t ed25519 -f key1\r', expect: 'passphrase' },
              { send: `${secrets[0]}\r`, expect: 'again' },
              { send: `${secrets[0]}\r`, expect: PROMPT },
            ]
          : []),
        ...(HAS_SUDO
          ? [
              { send: 'su -s /bin/bash nobody\r', expect: '$ ' },
              { send: 'sudo -k true\r', expect: 'password for' },
              { send: `${secrets[1]}\r`, expect: 'assword' },
              { send: '\x03', expect: '$ ' },
              { send: 'exit\r', expect: PROMPT },
            ]
          : []),
        ...command('echo done'),
      ],
      { cwd: dir, ps1: '[\\w]\\ntap$ ' },
    );
    const { trace, live, offline } = await liveAndOffline(spec);
    if (!HAS_SSH_KEYGEN) console.warn('ssh-keygen missing: its passphrase prompt was not tested');
    if (!HAS_SUDO) console.warn('sudo or su missing (or not root): the sudo prompt was not tested');
    expect(commandTexts(offline)).toEqual([
      'echo first',
      `echo ${'y'.repeat(100)}`,
      'tput cols',
      `echo ${'z'.repeat(28)}-zz`,
      // A bracketed paste of two lines, accepted with one Enter: the shell runs two commands.
      'echo pasted one',
      'echo pasted two',
      // The line typed for `cat` went to cat, not to the shell: not a command.
      'cat',
      '[fullscreen] less long.txt',
      ...(HAS_SSH_KEYGEN ? ['ssh-keygen -q -t ed25519 -f key1'] : []),
      ...(HAS_SUDO ? ['su -s /bin/bash nobody', 'sudo -k true', 'exit'] : []),
      'echo done',
    ]);
    expect(offline.find((event) => event.kind === 'fullscreen')).toMatchObject({ program: 'less' });
    checkTimes(offline);
    expect(live).toEqual(offline);
    const input = directionText(trace, 'input');
    for (const secret of secrets) {
      if (secret === secrets[0] && !HAS_SSH_KEYGEN) continue;
      if (secret === secrets[1] && !HAS_SUDO) continue;
      expect(input).toContain(secret);
      expect(JSON.stringify(offline)).not.toContain(secret);
    }
  });
});

// Other shells with their own line editors (zsh's ZLE, busybox ash — what
// `kubectl exec -it … sh` often gets). Tested when installed (Debian: zsh, busybox).
describe.each([
  ['zsh', ['zsh', '-f', '-i']],
  ['busybox sh', ['busybox', 'sh', '-i']],
])('real %s in a pty', (name, argv) => {
  test.skipIf(!has(argv[0]!))(
    `editing, history, wrapping, a no-echo password and vi in ${name}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tapline-terminal-'));
      const spec: PtySpec = {
        argv,
        cwd: dir,
        env: { PS1: PROMPT, PROMPT, TERM: 'xterm-256color', PATH: '/usr/bin:/bin', HOME: dir },
        cols: 80,
        rows: 24,
        steps: [
          { expect: PROMPT },
          ...command('echo plain'),
          ...command('echo hellx\x7fo'),
          ...command('echo wrld\x1b[D\x1b[D\x1b[Do'),
          ...command('\x1b[A'),
          ...command(`echo ${'x'.repeat(100)}`),
          { send: 'read -s pw\r', pauseMs: 100 },
          { send: PASSWORD, perKeyPauseMs: 4 },
          { send: '\r', expect: PROMPT },
          ...command(BASH_LENGTH_OF_PW, 'len-14'),
          ...(has(FULLSCREEN)
            ? [
                { send: `${FULLSCREEN} notes.txt\r`, expect: '\x1b[?1049h', pauseMs: 200 },
                { send: FULLSCREEN === 'vi' ? ':q\r' : 'q', expect: PROMPT },
              ]
            : []),
          ...command('echo done'),
        ],
      };
      const { trace, live, offline } = await liveAndOffline(spec);
      expect(commandTexts(offline)).toEqual([
        'echo plain',
        'echo hello',
        'echo world',
        'echo world',
        `echo ${'x'.repeat(100)}`,
        'read -s pw',
        BASH_LENGTH_OF_PW,
        `[fullscreen] ${FULLSCREEN} notes.txt`,
        'echo done',
      ]);
      checkTimes(offline);
      expect(live).toEqual(offline);
      expect(directionText(trace, 'input')).toContain(PASSWORD);
      expect(directionText(trace, 'output')).toContain('len-14');
      expect(JSON.stringify(offline)).not.toContain('hunter2');
    },
  );
});

// Lines that reach the shell several per write (a paste, tmux send-keys,
// type-ahead) and multi-line commands at the continuation prompt, in each
// real shell: its own echo (readline, ZLE, busybox lineedit) is what is read.
describe.each([
  ['bash', ['bash', '--norc', '--noprofile', '-i']],
  ['zsh', ['zsh', '-f', '-i']],
  ['busybox sh', ['busybox', 'sh', '-i']],
])('real %s: several lines per write and multi-line commands', (name, argv) => {
  test.skipIf(!has(argv[0]!))(
    `a 20-line paste, type-ahead, a for block and a heredoc in ${name}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tapline-terminal-'));
      const pasted = Array.from({ length: 20 }, (_, i) => `echo out-$((${i}+1))`);
      const spec: PtySpec = {
        argv,
        cwd: dir,
        env: {
          PS1: PROMPT,
          PROMPT,
          TERM: 'xterm-256color',
          PATH: '/usr/bin:/bin',
          HOME: dir,
          HISTFILE: '/dev/null',
        },
        cols: 80,
        rows: 24,
        steps: [
          { expect: PROMPT },
          { send: pasted.map((line) => `${line}\r`).join(''), expect: 'out-20\r\n', pauseMs: 300 },
          { send: 'for i in 1 2; do\r', expect: '> ' },
          { send: 'echo loop-$i\r', expect: '> ' },
          ...command('done'),
          { send: 'cat <<EOF\r', expect: '> ' },
          { send: 'heredoc body\r', expect: '> ' },
          ...command('EOF'),
          { send: 'sleep 0.3\r', pauseMs: 50 },
          { send: 'echo after-$((1+1))\r', expect: 'after-2\r\n', pauseMs: 300 },
          ...command('echo done'),
        ],
      };
      const { live, offline } = await liveAndOffline(spec);
      expect(commandTexts(offline)).toEqual([
        ...pasted,
        'for i in 1 2; do\necho loop-$i\ndone',
        'cat <<EOF\nheredoc body\nEOF',
        'sleep 0.3',
        'echo after-$((1+1))',
        'echo done',
      ]);
      const events = offline.filter((event) => event.kind === 'command');
      expect(events.slice(0, 20).every((event) => event.source === 'pasted')).toBe(true);
      expect(events.slice(20).map((event) => event.programs.map((program) => program.name))).toEqual([
        ['echo'],
        ['cat'],
        ['sleep'],
        ['echo'],
        ['echo'],
      ]);
      checkTimes(offline);
      expect(live).toEqual(offline);
    },
  );
});
