// Terminal command extraction on the recorded shells, against a bare
// @xterm/headless Terminal fed the same output (the emulator is the ceiling
// the extractor can reach). Each recording is repeated to a size worth
// timing, offsets shifted; the command-heavy shell session is checked to give
// its twelve commands on every pass, so a broken extractor shows.
import { createRequire } from 'node:module';
import { extractCommands, type TerminalStreamEvent } from '@tapline/terminal';
import { comparePair, MB, type Report } from './lib/harness.js';
import { type CorpusName, dataOf, loadFrames, streamsOf, TARGET_TO_CLIENT } from './lib/recording.js';

const require = createRequire(import.meta.resolve('@tapline/terminal'));
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

interface Workload {
  events: TerminalStreamEvent[];
  output: Uint8Array[];
  outputBytes: number;
  cols: number;
  rows: number;
  passes: number;
}

/** The shell stream of a recording, as extractor events, repeated until `targetBytes` of output. */
async function workload(name: CorpusName, targetBytes: number): Promise<Workload> {
  const frames = await loadFrames(name);
  const shell = streamsOf(frames).find((stream) => stream.kind === 'ssh_shell')!;
  const once: TerminalStreamEvent[] = [];
  let passBytes = 0;
  for (const frame of frames) {
    const offsetNs = Number(frame.offsetNs);
    if (frame.resize?.streamId === shell.streamId)
      once.push({ kind: 'resize', cols: frame.resize.cols ?? 0, rows: frame.resize.rows ?? 0, offsetNs });
  }
  for (const chunk of dataOf(frames, { streamId: shell.streamId })) {
    const output = chunk.direction === TARGET_TO_CLIENT;
    once.push({ kind: output ? 'output' : 'input', bytes: chunk.bytes, offsetNs: chunk.offsetNs });
    if (output) passBytes += chunk.bytes.length;
  }
  once.sort((a, b) => a.offsetNs - b.offsetNs);
  const span = (once.at(-1)?.offsetNs ?? 0) + 1_000_000_000;
  const passes = Math.max(1, Math.round(targetBytes / passBytes));
  const events: TerminalStreamEvent[] = [];
  const output: Uint8Array[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const shift = pass * span;
    // Each pass starts at the recorded size again.
    if (pass > 0) events.push({ kind: 'resize', cols: shell.cols, rows: shell.rows, offsetNs: shift });
    for (const event of once) {
      events.push({ ...event, offsetNs: event.offsetNs + shift });
      if (event.kind === 'output') output.push(event.bytes);
    }
  }
  return { events, output, outputBytes: passBytes * passes, cols: shell.cols, rows: shell.rows, passes };
}

async function bareXterm(work: Workload): Promise<void> {
  const terminal = new Terminal({
    cols: work.cols,
    rows: work.rows,
    scrollback: 100,
    allowProposedApi: true,
  });
  for (const event of work.events) {
    if (event.kind === 'output') terminal.write(event.bytes);
    else if (event.kind === 'resize') terminal.resize(event.cols, event.rows);
  }
  await new Promise<void>((resolve) => terminal.write('', resolve));
  terminal.dispose();
}

export async function terminalBench(report: Report, options: { quick: boolean }): Promise<void> {
  const runs = options.quick ? 5 : 7;
  const cases: Array<[CorpusName, string, number, number | undefined]> = [
    ['build-log', 'fast build log', options.quick ? 6 * MB : 24 * MB, undefined],
    ['bulk-cat', 'bulk cat of C headers', options.quick ? 6 * MB : 24 * MB, undefined],
    ['shell-vi', 'interactive shell + vi, commands checked', options.quick ? 0.5 * MB : 2 * MB, 12],
  ];
  for (const [name, label, bytes, commandsPerPass] of cases) {
    const work = await workload(name, bytes);
    let found = 0;
    const extract = async () => {
      found = (await extractCommands(work.events, { cols: work.cols, rows: work.rows })).length;
    };
    const pair = await comparePair(() => bareXterm(work), extract, runs);
    if (commandsPerPass !== undefined && found !== commandsPerPass * work.passes)
      throw new Error(
        `${name}: expected ${commandsPerPass * work.passes} commands, the extractor found ${found}`,
      );
    const group = `terminal extraction (${label})`;
    report.note(
      `${name}: ${(work.outputBytes / MB).toFixed(1)} MB of output, ${work.events.length} events (${work.passes} passes), ${work.cols}×${work.rows}`,
    );
    report.add({
      group,
      name: 'bare @xterm/headless',
      value: work.outputBytes / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'command extractor (offline)',
      value: work.outputBytes / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'bare @xterm/headless',
      ratio: pair.ratio,
      goal: '≥ 50 MB/s',
    });
    if (commandsPerPass !== undefined) {
      // The keystroke-heavy session: one event per key, so commands per second is the figure that counts.
      report.add({
        group,
        name: 'command extractor (offline), commands',
        value: found / pair.subject.seconds,
        unit: 'commands/s',
        goal: '≥ 20,000 commands/s',
      });
    }
  }
}
