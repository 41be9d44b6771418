// Sinks, fed 1 MiB segments of corpus output the way the spool feeds them
// (one at a time, in order):
//   - the file sink (fsync per segment, its default) against a plain loop
//     that appends and fdatasyncs the same segments to one file;
//   - the S3 sink against a real s3rver (its own process) against the AWS
//     SDK's own multipart uploader (lib-storage Upload, same part size and
//     concurrency) sending the same bytes to the same server.

import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createFileSink } from '@tapline/core';
import { makeRecordingInfo } from '@tapline/testing';
import { runLargeUpload } from '../packages/sink-s3/bench/large-upload.js';
import { startS3rver } from '../packages/sink-s3/test/s3-harness.js';
import { corpusOutput } from './lib/corpus.js';
import { comparePair, MB, median, type Report } from './lib/harness.js';

const MiB = 1024 * 1024;

export async function sinksBench(report: Report, options: { quick: boolean }): Promise<void> {
  await fileSinkBench(report, options);
  await s3SinkBench(report, options);
}

async function fileSinkBench(report: Report, options: { quick: boolean }): Promise<void> {
  const count = options.quick ? 32 : 128;
  const text = await corpusOutput(count * MiB);
  const segments = Array.from({ length: count }, (_, index) => text.subarray(index * MiB, (index + 1) * MiB));
  const directory = mkdtempSync(join(tmpdir(), 'tapline-bench-file-sink-'));
  try {
    const sink = createFileSink({ directory });
    const viaSink = async () => {
      const recording = makeRecordingInfo();
      const open = await sink.open(recording);
      for (const [segmentIndex, segment] of segments.entries()) {
        await open.write(segment, {
          sessionId: recording.sessionId,
          segmentIndex,
          firstSeq: segmentIndex,
          frameCount: 1,
          final: segmentIndex === count - 1,
          hash: '',
        });
      }
      await open.close({ complete: true, chainHash: '', segments: count, bytes: count * MiB });
      await rm(join(directory, `${recording.sessionId}.tapline`), { force: true });
      await rm(join(directory, `${recording.sessionId}.tapline.json`), { force: true });
    };
    const plain = async () => {
      const path = join(directory, 'plain.bin');
      const handle = await open(path, 'w');
      let position = 0;
      for (const segment of segments) {
        await handle.write(segment, 0, segment.length, position);
        await handle.datasync();
        position += segment.length;
      }
      await handle.close();
      await rm(path);
    };
    const pair = await comparePair(plain, viaSink, options.quick ? 3 : 5);
    const group = 'file sink (1 MiB segments, fsync each)';
    report.note(`file sink: ${count} segments of corpus output per run, ${tmpdir()}`);
    report.add({
      group,
      name: 'plain write + fdatasync loop',
      value: (count * MiB) / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'createFileSink',
      value: (count * MiB) / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'plain write + fdatasync loop',
      ratio: pair.ratio,
    });
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function s3SinkBench(report: Report, options: { quick: boolean }): Promise<void> {
  const mib = options.quick ? 32 : 128;
  const partSize = 8 * MiB;
  const server = await startS3rver();
  const client = new S3Client({ ...server.clientConfig(), maxAttempts: 1 });
  try {
    const body = await corpusOutput(mib * MiB);
    // Alternated by hand: runLargeUpload times the upload alone (it reads the object back after).
    const baseTimes: number[] = [];
    const sinkTimes: number[] = [];
    const ratios: number[] = [];
    let rssGrowthMib = 0;
    for (let run = -1; run < (options.quick ? 2 : 3); run++) {
      const started = performance.now();
      const upload = new Upload({
        client,
        params: { Bucket: 'recordings', Key: `baseline/${run + 1}`, Body: body },
        partSize,
        queueSize: 4,
      });
      await upload.done();
      const baseSeconds = (performance.now() - started) / 1000;
      const result = await runLargeUpload({ mib, partMib: 8, queueSize: 4, server });
      if (!result.verified) throw new Error('the S3 sink stored different bytes');
      if (run < 0) continue; // warm-up
      baseTimes.push(baseSeconds);
      sinkTimes.push(result.seconds);
      ratios.push(baseSeconds / result.seconds);
      rssGrowthMib = Math.max(rssGrowthMib, result.rssGrowthMib);
    }
    const pair = {
      baseline: { seconds: median(baseTimes) },
      subject: { seconds: median(sinkTimes) },
      ratio: median(ratios),
    };
    const group = 'S3 sink (s3rver, 8 MiB parts, 4 in flight)';
    report.note(`S3: ${mib} MiB of corpus output per upload, s3rver 3.7.1 in its own process`);
    report.add({
      group,
      name: 'lib-storage Upload',
      value: (mib * MiB) / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'createS3Sink',
      value: (mib * MiB) / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'lib-storage Upload',
      ratio: pair.ratio,
    });
    report.add({ group, name: 'createS3Sink RSS growth (peak)', value: rssGrowthMib, unit: 'MiB' });
  } finally {
    client.destroy();
    await server.stop();
  }
}
