// The keystroke-heavy row alone (the recorded bash session repeated), for
// profiling: node --cpu-prof --import tsx --conditions=source bench/keystrokes.bench.ts
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extractCommands, type TerminalStreamEvent } from '../src/index.js';

const require = createRequire(import.meta.url);
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

const fixture = JSON.parse(
  readFileSync(new URL('../test/fixtures/bash-session.json', import.meta.url), 'utf8'),
) as {
  events: Array<{ type: string; offsetNs: number; data?: string }>;
};
const REPEAT = Number(process.env.REPEAT ?? 200);
const session: TerminalStreamEvent[] = [];
for (let i = 0; i < REPEAT; i++) {
  for (const event of fixture.events) {
    if (event.type === 'resize') continue;
    const bytes = new Uint8Array(Buffer.from(event.data!, 'base64'));
    session.push({
      kind: event.type as 'output' | 'input',
      bytes,
      offsetNs: event.offsetNs + i * 10_000_000_000,
    });
  }
}
const output = session
  .filter((event) => event.kind === 'output')
  .map((event) => (event as { bytes: Uint8Array }).bytes);
const outputBytes = output.reduce((sum, bytes) => sum + bytes.length, 0);
for (let run = 0; run < Number(process.env.RUNS ?? 3); run++) {
  const bareStart = performance.now();
  const bareCpu = process.cpuUsage();
  const terminal = new Terminal({ cols: 120, rows: 40, scrollback: 100, allowProposedApi: true });
  await new Promise<void>((resolve) => {
    for (const bytes of output) terminal.write(bytes);
    terminal.write('', resolve);
  });
  terminal.dispose();
  const bareMs = performance.now() - bareStart;
  const bareCpuUsage = process.cpuUsage(bareCpu);
  const bareCpuMs = (bareCpuUsage.user + bareCpuUsage.system) / 1000;
  console.log(
    `bare @xterm/headless: ${(outputBytes / 1e6).toFixed(1)} MB in ${bareMs.toFixed(0)} ms: ${(outputBytes / 1e3 / bareMs).toFixed(1)} MB/s; CPU ${bareCpuMs.toFixed(0)} ms`,
  );
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const events = await extractCommands(session, { cols: 120, rows: 40 });
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `extractor: ${events.length} events in ${ms.toFixed(0)} ms: ${((events.length / ms) * 1000).toFixed(0)} commands/s, ${(outputBytes / 1e3 / ms).toFixed(1)} MB/s of output; CPU ${cpuMs.toFixed(0)} ms: ${((events.length / cpuMs) * 1000).toFixed(0)} commands per CPU-second`,
  );
}
