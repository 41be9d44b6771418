// The synchronous cost of command() on the session (what the relay pays) with
// no subscriber, one listener, one stalled listener (its queue full: drops),
// and three alert rules none of which match. Short: 3 rounds x 20,000 calls.
//   pnpm exec tsx --conditions=source packages/core/bench/live-stream.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type RecorderOptions } from '../src/index.js';

const PER_TICK = 100; // commands per event-loop turn, as a busy relay would publish
const TICKS = 200;
async function once(extra: Partial<RecorderOptions>, setup: (r: ReturnType<typeof createRecorder>) => void) {
  const root = mkdtempSync(join(tmpdir(), 'tapline-livebench-'));
  const recorder = createRecorder({
    sinks: [createFileSink({ directory: join(root, 'out') })],
    spool: { directory: join(root, 'spool') },
    ...extra,
  });
  setup(recorder);
  const session = await recorder.start({
    protocol: 'ssh',
    user: { id: 'u' },
    accessRequestId: 'ar',
    resource: { id: 'r', type: 'ssh' },
  });
  let busy = 0n;
  for (let tick = 0; tick < TICKS; tick++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < PER_TICK; i++)
      session.command({ streamId: 0, text: `ls -la /tmp/x${i}`, source: 'exec' });
    busy += process.hrtime.bigint() - t0;
    await new Promise((r) => setImmediate(r));
  }
  await session.end('client_closed');
  const stats = recorder.stats().live;
  await recorder.close();
  rmSync(root, { recursive: true, force: true });
  return { ns: Number(busy) / (PER_TICK * TICKS), dropped: stats.dropped };
}
const configs: Array<[string, Partial<RecorderOptions>, (r: ReturnType<typeof createRecorder>) => void]> = [
  ['no subscriber', {}, () => {}],
  ['1 listener', {}, (r) => r.on('action', () => {})],
  ['1 stalled listener', {}, (r) => r.on('action', () => new Promise(() => {}))],
  [
    '3 alert rules',
    {
      alerts: {
        rules: [
          { id: 'a', action: { command: { regex: '^rm\\s+-rf' } } },
          { id: 'b', action: { verb: 'delete' } },
          { id: 'c', session: { labels: { env: 'prod' } } },
        ],
      },
    },
    () => {},
  ],
];
const results = new Map<string, number[]>();
const dropped = new Map<string, number>();
for (let round = 0; round < 3; round++) {
  for (const [label, extra, setup] of configs) {
    const r = await once(extra, setup);
    results.set(label, [...(results.get(label) ?? []), r.ns]);
    dropped.set(label, r.dropped);
  }
}
for (const [label, values] of results) {
  values.sort((a, b) => a - b);
  console.log(
    `${label}: median ${values[1]!.toFixed(0)} ns per command() (runs ${values.map((v) => v.toFixed(0)).join('/')}), dropped ${dropped.get(label)}`,
  );
}
