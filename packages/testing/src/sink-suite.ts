import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  DeliveryReceipt,
  RecordingInfo,
  RecordingSummary,
  Sink,
  SinkCheckpoint,
  SinkRecording,
} from '@tapline/core';
import { describe, it } from 'vitest';
import { createValve, isPendingAfter, type Valve } from './helpers.js';
import { describeMismatch, makeRecordingInfo, makeTestSegments, type TestSegment } from './segments.js';

export type SinkCheckName =
  | 'round-trip'
  | 'checkpoints'
  | 'resume-latest'
  | 'resume-older'
  | 'double-crash'
  | 'abort-keeps-durable'
  | 'empty'
  | 'large-segments'
  | 'concurrent'
  | 'no-mutation'
  | 'backpressure'
  | 'adopt';

export interface SinkSuiteOptions {
  /** Shown in the describe() title. */
  name: string;
  /** A fresh sink for each check (sinks may be shared by recordings, never by checks). */
  factory: () => Promise<Sink> | Sink;
  /**
   * Everything the storage holds for a delivered recording, read the way a
   * reader would (a fresh GET, a fresh file read): the suite calls it right
   * after `close()` resolves, so it proves durability.
   */
  readBack: (receipt: DeliveryReceipt, recording: RecordingInfo) => Promise<Uint8Array>;
  /** Called after each check with every sink the factories made. */
  cleanup?: (sink: Sink) => Promise<void> | void;
  /**
   * A sink whose storage stalls while `valve` is paused (a slow disk, a
   * throttling proxy in front of S3). Enables the backpressure check.
   */
  throttled?: {
    factory: (valve: Valve) => Promise<Sink> | Sink;
    /** Bytes the sink may accept while its storage is stalled (its buffers, queues, socket buffers). */
    maxBufferedBytes: number;
    /** Segment body size in this check. @default maxBufferedBytes / 8 */
    segmentBytes?: number;
  };
  /** Segments in an ordinary recording. @default 12 */
  segmentCount?: number;
  /** Largest body of an ordinary segment; sizes vary from a few bytes up to it. @default 96 KiB */
  segmentBytes?: number;
  /** Body size of each segment in the large-segment check. @default 3 MiB */
  largeSegmentBytes?: number;
  /** Checks to skip, each with the reason shown in the report. */
  skip?: Partial<Record<SinkCheckName, string>>;
  /** Per-check timeout for vitest. @default 60000 */
  timeoutMs?: number;
  /** Produces the segments of a recording (e.g. from the real container writer). @default makeTestSegments */
  makeSegments?: (
    recording: RecordingInfo,
    bodySizes: number[],
    seed: number,
  ) => TestSegment[] | Promise<TestSegment[]>;
}

interface CheckContext {
  options: SinkSuiteOptions;
  sinks: Sink[];
  newSink(): Promise<Sink>;
  segmentsFor(recording: RecordingInfo, sizes: number[], seed: number): Promise<TestSegment[]>;
}

function ordinarySizes(options: SinkSuiteOptions, seed: number): number[] {
  const count = options.segmentCount ?? 12;
  const max = options.segmentBytes ?? 96 * 1024;
  const sizes: number[] = [];
  let state = seed * 7919;
  for (let i = 0; i < count; i++) {
    state = (state * 48271) % 2147483647;
    // A mix of tiny, mid and near-maximal segments.
    const pick = state % 3;
    sizes.push(
      pick === 0 ? 1 + (state % 61) : pick === 1 ? 1 + (state % Math.max(1, max >> 3)) : max - (state % 97),
    );
  }
  return sizes;
}

export function summaryOf(segments: readonly TestSegment[], complete = true): RecordingSummary {
  let bytes = 0;
  for (const segment of segments) bytes += segment.bytes.length;
  return {
    complete,
    chainHash: segments.length ? segments[segments.length - 1]!.info.hash : '0'.repeat(64),
    segments: segments.length,
    bytes,
  };
}

/** Checks and returns the checkpoint as the spool would persist it (a JSON round trip). */
function persistCheckpoint(
  checkpoint: SinkCheckpoint | undefined,
  written: number,
  previous: SinkCheckpoint | undefined,
): SinkCheckpoint | undefined {
  if (checkpoint === undefined) return previous;
  assert.ok(
    Number.isInteger(checkpoint.segments) && checkpoint.segments >= 0,
    `checkpoint.segments must be a non-negative integer, got ${String(checkpoint.segments)}`,
  );
  assert.ok(
    checkpoint.segments <= written,
    `checkpoint claims ${checkpoint.segments} durable segments after only ${written} were written`,
  );
  if (previous)
    assert.ok(
      checkpoint.segments >= previous.segments,
      `checkpoint went backwards: ${previous.segments} then ${checkpoint.segments}`,
    );
  let text: string;
  try {
    text = JSON.stringify(checkpoint);
  } catch (error) {
    throw new assert.AssertionError({ message: `checkpoint is not JSON-serializable: ${String(error)}` });
  }
  const persisted = JSON.parse(text) as SinkCheckpoint;
  assert.deepStrictEqual(
    persisted,
    checkpoint,
    'checkpoint does not survive a JSON round trip (the spool persists it as JSON)',
  );
  return persisted;
}

/** Writes segments [from, to) one at a time, as the spool does; returns every checkpoint seen. */
export async function writeSegments(
  recording: SinkRecording,
  segments: readonly TestSegment[],
  from: number,
  to: number,
  start?: SinkCheckpoint,
): Promise<{ latest: SinkCheckpoint | undefined; all: SinkCheckpoint[] }> {
  let latest = start;
  const all: SinkCheckpoint[] = [];
  for (let index = from; index < to; index++) {
    const segment = segments[index]!;
    const checkpoint = await recording.write(segment.bytes, segment.info);
    const persisted = persistCheckpoint(checkpoint, index + 1, latest);
    if (checkpoint !== undefined && persisted) all.push(persisted);
    latest = persisted;
  }
  return { latest, all };
}

async function expectReadBack(
  context: CheckContext,
  receipt: DeliveryReceipt,
  recording: RecordingInfo,
  segments: readonly TestSegment[],
  what: string,
): Promise<void> {
  assert.equal(typeof receipt.location, 'string', 'receipt.location must be a string');
  assert.ok(receipt.location.length > 0, 'receipt.location must not be empty');
  const actual = await context.options.readBack(receipt, recording);
  const mismatch = describeMismatch(segments, actual);
  if (mismatch) throw new assert.AssertionError({ message: `${what}: ${mismatch}` });
  assert.equal(receipt.bytes, actual.length, `${what}: receipt.bytes differs from the stored size`);
}

async function resumeAndFinish(
  sink: Sink,
  recording: RecordingInfo,
  segments: readonly TestSegment[],
  checkpoint: SinkCheckpoint | undefined,
  crashed: readonly SinkRecording[],
): Promise<DeliveryReceipt> {
  // The spool hands back the persisted checkpoint and replays from checkpoint.segments.
  const reopened = await sink.open(recording, checkpoint);
  await writeSegments(reopened, segments, checkpoint?.segments ?? 0, segments.length, checkpoint);
  const receipt = await reopened.close(summaryOf(segments));
  // A real crash ends the process and the OS releases what the dead attempts
  // held. In-process, the nearest thing is a late abort() of each of them,
  // after the resumed attempt has finished: it must release their handles and
  // must not touch the delivered recording (the read-back comes after it).
  for (const attempt of crashed) await attempt.abort(new Error('crashed attempt released'));
  return receipt;
}

const checks: Record<SinkCheckName, (context: CheckContext) => Promise<void>> = {
  async 'round-trip'(context) {
    const sink = await context.newSink();
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 1), 1);
    const open = await sink.open(recording);
    await writeSegments(open, segments, 0, segments.length);
    const receipt = await open.close(summaryOf(segments));
    // No delay: close() must resolve only once everything is durable.
    await expectReadBack(context, receipt, recording, segments, 'read back right after close()');
  },

  async checkpoints(context) {
    const sink = await context.newSink();
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 2), 2);
    const open = await sink.open(recording);
    // writeSegments asserts each checkpoint: integer, monotonic, never ahead of what was written, JSON-safe.
    await writeSegments(open, segments, 0, segments.length);
    const receipt = await open.close(summaryOf(segments));
    await expectReadBack(context, receipt, recording, segments, 'after checkpointed writes');
  },

  async 'resume-latest'(context) {
    const sink = await context.newSink();
    const count = context.options.segmentCount ?? 12;
    for (const crashAfter of [1, Math.floor(count / 2), count - 1]) {
      const recording = makeRecordingInfo();
      const segments = await context.segmentsFor(
        recording,
        ordinarySizes(context.options, 3 + crashAfter),
        crashAfter,
      );
      const first = await sink.open(recording);
      const { latest } = await writeSegments(first, segments, 0, crashAfter);
      // Crash: the first SinkRecording is left without close() or abort().
      const receipt = await resumeAndFinish(sink, recording, segments, latest, [first]);
      await expectReadBack(
        context,
        receipt,
        recording,
        segments,
        `crash after ${crashAfter} segments, resumed`,
      );
    }
  },

  async 'resume-older'(context) {
    // The spool may die after the sink made progress but before it persisted the
    // newest checkpoint: any checkpoint the sink issued must still resume exactly.
    const sink = await context.newSink();
    const probe = makeRecordingInfo();
    const probeSegments = await context.segmentsFor(probe, ordinarySizes(context.options, 5), 5);
    const probeOpen = await sink.open(probe);
    const { all } = await writeSegments(probeOpen, probeSegments, 0, probeSegments.length);
    await probeOpen.close(summaryOf(probeSegments));
    const candidates: Array<number | undefined> = [undefined];
    if (all.length > 0) candidates.push(0, Math.floor((all.length - 1) / 2), all.length - 1);
    for (const pick of new Set(candidates)) {
      const recording = makeRecordingInfo();
      const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 5), 5);
      const first = await sink.open(recording);
      const run = await writeSegments(first, segments, 0, segments.length);
      const checkpoint = pick === undefined ? undefined : run.all[Math.min(pick, run.all.length - 1)];
      const receipt = await resumeAndFinish(sink, recording, segments, checkpoint, [first]);
      await expectReadBack(
        context,
        receipt,
        recording,
        segments,
        `resumed from ${checkpoint ? `an older checkpoint (${checkpoint.segments} segments)` : 'no checkpoint'} after writing all`,
      );
    }
  },

  async 'double-crash'(context) {
    const sink = await context.newSink();
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 6), 6);
    const third = Math.max(1, Math.floor(segments.length / 3));
    const first = await sink.open(recording);
    const a = await writeSegments(first, segments, 0, third);
    const second = await sink.open(recording, a.latest);
    const b = await writeSegments(second, segments, a.latest?.segments ?? 0, 2 * third, a.latest);
    const receipt = await resumeAndFinish(sink, recording, segments, b.latest, [first, second]);
    await expectReadBack(context, receipt, recording, segments, 'two crashes, resumed twice');
  },

  async 'abort-keeps-durable'(context) {
    const sink = await context.newSink();
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 7), 7);
    const first = await sink.open(recording);
    const { latest } = await writeSegments(first, segments, 0, segments.length - 2);
    await first.abort(new Error('conformance: giving up on this attempt'));
    // Whatever the checkpoint called durable must still be there to resume from.
    const receipt = await resumeAndFinish(sink, recording, segments, latest, []);
    await expectReadBack(
      context,
      receipt,
      recording,
      segments,
      'aborted, then resumed from the last checkpoint',
    );
  },

  async empty(context) {
    const sink = await context.newSink();
    const recording = makeRecordingInfo();
    const open = await sink.open(recording);
    const receipt = await open.close(summaryOf([]));
    await expectReadBack(context, receipt, recording, [], 'empty recording');
    assert.equal(receipt.bytes, 0, 'an empty recording has 0 bytes');
  },

  async 'large-segments'(context) {
    const sink = await context.newSink();
    const large = context.options.largeSegmentBytes ?? 3 * 1024 * 1024;
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, [large, 17, large + 1, large - 1, 5], 8);
    const open = await sink.open(recording);
    await writeSegments(open, segments, 0, segments.length);
    const receipt = await open.close(summaryOf(segments));
    await expectReadBack(context, receipt, recording, segments, 'large segments');
  },

  async concurrent(context) {
    const sink = await context.newSink();
    const recordings = [makeRecordingInfo(), makeRecordingInfo(), makeRecordingInfo()];
    const all = await Promise.all(
      recordings.map((recording, i) =>
        context.segmentsFor(recording, ordinarySizes(context.options, 9 + i), 9 + i),
      ),
    );
    const opened = await Promise.all(recordings.map((recording) => sink.open(recording)));
    // Interleave: one segment of each recording in turn, writes of different recordings in parallel.
    const longest = Math.max(...all.map((segments) => segments.length));
    for (let index = 0; index < longest; index++) {
      await Promise.all(
        opened.map(async (open, i) => {
          const segment = all[i]![index];
          if (segment) await open.write(segment.bytes, segment.info);
        }),
      );
    }
    const receipts = await Promise.all(opened.map((open, i) => open.close(summaryOf(all[i]!))));
    assert.equal(
      new Set(receipts.map((r) => r.location)).size,
      receipts.length,
      'recordings must get distinct locations',
    );
    for (let i = 0; i < recordings.length; i++) {
      await expectReadBack(context, receipts[i]!, recordings[i]!, all[i]!, `concurrent recording ${i}`);
    }
  },

  async 'no-mutation'(context) {
    const sink = await context.newSink();
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 12), 12);
    const copies = segments.map((segment) => Buffer.from(segment.bytes));
    const infos = segments.map((segment) => JSON.stringify(segment.info));
    const open = await sink.open(recording);
    await writeSegments(open, segments, 0, segments.length);
    const receipt = await open.close(summaryOf(segments));
    segments.forEach((segment, i) => {
      assert.ok(Buffer.from(segment.bytes).equals(copies[i]!), `the sink changed the bytes of segment ${i}`);
      assert.equal(JSON.stringify(segment.info), infos[i], `the sink changed the info of segment ${i}`);
    });
    await expectReadBack(context, receipt, recording, segments, 'after the mutation check');
  },

  async backpressure(context) {
    const throttled = context.options.throttled;
    if (!throttled)
      throw new assert.AssertionError({ message: 'the backpressure check needs options.throttled' });
    const valve = createValve({ paused: true });
    const sink = await throttled.factory(valve);
    context.sinks.push(sink);
    const bound = throttled.maxBufferedBytes;
    const bodyBytes = throttled.segmentBytes ?? Math.max(1, Math.floor(bound / 8));
    const count = Math.ceil((bound * 2) / bodyBytes) + 2;
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(
      recording,
      Array.from({ length: count }, () => bodyBytes),
      13,
    );
    const open = await sink.open(recording);
    let accepted = 0;
    let stalled: { index: number; promise: Promise<SinkCheckpoint | undefined> } | undefined;
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index]!;
      const promise = open.write(segment.bytes, segment.info);
      if (await isPendingAfter(promise, 150)) {
        stalled = { index, promise };
        break;
      }
      await promise;
      accepted += segment.bytes.length;
    }
    if (!stalled) {
      valve.resume();
      throw new assert.AssertionError({
        message: `the sink accepted all ${accepted} bytes while its storage was stalled (bound ${bound}): write() does not apply backpressure`,
      });
    }
    assert.ok(
      accepted <= bound,
      `the sink accepted ${accepted} bytes while its storage was stalled, more than its bound of ${bound}`,
    );
    valve.resume();
    await stalled.promise;
    await writeSegments(open, segments, stalled.index + 1, segments.length);
    const receipt = await open.close(summaryOf(segments));
    await expectReadBack(context, receipt, recording, segments, 'after the storage stall');
  },
  async adopt(context) {
    const sink = await context.newSink();
    assert.ok(sink.adopt, 'the adopt check needs a sink with adopt()');
    const recording = makeRecordingInfo();
    const segments = await context.segmentsFor(recording, ordinarySizes(context.options, 13), 13);
    // The spool's file of a finished recording: every segment, back to back.
    const spooled = Buffer.concat(segments.map((segment) => segment.bytes));
    const directory = await mkdtemp(join(tmpdir(), 'tapline-adopt-'));
    const file = {
      path: join(directory, 'segments.tapline'),
      bytes: spooled.length,
      segments: segments.length,
    };
    await writeFile(file.path, spooled, { mode: 0o600 });
    try {
      const receipt = await sink.adopt(recording, file, summaryOf(segments));
      await expectReadBack(context, receipt, recording, segments, 'after adopt()');
      assert.ok(
        spooled.equals(await readFile(file.path)),
        "adopt() changed the spool's file: it must only read or link it",
      );
      // A crash before the spool saved the delivery: the recording is handed over again.
      const again = await sink.adopt(recording, file, summaryOf(segments));
      // Then the spool deletes its own name for the file.
      await rm(directory, { recursive: true, force: true });
      await expectReadBack(
        context,
        again,
        recording,
        segments,
        "after a second adopt() and the spool's file removed",
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  },
};

/** The suite's checks as plain async functions (runner-agnostic; testSink wraps them in vitest). */
export const sinkCheckNames: readonly SinkCheckName[] = Object.keys(checks) as SinkCheckName[];

/** Runs one conformance check against a sink; rejects with an AssertionError that says what went wrong. */
export async function runSinkCheck(name: SinkCheckName, options: SinkSuiteOptions): Promise<void> {
  const sinks: Sink[] = [];
  const context: CheckContext = {
    options,
    sinks,
    async newSink() {
      const sink = await options.factory();
      sinks.push(sink);
      return sink;
    },
    async segmentsFor(recording, sizes, seed) {
      return options.makeSegments
        ? options.makeSegments(recording, sizes, seed)
        : makeTestSegments(recording.sessionId, { sizes, seed });
    },
  };
  try {
    await checks[name](context);
  } finally {
    if (options.cleanup) for (const sink of sinks) await options.cleanup(sink);
  }
}

/**
 * Declares the sink conformance suite as vitest tests. Every sink, ours and
 * integrators', must pass it:
 *
 * ```ts
 * testSink({ name: 'file', factory: () => createFileSink({ directory }), readBack: (r) => readFile(fileURLToPath(r.location)) });
 * ```
 */
export function testSink(options: SinkSuiteOptions): void {
  describe(`sink conformance: ${options.name}`, () => {
    for (const name of sinkCheckNames) {
      const reason =
        options.skip?.[name] ??
        (name === 'backpressure' && !options.throttled ? 'no options.throttled given' : undefined);
      const title = reason ? `${name} (skipped: ${reason})` : name;
      if (name === 'adopt' && reason === undefined) {
        // Only sinks with adopt() have the check; which they are shows once one is made.
        it(
          name,
          async (test) => {
            const probe = await options.factory();
            await options.cleanup?.(probe);
            if (!probe.adopt) return test.skip('the sink has no adopt(): the spool feeds it segments');
            await runSinkCheck(name, options);
          },
          options.timeoutMs ?? 60_000,
        );
        continue;
      }
      it.skipIf(reason !== undefined)(title, () => runSinkCheck(name, options), options.timeoutMs ?? 60_000);
    }
  });
}
