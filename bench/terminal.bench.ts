// Terminal command extraction against a bare @xterm/headless Terminal fed the
// same bytes: the emulator is the ceiling the extractor can reach.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { extractCommands, type TerminalStreamEvent } from '@tapline/terminal';
import { MB, measure, type Report } from './lib/harness.js';

const require = createRequire(import.meta.resolve('@tapline/terminal'));
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

function lsOutput(limit: number): Buffer {
  let out: Buffer;
  try {
    out = execFileSync('ls', ['-laR', '/usr'], {
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    out = (error as { stdout: Buffer }).stdout;
  }
  // A terminal shows LF as CR LF.
  return Buffer.from(out.subarray(0, limit).toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
}

async function bareXterm(chunks: Buffer[]): Promise<void> {
  const terminal = new Terminal({ cols: 120, rows: 40, scrollback: 100, allowProposedApi: true });
  for (const chunk of chunks) terminal.write(chunk);
  await new Promise<void>((resolve) => terminal.write('', resolve));
  terminal.dispose();
}

export async function terminalBench(report: Report, options: { quick: boolean }): Promise<void> {
  const text = lsOutput(options.quick ? 8 * MB : 32 * MB);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < text.length; offset += 32 * 1024)
    chunks.push(text.subarray(offset, offset + 32 * 1024));
  const events: TerminalStreamEvent[] = chunks.map((bytes, index) => ({
    kind: 'output',
    bytes,
    offsetNs: index,
  }));
  const group = 'terminal extraction (ls -laR, 32 KiB chunks)';
  const runs = options.quick ? 3 : 5;
  const bare = await measure(() => bareXterm(chunks), runs);
  report.add({ group, name: 'bare @xterm/headless', value: text.length / MB / bare.seconds, unit: 'MB/s' });
  const extract = await measure(() => extractCommands(events, { cols: 120, rows: 40 }), runs);
  report.add({
    group,
    name: 'command extractor',
    value: text.length / MB / extract.seconds,
    unit: 'MB/s',
    baseline: 'bare @xterm/headless',
    goal: '≥ 50 MB/s',
  });
}
