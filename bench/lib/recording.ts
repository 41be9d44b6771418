// Reading corpus recordings: decoded frames, the byte streams inside them, and
// the semantic events a replay must reproduce.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRecordingWriter, type DecodedFrame, readFrames, tapline } from '@tapline/frames';

export const CORPUS_DIR: string = join(import.meta.dirname, '..', 'corpus');

/** The recordings in bench/corpus/, by name (file `<name>.tapline`). */
export const CORPUS = ['shell-vi', 'build-log', 'bulk-cat', 'sftp-upload', 'kubectl'] as const;
export type CorpusName = (typeof CORPUS)[number];

export function corpusPath(name: CorpusName): string {
  return join(CORPUS_DIR, `${name}.tapline`);
}

const cache = new Map<string, DecodedFrame[]>();

/** Every frame of a recording file (a corpus name or a path), decoded. Cached per path. */
export async function loadFrames(nameOrPath: CorpusName | string): Promise<DecodedFrame[]> {
  const path = (CORPUS as readonly string[]).includes(nameOrPath)
    ? corpusPath(nameOrPath as CorpusName)
    : nameOrPath;
  const cached = cache.get(path);
  if (cached) return cached;
  const frames = await decodeRecording(readFileSync(path));
  cache.set(path, frames);
  return frames;
}

export async function decodeRecording(bytes: Uint8Array): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of readFrames(bytes)) frames.push(frame);
  return frames;
}

export type StreamKind = keyof typeof streamKindNames;
const streamKindNames = {
  [tapline.v1.StreamKind.STREAM_KIND_SSH_SHELL]: 'ssh_shell',
  [tapline.v1.StreamKind.STREAM_KIND_SSH_EXEC]: 'ssh_exec',
  [tapline.v1.StreamKind.STREAM_KIND_SSH_SFTP]: 'ssh_sftp',
  [tapline.v1.StreamKind.STREAM_KIND_SSH_FORWARD]: 'ssh_forward',
  [tapline.v1.StreamKind.STREAM_KIND_SSH_SUBSYSTEM]: 'ssh_subsystem',
  [tapline.v1.StreamKind.STREAM_KIND_KUBE_EXEC]: 'kube_exec',
  [tapline.v1.StreamKind.STREAM_KIND_KUBE_ATTACH]: 'kube_attach',
  [tapline.v1.StreamKind.STREAM_KIND_KUBE_PORT_FORWARD]: 'kube_port_forward',
  [tapline.v1.StreamKind.STREAM_KIND_KUBE_API]: 'kube_api',
  [tapline.v1.StreamKind.STREAM_KIND_DB_CONNECTION]: 'db_connection',
} as const;

export function streamKindName(kind: number): string {
  return (streamKindNames as Record<number, string>)[kind] ?? `unknown_${kind}`;
}

export interface StreamInfo {
  streamId: number;
  kind: string;
  cols: number;
  rows: number;
  details: Record<string, string>;
}

/** The streams a recording opened, in order. */
export function streamsOf(frames: readonly DecodedFrame[]): StreamInfo[] {
  return frames
    .filter((frame) => frame.streamOpen)
    .map((frame) => {
      const open = frame.streamOpen!;
      return {
        streamId: open.streamId ?? 0,
        kind: streamKindName(open.kind ?? 0),
        cols: open.cols ?? 0,
        rows: open.rows ?? 0,
        details: { ...((open.details ?? {}) as Record<string, string>) },
      };
    });
}

export const CLIENT_TO_TARGET: number = tapline.v1.Direction.DIRECTION_CLIENT_TO_TARGET;
export const TARGET_TO_CLIENT: number = tapline.v1.Direction.DIRECTION_TARGET_TO_CLIENT;

/** One Data frame's payload with where it came from. */
export interface DataChunk {
  streamId: number;
  direction: number;
  channel: number;
  offsetNs: number;
  bytes: Uint8Array;
}

/** A Data frame's body with its defaults filled in; undefined for other frames and empty payloads. */
export function payloadOf(
  frame: DecodedFrame,
): { streamId: number; direction: number; channel: number; bytes: Uint8Array } | undefined {
  const data = frame.data;
  if (!data?.bytes || data.bytes.length === 0) return undefined;
  return {
    streamId: data.streamId ?? 0,
    direction: data.direction ?? 0,
    channel: data.channel ?? 0,
    bytes: data.bytes,
  };
}

/** The Data frames of a recording, optionally of one stream and direction. */
export function dataOf(
  frames: readonly DecodedFrame[],
  filter: { streamId?: number; direction?: number; kind?: string } = {},
): DataChunk[] {
  const kinds = new Map(streamsOf(frames).map((stream) => [stream.streamId, stream.kind]));
  const chunks: DataChunk[] = [];
  for (const frame of frames) {
    const data = payloadOf(frame);
    if (!data) continue;
    if (filter.streamId !== undefined && data.streamId !== filter.streamId) continue;
    if (filter.direction !== undefined && data.direction !== filter.direction) continue;
    if (filter.kind !== undefined && kinds.get(data.streamId) !== filter.kind) continue;
    chunks.push({
      streamId: data.streamId,
      direction: data.direction,
      channel: data.channel,
      offsetNs: Number(frame.offsetNs),
      bytes: data.bytes,
    });
  }
  return chunks;
}

export function totalBytes(chunks: readonly { bytes: Uint8Array }[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.bytes.byteLength;
  return total;
}

/**
 * What a recording means, independent of timing and byte-level detail: the
 * streams it opened (kind and exit status), the commands the proxy extracted
 * (text, source, program), and how it ended. A replay must reproduce this.
 */
export interface SemanticSummary {
  streams: Array<{ kind: string; exitStatus?: number; exitSignal?: string }>;
  commands: Array<{ text: string; source: string; program?: string }>;
  fileOperations: Array<{ kind: string; path: string; status: string }>;
  apiCalls: Array<{ verb: string; resource: string; subresource: string; statusCode: number }>;
  endReason: string;
}

export function semanticSummary(frames: readonly DecodedFrame[]): SemanticSummary {
  const streams = new Map<number, { kind: string; exitStatus?: number; exitSignal?: string }>();
  const commands: SemanticSummary['commands'] = [];
  const fileOperations: SemanticSummary['fileOperations'] = [];
  const apiCalls: SemanticSummary['apiCalls'] = [];
  let endReason = 'none';
  for (const frame of frames) {
    if (frame.streamOpen)
      streams.set(frame.streamOpen.streamId ?? 0, { kind: streamKindName(frame.streamOpen.kind ?? 0) });
    if (frame.streamClose) {
      const stream = streams.get(frame.streamClose.streamId ?? 0);
      if (stream) {
        // `exitStatus` is proto3 optional: present only when the program exited with a status.
        if (Object.hasOwn(frame.streamClose, 'exitStatus') && frame.streamClose.exitStatus != null)
          stream.exitStatus = frame.streamClose.exitStatus;
        if (frame.streamClose.exitSignal) stream.exitSignal = frame.streamClose.exitSignal;
      }
    }
    if (frame.command) {
      commands.push({
        text: frame.command.text ?? '',
        source: frame.command.source ?? '',
        ...(frame.command.program ? { program: frame.command.program } : {}),
      });
    }
    if (frame.fileOperation) {
      fileOperations.push({
        kind: (tapline.v1.FileOperationKind[frame.fileOperation.kind ?? 0] ?? 'unknown')
          .replace('FILE_OPERATION_KIND_', '')
          .toLowerCase(),
        path: frame.fileOperation.path ?? '',
        status: frame.fileOperation.status ?? '',
      });
    }
    if (frame.apiCall) {
      apiCalls.push({
        verb: frame.apiCall.verb ?? '',
        resource: frame.apiCall.resource ?? '',
        subresource: frame.apiCall.subresource ?? '',
        statusCode: frame.apiCall.statusCode ?? 0,
      });
    }
    if (frame.sessionEnd) {
      endReason = (tapline.v1.EndReason[frame.sessionEnd.reason ?? 0] ?? 'unknown')
        .replace('END_REASON_', '')
        .toLowerCase();
    }
  }
  return { streams: [...streams.values()], commands, fileOperations, apiCalls, endReason };
}

/**
 * Writes frames as a recording container, in memory. `level` is the gzip
 * level; writes wait for compression (never store a segment uncompressed).
 */
export async function encodeRecording(
  frames: readonly DecodedFrame[],
  options: { sessionId: string; level?: number },
): Promise<Buffer> {
  const writer = createRecordingWriter({
    sessionId: options.sessionId,
    codec: 'gzip',
    level: options.level ?? 6,
  });
  const segments: Buffer[] = [];
  writer.on('data', (segment: Buffer) => segments.push(segment));
  const done = new Promise<void>((resolve, reject) => {
    writer.on('end', resolve);
    writer.on('error', reject);
  });
  for (const frame of frames) {
    if (!writer.write(frame)) await new Promise((resolve) => writer.once('drain', resolve));
  }
  writer.end();
  await done;
  return Buffer.concat(segments);
}
