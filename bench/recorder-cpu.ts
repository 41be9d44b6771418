// The recorder alone, as a proxy drives it: one session fed N MiB of corpus
// output (or random bytes) through session.data() in frames of one size, to
// the real writer, zstd workers, spool and file sink. Prints the CPU of this
// process (every thread: the zstd workers and libuv's pool included) per MiB,
// the rate and the bytes stored. Feeding waits while 4 MiB is queued in front
// of the writer, so nothing is dropped as a gap.
//
//   node --import tsx --conditions=source bench/recorder-cpu.ts [--mib 1024] [--rounds 2] [--source text|random] [--frame 32768]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchRecording } from './lib/bench-recording.js';
import { chunksOf, corpusOutput } from './lib/corpus.js';

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '2' },
    source: { type: 'string', default: 'text' },
    frame: { type: 'string', default: '32768' },
  },
});
const mib = Number(values.mib);
const frameBytes = Number(values.frame);
const source = values.source === 'random' ? 'random' : 'text';

// 64 MiB of input, fed again and again as views: building the input is not measured, nor held N times.
const input = source === 'random' ? randomBytes(64 * MiB) : await corpusOutput(64 * MiB);
const frames = chunksOf(input, frameBytes);

for (let round = 0; round < Number(values.rounds); round++) {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-recorder-cpu-'));
  try {
    const { recorder, session, path, pace } = await startBenchRecording(directory);
    const streamId = session.openStream('ssh_exec', { details: { command: 'cat' } });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let fed = 0;
    while (fed < mib * MiB) {
      for (const frame of frames) {
        session.data(streamId, 'target_to_client', frame);
        fed += frame.byteLength;
        const waiting = pace(frame.byteLength);
        if (waiting) await waiting;
      }
    }
    const summary = await session.end('client_closed');
    await recorder.idle();
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - started) / 1000;
    await recorder.close();
    const stored = statSync(path).size;
    const fedMiB = fed / MiB;
    console.log(
      `${source}, ${frameBytes} B frames, ${fedMiB.toFixed(0)} MiB: ` +
        `CPU ${((cpu.user + cpu.system) / 1000 / fedMiB).toFixed(2)} ms/MiB ` +
        `(user ${(cpu.user / 1000 / fedMiB).toFixed(2)}, system ${(cpu.system / 1000 / fedMiB).toFixed(2)}), ` +
        `${(fedMiB / seconds).toFixed(0)} MiB/s, stored ${(stored / fed).toFixed(3)}× the bytes, ` +
        `not recorded ${summary.bytesNotRecorded}`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
