// The keystroke-heavy row alone (the recorded bash session repeated), for
// profiling: node --cpu-prof --import tsx --conditions=source bench/keystrokes.bench.ts
import { readFileSync } from 'node:fs';
import { extractCommands, type TerminalStreamEvent } from '../src/index.js';

const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/bash-session.json', import.meta.url), 'utf8')) as {
  events: Array<{ type: string; offsetNs: number; data?: string }>;
};
const REPEAT = Number(process.env.REPEAT ?? 200);
const session: TerminalStreamEvent[] = [];
for (let i = 0; i < REPEAT; i++) {
  for (const event of fixture.events) {
    if (event.type === 'resize') continue;
    const bytes = new Uint8Array(Buffer.from(event.data!, 'base64'));
    session.push({ kind: event.type as 'output' | 'input', bytes, offsetNs: event.offsetNs + i * 10_000_000_000 });
  }
}
for (let run = 0; run < Number(process.env.RUNS ?? 3); run++) {
  const start = performance.now();
  const events = await extractCommands(session, { cols: 120, rows: 40 });
  const ms = performance.now() - start;
  console.log(`${events.length} events in ${ms.toFixed(0)} ms: ${((events.length / ms) * 1000).toFixed(0)} events/s`);
}
