import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { extractCommands } from '../src/index.js';
import { streamEvents } from './pty.js';
test('dbg', async () => {
  const trace = JSON.parse(readFileSync(process.env.TRACE!, 'utf8'));
  const events = streamEvents(trace);
  const n = Number(process.env.N ?? events.length);
  const out = await extractCommands(events.slice(0, n), { cols: trace.cols, rows: trace.rows });
  for (const e of out) console.log(JSON.stringify(e));
});
