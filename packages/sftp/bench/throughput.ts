// SFTP tracker throughput on transfer-shaped streams, against a baseline that
// only iterates the same chunks (and a memcpy of every chunk, the cost the
// parser avoids by skipping WRITE/DATA payloads).
//
//   pnpm --filter @tapline/sftp bench            (100 MiB each way)
//   pnpm --filter @tapline/sftp bench --quick    (16 MiB)
//
// Streams: synthetic uploads/downloads with OpenSSH's two write sizes (32 KiB,
// and 255 KiB once limits@openssh.com is negotiated), cut into 32 KiB chunks
// as SSH channel data arrives; and, when OpenSSH's sftp and sftp-server are
// installed, a real `put` + `get` captured through the test relay.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, measure, Report } from '../../../bench/lib/harness.js';
import { createSftpTracker } from '../src/index.js';
import { client, FXF, handle, server } from '../test/builders.js';
import { captureSftpSession, opensshMissing } from '../test/support/openssh.js';

interface Chunk {
  fromClient: boolean;
  bytes: Buffer;
}

const CHANNEL_CHUNK = 32 * 1024;

function cut(stream: Buffer, fromClient: boolean, into: Chunk[]): void {
  for (let offset = 0; offset < stream.length; offset += CHANNEL_CHUNK) {
    into.push({ fromClient, bytes: stream.subarray(offset, offset + CHANNEL_CHUNK) });
  }
}

/** An upload (WRITEs + STATUS) then a download (READs + DATA) of `total` bytes, `size` per request. */
function syntheticTransfer(total: number, size: number): Chunk[] {
  const chunks: Chunk[] = [];
  const h = handle(0);
  cut(client.init(3), true, chunks);
  cut(server.version(3), false, chunks);
  cut(
    client.open(1, '/srv/big.bin', FXF.write | FXF.create | FXF.truncate, { permissions: 0o644 }),
    true,
    chunks,
  );
  cut(server.handle(1, h), false, chunks);
  // Pipelined like OpenSSH: a window of 64 requests, then their replies.
  let id = 2;
  const payload = Buffer.alloc(size, 0x61);
  for (let offset = 0; offset < total; ) {
    const requests: Buffer[] = [];
    const replies: Buffer[] = [];
    for (let window = 0; window < 64 && offset < total; window++, id++) {
      const length = Math.min(size, total - offset);
      requests.push(client.write(id, h, offset, payload.subarray(0, length)));
      replies.push(server.status(id, 0));
      offset += length;
    }
    cut(Buffer.concat(requests), true, chunks);
    cut(Buffer.concat(replies), false, chunks);
  }
  cut(client.close(id, h), true, chunks);
  cut(server.status(id++, 0), false, chunks);
  cut(client.open(id, '/srv/big.bin', FXF.read), true, chunks);
  cut(server.handle(id++, h), false, chunks);
  for (let offset = 0; offset < total; ) {
    const requests: Buffer[] = [];
    const replies: Buffer[] = [];
    for (let window = 0; window < 64 && offset < total; window++, id++) {
      const length = Math.min(size, total - offset);
      requests.push(client.read(id, h, offset, size));
      replies.push(server.data(id, payload.subarray(0, length)));
      offset += length;
    }
    cut(Buffer.concat(requests), true, chunks);
    cut(Buffer.concat(replies), false, chunks);
  }
  cut(client.close(id, h), true, chunks);
  cut(server.status(id, 0), false, chunks);
  return chunks;
}

async function capturedTransfer(total: number): Promise<Chunk[] | undefined> {
  if (opensshMissing() !== undefined) return undefined;
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'tapline-sftp-bench-')));
  try {
    mkdirSync(join(root, 'local'));
    writeFileSync(join(root, 'local/big.bin'), Buffer.alloc(total, 0x62));
    const session = await captureSftpSession(root, [
      'put local/big.bin big.bin',
      'get big.bin local/back.bin',
    ]);
    if (session.exitCode !== 0) throw new Error(`sftp failed: ${session.output}`);
    return session.chunks.map((chunk) => ({
      fromClient: chunk.direction === 'clientToServer',
      bytes: chunk.bytes,
    }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function track(chunks: Chunk[], expectedBytes: number): void {
  let written = 0;
  let read = 0;
  const tracker = createSftpTracker({
    onOperation: (op) => {
      if (op.kind === 'close') {
        written += op.bytesWritten ?? 0;
        read += op.bytesRead ?? 0;
      }
    },
  });
  for (const chunk of chunks) {
    if (chunk.fromClient) tracker.clientToServer(chunk.bytes);
    else tracker.serverToClient(chunk.bytes);
  }
  tracker.end();
  // The correctness control: a tracker that lost bytes fails the benchmark.
  if (written !== expectedBytes || read !== expectedBytes) {
    throw new Error(`tracker counted ${written} written / ${read} read, expected ${expectedBytes}`);
  }
}

let sink = 0;
function iterate(chunks: Chunk[]): void {
  for (const chunk of chunks) sink = (sink + chunk.bytes[0]! + chunk.bytes.length) | 0;
}

const scratch = Buffer.allocUnsafe(CHANNEL_CHUNK * 16);
function copyAll(chunks: Chunk[]): void {
  for (const chunk of chunks) {
    if (chunk.bytes.length > scratch.length) chunk.bytes.copy(scratch, 0, 0, scratch.length);
    else chunk.bytes.copy(scratch);
  }
}

export async function sftpBench(report: Report, options: { quick: boolean }): Promise<void> {
  const total = (options.quick ? 16 : 100) * 1024 * 1024;
  const streams: Array<[string, Chunk[] | undefined]> = [
    ['32 KiB requests', syntheticTransfer(total, 32 * 1024)],
    ['255 KiB requests', syntheticTransfer(total, 255 * 1024)],
    ['real sftp put+get', await capturedTransfer(total)],
  ];
  for (const [label, chunks] of streams) {
    if (chunks === undefined) {
      console.log(`skipped "${label}": ${opensshMissing()}`);
      continue;
    }
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.bytes.length, 0);
    const group = `sftp ${label} (${Math.round(bytes / 2 ** 20)} MiB, ${chunks.length} chunks)`;
    const runs = options.quick ? 3 : 7;
    // Each timed run repeats the pass, so a run lasts long enough to time.
    const passes = 10;
    const repeat = (pass: () => void) => () => {
      for (let index = 0; index < passes; index++) pass();
    };
    const rate = (seconds: number): number => (passes * bytes) / MB / seconds;
    const baseline = await measure(
      repeat(() => iterate(chunks)),
      runs,
    );
    report.add({ group, name: 'iterate chunks', value: rate(baseline.seconds), unit: 'MB/s' });
    const copy = await measure(
      repeat(() => copyAll(chunks)),
      runs,
    );
    report.add({
      group,
      name: 'memcpy every chunk',
      value: rate(copy.seconds),
      unit: 'MB/s',
      baseline: 'iterate chunks',
    });
    const tracked = await measure(
      repeat(() => track(chunks, total)),
      runs,
    );
    report.add({
      group,
      name: 'createSftpTracker',
      value: rate(tracked.seconds),
      unit: 'MB/s',
      baseline: 'iterate chunks',
      goal: '> memcpy every chunk',
    });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = new Report();
  await sftpBench(report, { quick: process.argv.includes('--quick') });
  console.log(`\n${report.table()}\n`);
  if (sink === 42) console.log('');
}
