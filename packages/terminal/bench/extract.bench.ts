// Throughput of command extraction against a bare @xterm/headless Terminal
// fed the same bytes (the ceiling: the extractor cannot beat its emulator).
//   pnpm --filter @tapline/terminal bench
// Prints MB/s (10^6 bytes of terminal output per second), medians of RUNS runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createCommandExtractor, extractCommands, type TerminalStreamEvent } from '../src/index.js';

const require = createRequire(import.meta.url);
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

const RUNS = Number(process.env.RUNS ?? 5);
const COLS = 120;
const ROWS = 40;
const SCROLLBACK = 100;

/** Command output as a terminal shows it: LF → CR LF, at most `limit` bytes. */
function corpus(args: string[], limit: number): Uint8Array {
  let text: string;
  try {
    text = execFileSync(args[0]!, args.slice(1), {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .subarray(0, limit)
      .toString('latin1');
  } catch (error) {
    // ls exits non-zero on unreadable folders but still prints.
    text = ((error as { stdout?: Buffer }).stdout ?? Buffer.alloc(0)).subarray(0, limit).toString('latin1');
  }
  return new Uint8Array(Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'));
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const list: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += size) list.push(bytes.subarray(start, start + size));
  return list;
}

async function bare(list: Uint8Array[]): Promise<void> {
  const terminal = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true });
  await new Promise<void>((resolve) => {
    for (const chunk of list) terminal.write(chunk);
    terminal.write(new Uint8Array(0), resolve);
  });
  terminal.dispose();
}

/** The live path: output() as chunks arrive, waiting only when it says the queue is half full. */
async function live(list: Uint8Array[]): Promise<number> {
  const extractor = createCommandExtractor({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK });
  let offsetNs = 0;
  for (const chunk of list) {
    offsetNs += 1000;
    if (!extractor.output(chunk, offsetNs)) await extractor.drained();
  }
  await extractor.end(offsetNs);
  if (extractor.stats.droppedBytes !== 0) throw new Error('the live bench dropped bytes');
  return extractor.stats.outputBytes;
}

async function offline(events: TerminalStreamEvent[]): Promise<number> {
  return (await extractCommands(events, { cols: COLS, rows: ROWS, scrollback: SCROLLBACK })).length;
}

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await run(); // warm up
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function row(name: string, bytes: number, ms: number, baselineMs?: number): void {
  const rate = bytes / 1e6 / (ms / 1000);
  const ratio = baselineMs === undefined ? '' : `  ${(baselineMs / ms).toFixed(2)}× baseline`;
  console.log(
    `${name.padEnd(44)} ${(bytes / 1e6).toFixed(1).padStart(6)} MB ${rate.toFixed(1).padStart(7)} MB/s${ratio}`,
  );
}

const plain = corpus(['ls', '-laR', '/usr'], 24_000_000);
const colour = corpus(['ls', '--color=always', '-laR', '/usr'], 24_000_000);

console.log(
  `node ${process.version}, ${RUNS} runs, median; terminal ${COLS}x${ROWS}, scrollback ${SCROLLBACK}`,
);
for (const [label, bytes] of [
  ['ls -laR (plain)', plain],
  ['ls --color -laR (SGR colours)', colour],
] as const) {
  for (const size of [4096, 32768]) {
    const list = chunks(bytes, size);
    const baseline = await median(() => bare(list));
    row(`bare @xterm/headless, ${label}, ${size / 1024} KiB`, bytes.length, baseline);
    row(
      `extractor live, ${label}, ${size / 1024} KiB`,
      bytes.length,
      await median(() => live(list)),
      baseline,
    );
  }
}

// A command-heavy stream: the recorded bash session (keystrokes, prompts, vi)
// repeated, offsets shifted. Checks the answer too, so a broken extractor shows.
const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/bash-session.json', import.meta.url), 'utf8'),
) as {
  events: Array<{ type: string; offsetNs: number; data?: string; cols?: number; rows?: number }>;
};
const REPEAT = 200;
const session: TerminalStreamEvent[] = [];
let sessionBytes = 0;
for (let i = 0; i < REPEAT; i++) {
  const shift = i * 10_000_000_000;
  for (const event of fixture.events) {
    if (event.type === 'resize') continue;
    const bytes = new Uint8Array(Buffer.from(event.data!, 'base64'));
    if (event.type === 'output') sessionBytes += bytes.length;
    session.push({ kind: event.type as 'output' | 'input', bytes, offsetNs: event.offsetNs + shift });
  }
}
const sessionOutput = session
  .filter((event) => event.kind === 'output')
  .map((event) => (event as { bytes: Uint8Array }).bytes);
const count = await offline(session);
if (count !== 14 * REPEAT)
  throw new Error(`expected ${14 * REPEAT} events from the repeated session, got ${count}`);
const sessionBaseline = await median(() => bare(sessionOutput));
row(`bare @xterm/headless, bash session x${REPEAT}`, sessionBytes, sessionBaseline);
const sessionMs = await median(() => offline(session));
row(`extractor offline, bash session x${REPEAT}`, sessionBytes, sessionMs, sessionBaseline);
console.log(
  `  ${session.length} events (${session.length - sessionOutput.length} keystroke chunks), ${count} commands: ` +
    `${((count / sessionMs) * 1000).toFixed(0)} commands/s`,
);
