// One very long recorded session, in its own process so its RSS is its own:
// the real recorder (writer, spool, file sink) fed the Data of a corpus
// recording scaled to `bytes`, as a proxy would feed it (session.data()),
// while RSS is sampled. Feeding is paced on the session's queue so nothing is
// dropped as a gap: the pipeline runs as fast as it can, never faster.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchRecording } from './bench-recording.js';
import { loadFrames } from './recording.js';
import { scaledData } from './scale.js';

export interface LongSessionResult {
  bytes: number;
  seconds: number;
  /** [payload bytes fed so far, RSS bytes], every 200 ms. */
  samples: Array<[number, number]>;
  bytesNotRecorded: number;
  frames: number;
  recordingBytes: number;
}

const CHILD_FLAG = 'TAPLINE_LONG_SESSION_CHILD';

/** Runs the session in a child process and returns what it measured. */
export async function measureLongSession(source: string, bytes: number): Promise<LongSessionResult> {
  const child = fork(import.meta.filename, [], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    env: { ...process.env, [CHILD_FLAG]: JSON.stringify({ source, bytes }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = new Promise<LongSessionResult>((resolve, reject) => {
    child.on('message', (message: LongSessionResult) => resolve(message));
    child.on('exit', (code) => reject(new Error(`long session exited with ${code} before reporting`)));
  });
  try {
    return await result;
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
}

async function runChild(source: string, bytes: number): Promise<LongSessionResult> {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-long-session-'));
  try {
    const frames = await loadFrames(source);
    const { recorder, session, path, pace } = await startBenchRecording(directory);
    const streamId = session.openStream('ssh_shell', { cols: 120, rows: 40, details: { term: 'xterm' } });
    const samples: Array<[number, number]> = [];
    let fed = 0;
    const sampler = setInterval(() => samples.push([fed, process.memoryUsage.rss()]), 200);
    const started = performance.now();
    for (const chunk of scaledData(frames, { targetBytes: bytes })) {
      session.data(
        streamId,
        chunk.direction === 1 ? 'client_to_target' : 'target_to_client',
        chunk.bytes,
        chunk.channel,
      );
      fed += chunk.bytes.length;
      const waiting = pace(chunk.bytes.length);
      if (waiting) await waiting;
    }
    const summary = await session.end('client_closed');
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    samples.push([fed, process.memoryUsage.rss()]);
    await recorder.idle();
    await recorder.close();
    const recordingBytes = statSync(path).size;
    return {
      bytes: fed,
      seconds,
      samples,
      bytesNotRecorded: summary.bytesNotRecorded,
      frames: summary.frames,
      recordingBytes,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const childConfig = process.env[CHILD_FLAG];
if (childConfig) {
  const { source, bytes } = JSON.parse(childConfig) as { source: string; bytes: number };
  const result = await runChild(source, bytes);
  process.send?.(result, () => process.exit(0));
}
