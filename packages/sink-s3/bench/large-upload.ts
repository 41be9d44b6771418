// Streams one large recording through createS3Sink into a real s3rver (in its
// own process) and reports throughput and the sink process's RSS. Run:
//   pnpm --filter @tapline/sink-s3 bench -- --mib 1024 --part-mib 8 --queue 4
// The sink-s3 tests call runLargeUpload() with a smaller size.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { SegmentInfo } from '@tapline/core';
import { makeRecordingInfo } from '@tapline/testing';
import { createS3Sink, readRecording } from '../src/index.js';
import { startS3rver } from '../test/s3-harness.js';

const MiB = 1024 * 1024;

export interface LargeUploadOptions {
  /** Recording size in MiB. */
  mib: number;
  /** Segment size in KiB. @default 1024 */
  segmentKib?: number;
  partMib?: number;
  queueSize?: number;
  /** An already running s3rver endpoint (else one is started and stopped). */
  server?: { clientConfig(): import('@aws-sdk/client-s3').S3ClientConfig };
}

export interface LargeUploadResult {
  bytes: number;
  seconds: number;
  mibPerSecond: number;
  rssBaselineMib: number;
  rssPeakMib: number;
  rssGrowthMib: number;
  parts: number;
  checkpoints: number;
  /** The object read back hashes the same as what was written. */
  verified: boolean;
}

export async function runLargeUpload(options: LargeUploadOptions): Promise<LargeUploadResult> {
  const owned = options.server ? undefined : await startS3rver();
  const server = options.server ?? owned!;
  const partSize = (options.partMib ?? 8) * MiB;
  const segmentBytes = (options.segmentKib ?? 1024) * 1024;
  const total = options.mib * MiB;
  const sink = createS3Sink({
    clientConfig: server.clientConfig(),
    bucket: 'recordings',
    prefix: 'large',
    partSize,
    queueSize: options.queueSize ?? 4,
  });
  // Terminal-like template; each segment is a fresh buffer, as the spool reads them.
  const template = Buffer.alloc(segmentBytes);
  for (let i = 0; i < segmentBytes; i++) template[i] = 32 + ((i * 7 + (i >> 10)) % 95);
  globalThis.gc?.();
  const rssBaseline = process.memoryUsage.rss();
  let rssPeak = rssBaseline;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20);
  const written = createHash('sha256');
  const recording = makeRecordingInfo();
  const started = performance.now();
  let checkpoints = 0;
  let partsInCheckpoint = 0;
  const open = await sink.open(recording);
  let offset = 0;
  for (let segmentIndex = 0; offset < total; segmentIndex++) {
    const size = Math.min(segmentBytes, total - offset);
    const segment = Buffer.allocUnsafe(size);
    template.copy(segment, 0, 0, size);
    segment.writeUInt32BE(segmentIndex, 0);
    written.update(segment);
    const info: SegmentInfo = {
      sessionId: recording.sessionId,
      segmentIndex,
      firstSeq: segmentIndex,
      frameCount: 1,
      final: offset + size >= total,
      hash: '',
    };
    const checkpoint = await open.write(segment, info);
    if (checkpoint) {
      checkpoints++;
      partsInCheckpoint = (checkpoint.state as { parts: unknown[] }).parts.length;
    }
    offset += size;
  }
  const receipt = await open.close({ complete: true, chainHash: '', segments: 0, bytes: total });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const read = createHash('sha256');
  for await (const chunk of await readRecording({
    url: receipt.location,
    clientConfig: server.clientConfig(),
  })) {
    read.update(chunk as Buffer);
  }
  sink.destroy();
  await owned?.stop();
  return {
    bytes: receipt.bytes,
    seconds,
    mibPerSecond: total / MiB / seconds,
    rssBaselineMib: rssBaseline / MiB,
    rssPeakMib: rssPeak / MiB,
    rssGrowthMib: (rssPeak - rssBaseline) / MiB,
    parts: Math.ceil(total / partSize),
    checkpoints: Math.max(checkpoints, partsInCheckpoint > 0 ? 1 : 0),
    verified: written.digest('hex') === read.digest('hex'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    // `pnpm ... bench -- --mib 64` forwards the "--" too.
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      mib: { type: 'string', default: '1024' },
      'part-mib': { type: 'string', default: '8' },
      queue: { type: 'string', default: '4' },
      'segment-kib': { type: 'string', default: '1024' },
    },
  });
  const result = await runLargeUpload({
    mib: Number(values.mib),
    partMib: Number(values['part-mib']),
    queueSize: Number(values.queue),
    segmentKib: Number(values['segment-kib']),
  });
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.verified ? 0 : 1);
}
