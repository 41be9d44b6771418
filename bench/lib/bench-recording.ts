// One recorded session on the real recorder (writer, zstd workers, spool,
// file sink), fed as a proxy feeds it, for the benches that measure the
// recorder alone (bench/recorder-cpu.ts, the long session of the memory suite).
import { join } from 'node:path';
import { createFileSink, createRecorder, type RecordedSession, type Recorder } from '@tapline/core';

export interface BenchRecording {
  recorder: Recorder;
  session: RecordedSession;
  /** The sealed recording, once the session ended and the recorder is idle. */
  path: string;
  /**
   * Call after each chunk fed, with its length: every 256 KiB it lets the
   * pipeline run, and it waits while 4 MiB or more is queued in front of the
   * writer, so nothing is dropped as a gap. Undefined when there is nothing to
   * wait for (no await per chunk in the measured loop).
   */
  pace(bytes: number): Promise<void> | undefined;
}

const QUEUED_LIMIT = 4 * 1024 * 1024;
const YIELD_EVERY = 256 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startBenchRecording(directory: string): Promise<BenchRecording> {
  const recorder = createRecorder({
    // The default per-session spool quota (2 GiB) would stop recording content halfway.
    spool: { directory: join(directory, 'spool'), maxSessionBytes: 64 * 1024 ** 3 },
    sinks: [createFileSink({ directory: join(directory, 'recordings'), fsync: 'close' })],
  });
  const session = await recorder.start({
    protocol: 'ssh',
    user: { id: 'bench' },
    accessRequestId: 'ar-bench',
    resource: { id: 'r', type: 'ssh' },
  });
  // The recorder's session exposes its queue (not part of the RecordedSession contract).
  const queued = () => (session as unknown as { queuedBytes: number }).queuedBytes;
  let sinceYield = 0;
  const wait = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    while (queued() > QUEUED_LIMIT) await sleep(1);
  };
  return {
    recorder,
    session,
    path: join(directory, 'recordings', `${session.sessionId}.tapline`),
    pace(bytes) {
      sinceYield += bytes;
      if (sinceYield < YIELD_EVERY && queued() <= QUEUED_LIMIT) return undefined;
      sinceYield = 0;
      return wait();
    },
  };
}
