// Replays a session the oracle test kept (a mismatch, or TAPLINE_ORACLE_KEEP=1):
// the extractor run offline over its recorded terminal stream, compared with
// the shell's own log in the same directory, as the test compares them.
//   node --import tsx --conditions=source packages/ssh/test/oracle/replay.ts DIR [--commands]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCommands, type TerminalStreamEvent } from '@tapline/terminal';
import { compareCommands, formatComparison } from './compare.js';
import type { ShellName } from './generator.js';
import { readShellLog } from './shells.js';

interface KeptStream {
  cols: number;
  rows: number;
  events: Array<{
    type: 'input' | 'output' | 'resize';
    offsetNs: number;
    data?: string;
    cols?: number;
    rows?: number;
  }>;
}

const [directory, flag] = process.argv.slice(2);
if (directory === undefined) {
  console.error('usage: replay.ts DIR [--commands]');
  process.exit(2);
}
const shell = (['bash', 'zsh', 'busybox'] as const).find((name: ShellName) =>
  existsSync(join(directory, name === 'busybox' ? 'busybox.snapshots' : `${name}.log`)),
);
if (shell === undefined) {
  console.error(`${directory} holds no shell log (bash.log, zsh.log or busybox.snapshots)`);
  process.exit(2);
}
const kept = JSON.parse(readFileSync(join(directory, 'terminal-1.json'), 'utf8')) as KeptStream;
const events: TerminalStreamEvent[] = kept.events.map((event) =>
  event.type === 'resize'
    ? { kind: 'resize', cols: event.cols!, rows: event.rows!, offsetNs: event.offsetNs }
    : { kind: event.type, bytes: Buffer.from(event.data ?? '', 'base64'), offsetNs: event.offsetNs },
);
const extracted = await extractCommands(events, { cols: kept.cols, rows: kept.rows });
const recorded = extracted.flatMap((event) =>
  event.kind === 'command' || event.kind === 'fullscreen' ? [event.text] : [],
);
console.log(
  formatComparison(`${shell} ${directory}`, compareCommands(readShellLog(shell, directory), recorded)),
);
if (flag === '--commands') {
  for (const event of extracted) {
    if (event.kind === 'gap') continue;
    const ended = event.endedOffsetNs === undefined ? '-' : (event.endedOffsetNs / 1e6).toFixed(1);
    console.log(
      `${(event.startedOffsetNs / 1e6).toFixed(1)} ${ended} ${event.kind} ${JSON.stringify(event.text)}`,
    );
  }
}
