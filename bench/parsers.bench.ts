// The pure parsers on corpus traffic, each against a plain-loop baseline:
//   - SFTP: the recorded `sftp -b` upload, both directions as the proxy saw
//     them, against copying every chunk once into a 1 MiB ring (what the
//     recorder does with the same bytes anyway; the tracker skips payloads);
//   - kube channel frames: the recorded kubectl exec streams, put back on the
//     wire as WebSocket frames (the recording keeps the decoded channel
//     payloads), cut as TLS records arrive, through WebSocketParser +
//     RemoteCommandDecoder with the proxy's options, against a loop that only
//     walks the frame headers of the same bytes (contiguous, no chunk splits,
//     no state: the least any parser must do).
// Each side repeats its pass until a timed run lasts long enough; ratios are
// per byte.
import {
  encodeChannelMessage,
  RemoteCommandDecoder,
  serializeFrame,
  WebSocketOpcode,
  WebSocketParser,
} from '@tapline/kube';
import { createSftpTracker } from '@tapline/sftp';
import { chunksOf } from './lib/corpus.js';
import { comparePair, MB, type Report, repetitionsFor } from './lib/harness.js';
import { CLIENT_TO_TARGET, dataOf, loadFrames, streamsOf, TARGET_TO_CLIENT } from './lib/recording.js';

const ring = Buffer.allocUnsafe(1024 * 1024 + 64 * 1024);
let ringPosition = 0;
function copyAll(chunks: readonly { bytes: Uint8Array }[]): void {
  for (const chunk of chunks) {
    for (let offset = 0; offset < chunk.bytes.length; offset += 64 * 1024) {
      if (ringPosition > 1024 * 1024) ringPosition = 0;
      const piece = chunk.bytes.subarray(offset, offset + 64 * 1024);
      ring.set(piece, ringPosition);
      ringPosition += piece.length;
    }
  }
}

/** RFC 6455 frame headers, unmasked: sums the payload bytes per channel (first payload byte). */
function walkWebSocket(wire: Buffer, perChannel: number[]): number {
  let frames = 0;
  for (let offset = 0; offset + 2 <= wire.length; frames++) {
    let length = wire[offset + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      length = wire.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(wire.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (length > 0)
      perChannel[wire[offset + header]!] = (perChannel[wire[offset + header]!] ?? 0) + length - 1;
    offset += header + length;
  }
  return frames;
}

export async function parsersBench(report: Report, options: { quick: boolean }): Promise<void> {
  const runs = options.quick ? 7 : 9;
  // Every timed run of each side lasts at least this long.
  const minSeconds = options.quick ? 0.1 : 0.2;

  // SFTP: the recorded upload, replayed through a fresh tracker per pass.
  {
    const frames = await loadFrames('sftp-upload');
    const sftp = streamsOf(frames).find((stream) => stream.kind === 'ssh_sftp')!;
    const chunks = dataOf(frames, { streamId: sftp.streamId });
    const streamBytes = chunks.reduce((sum, chunk) => sum + chunk.bytes.length, 0);
    let uploaded = 0;
    let passes = 1;
    const track = () => {
      for (let pass = 0; pass < passes; pass++) {
        uploaded = 0;
        const tracker = createSftpTracker({
          onOperation: (operation) => {
            if (operation.kind === 'close') uploaded += operation.bytesWritten ?? 0;
          },
        });
        for (const chunk of chunks) {
          if (chunk.direction === CLIENT_TO_TARGET) tracker.clientToServer(chunk.bytes);
          else tracker.serverToClient(chunk.bytes);
        }
        tracker.end();
      }
    };
    passes = await repetitionsFor(track, minSeconds);
    const copies = await repetitionsFor(() => copyAll(chunks), minSeconds);
    const group = 'parse SFTP (recorded sftp -b upload)';
    report.note(
      `SFTP: the 4 MiB upload, ${chunks.length} chunks as the proxy saw them; tracker ×${passes}, memcpy ×${copies} per timed run`,
    );
    const pair = await comparePair(
      () => {
        for (let pass = 0; pass < copies; pass++) copyAll(chunks);
      },
      track,
      runs,
      1,
      { baseline: copies, subject: passes },
    );
    // The correctness control: a tracker that lost the upload fails the benchmark.
    if (uploaded !== 4 * 1024 * 1024) throw new Error(`the SFTP tracker counted ${uploaded} bytes uploaded`);
    const bytes = passes * streamBytes;
    report.add({
      group,
      name: 'memcpy every chunk',
      value: (copies * streamBytes) / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'createSftpTracker',
      value: bytes / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'memcpy every chunk',
      goal: '> memcpy every chunk',
      ratio: pair.ratio,
    });
  }

  // kube: the exec streams' server→client side back on the wire, repeated.
  {
    const frames = await loadFrames('kubectl');
    const wire: Buffer[] = [];
    let payloadBytes = 0;
    for (const stream of streamsOf(frames).filter((s) => s.kind === 'kube_exec')) {
      for (const chunk of dataOf(frames, { streamId: stream.streamId, direction: TARGET_TO_CLIENT })) {
        wire.push(
          serializeFrame({
            opcode: WebSocketOpcode.binary,
            payload: encodeChannelMessage(chunk.channel, chunk.bytes),
          }),
        );
        payloadBytes += chunk.bytes.length;
      }
    }
    const once = Buffer.concat(wire);
    // TLS delivers at most 16 KiB of plaintext per record.
    const chunks = chunksOf(once, 16 * 1024).map((bytes) => ({ bytes }));
    let passes = 1;
    let decoded = 0;
    const parse = () => {
      decoded = 0;
      for (let pass = 0; pass < passes; pass++) {
        const parser = new WebSocketParser({ from: 'server' });
        const decoder = new RemoteCommandDecoder({ protocol: 'v5.channel.k8s.io' });
        for (const chunk of chunks) {
          parser.parse(chunk.bytes, (frame) =>
            decoder.frame(frame, (message) => {
              if (message.name === 'data') decoded += message.data.byteLength;
            }),
          );
        }
      }
    };
    passes = await repetitionsFor(parse, minSeconds);
    const perChannel: number[] = [];
    const walk = () => walkWebSocket(once, perChannel);
    const walks = await repetitionsFor(walk, minSeconds);
    const group = 'parse kube channel frames (recorded kubectl exec)';
    report.note(
      `kube: ${wire.length} server→client WebSocket frames (${(once.length / MB).toFixed(2)} MB on the wire) of the recorded exec streams, 16 KiB chunks; parser ×${passes}, plain loop ×${walks} per timed run`,
    );
    const pair = await comparePair(
      () => {
        perChannel.length = 0;
        for (let pass = 0; pass < walks; pass++) walk();
      },
      parse,
      runs,
      1,
      { baseline: walks, subject: passes },
    );
    if ((perChannel[1] ?? 0) + (perChannel[2] ?? 0) !== payloadBytes * walks)
      throw new Error(
        `the plain loop walked ${perChannel[1]} + ${perChannel[2]} of ${payloadBytes * walks} bytes`,
      );
    if (decoded !== payloadBytes * passes)
      throw new Error(`decoded ${decoded} of ${payloadBytes * passes} bytes`);
    const bytes = once.length * passes;
    report.add({
      group,
      name: 'walk frame headers (plain loop)',
      value: (once.length * walks) / MB / pair.baseline.seconds,
      unit: 'MB/s',
    });
    report.add({
      group,
      name: 'WebSocketParser + RemoteCommandDecoder',
      value: bytes / MB / pair.subject.seconds,
      unit: 'MB/s',
      baseline: 'walk frame headers (plain loop)',
      ratio: pair.ratio,
    });
    report.add({
      group,
      name: 'WebSocket frames/s',
      value: (wire.length * passes) / pair.subject.seconds / 1e6,
      unit: 'M frames/s',
    });
  }
}
