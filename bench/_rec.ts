import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder } from '@tapline/core';
const recorder = createRecorder({
  spool: { directory: mkdtempSync(join(tmpdir(), 'rec-spool-')) },
  sinks: [createFileSink({ directory: mkdtempSync(join(tmpdir(), 'rec-out-')) })],
});
const kind = process.env.KIND ?? 'zero';
import { createHash } from 'node:crypto';
const hexRows = () => { const rows: string[] = []; let n = 0; for (let i = 1; n < 16 << 20; i++) { const h = (x: string) => createHash('md5').update(x).digest('hex'); const r = `${i}\t${h(String(i))}\t${h(String(-i))}\t${h(i + 'c')}\n`; rows.push(r); n += r.length; } return Buffer.from(rows.join('')); };
const hex = kind === 'hex' ? hexRows() : undefined;
const chunk = kind === 'hex' ? hex!.subarray(0, Number(process.env.CHUNK ?? 16384)) : kind === 'zero' ? Buffer.alloc(Number(process.env.CHUNK ?? 16384)) : Buffer.from(Array.from({ length: 16384 }, (_, i) => 32 + ((i * 7919) % 90)));
for (let round = 0; round < 4; round++) {
  const session = await recorder.start({ protocol: 'kubernetes', user: { id: 'u' }, accessRequestId: 'a', resource: { id: 'r', type: 'kubernetes' } } as any);
  const stream = session.openStream({ kind: 'kube_exec' } as any);
  const cpu0 = process.cpuUsage(); const t0 = performance.now();
  const mib = 256;
  for (let i = 0; i < (mib * 1048576) / chunk.length; i++) {
    const piece = hex ? hex.subarray((i * chunk.length) % (hex.length - chunk.length), (i * chunk.length) % (hex.length - chunk.length) + chunk.length) : chunk;
    session.data(stream, 'target_to_client', process.env.FRESH ? Buffer.from(piece) : piece);
    if (i % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  await session.end('completed' as any);
  const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
  console.log(`${kind}: ${mib} MiB in ${ms.toFixed(0)} ms, CPU ${((cpu.user + cpu.system) / 1000 / mib).toFixed(2)} ms/MiB`);
}
await recorder.close();
