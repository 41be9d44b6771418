import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createLocalKeyWrapper,
  type Frame,
  frameToJson,
  readFrames,
  tapline,
  verifyRecording,
} from '../src/index.js';
import { writeRecording } from './helpers.js';

// The test vectors of docs/format.md. Regenerate only for a new format
// version: UPDATE_GOLDEN=1 pnpm exec vitest run packages/frames/test/golden.test.ts
const fixtures = join(import.meta.dirname, 'fixtures');
const update = process.env.UPDATE_GOLDEN === '1';

/** Published with the spec: the master key of the encrypted vector. Never use it for real data. */
export const GOLDEN_KEY = Buffer.from(
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  'hex',
);
const goldenKeyWrapper = createLocalKeyWrapper({ key: GOLDEN_KEY, keyId: 'local:golden' });

const { Direction, StreamKind, EndReason, FileOperationKind, AnnotationKind } = tapline.v1;
const goldenFrames: Frame[] = [
  {
    seq: 0,
    offsetNs: 0,
    sessionStart: {
      startedAtUnixMs: 1_795_000_000_000,
      sessionId: '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b',
      protocol: 'ssh',
      clientAddress: '192.0.2.10:51234',
      target: 'bastion.internal:22',
      grant: {
        user: { id: 'u-42', name: 'Ada Lovelace', email: 'ada@example.com' },
        approvers: [
          {
            id: 'u-7',
            name: 'Grace Hopper',
            email: 'grace@example.com',
            approvedAtUnixMs: 1_794_999_990_000,
          },
        ],
        accessFlow: { id: 'af-1', name: 'Production break-glass' },
        accessRequestId: 'ar-9001',
        accessRequestStatus: 'approved',
        resource: { id: 'r-5', type: 'ssh_server', name: 'bastion', integration: 'aws-prod' },
        permissions: ['shell'],
        expiresAtUnixMs: 1_795_003_600_000,
      },
    },
  },
  {
    seq: 1,
    offsetNs: 1_000_000,
    streamOpen: {
      streamId: 1,
      kind: StreamKind.STREAM_KIND_SSH_SHELL,
      cols: 80,
      rows: 24,
      contentRecorded: true,
      details: { term: 'xterm-256color' },
    },
  },
  {
    seq: 2,
    offsetNs: 5_000_000,
    data: { streamId: 1, direction: Direction.DIRECTION_TARGET_TO_CLIENT, bytes: Buffer.from('$ ') },
  },
  {
    seq: 3,
    offsetNs: 900_000_000,
    data: { streamId: 1, direction: Direction.DIRECTION_CLIENT_TO_TARGET, bytes: Buffer.from('ls\r') },
  },
  {
    seq: 4,
    offsetNs: 901_000_000,
    data: {
      streamId: 1,
      direction: Direction.DIRECTION_TARGET_TO_CLIENT,
      bytes: Buffer.from('ls\r\nREADME.md\r\n$ '),
    },
  },
  {
    seq: 5,
    offsetNs: 901_500_000,
    command: {
      streamId: 1,
      text: 'ls',
      source: 'terminal',
      startedOffsetNs: 900_000_000,
      endedOffsetNs: 901_000_000,
    },
  },
  { seq: 6, offsetNs: 2_000_000_000, resize: { streamId: 1, cols: 120, rows: 40 } },
  {
    seq: 7,
    offsetNs: 2_500_000_000,
    fileOperation: {
      streamId: 2,
      kind: FileOperationKind.FILE_OPERATION_KIND_RENAME,
      path: '/tmp/a',
      targetPath: '/tmp/b',
      status: 'ok',
    },
  },
  {
    seq: 8,
    offsetNs: 2_600_000_000,
    annotation: {
      kind: AnnotationKind.ANNOTATION_KIND_GAP,
      streamId: 1,
      code: 'TAPLINE_ERR_QUOTA',
      bytesNotRecorded: 4096,
    },
  },
  { seq: 9, offsetNs: 3_000_000_000, streamClose: { streamId: 1, exitStatus: 0 } },
  {
    seq: 10,
    offsetNs: 3_000_500_000,
    sessionEnd: { reason: EndReason.END_REASON_CLIENT_CLOSED, frames: 11, commands: 1, streams: 1 },
  },
];

// A database session with every Query field (added in schema revision 2;
// the vectors above predate it and must still decode unchanged).
const goldenQueryFrames: Frame[] = [
  {
    seq: 0,
    offsetNs: 0,
    sessionStart: {
      startedAtUnixMs: 1_795_000_000_000,
      sessionId: '0b7e5c1d-2a3f-4b6c-9d8e-7f6a5b4c3d2e',
      protocol: 'postgres',
      clientAddress: '192.0.2.11:50000',
      target: 'db.internal:5432',
      grant: { user: { id: 'u-42', name: 'Ada Lovelace' }, permissions: ['read'] },
    },
  },
  {
    seq: 1,
    offsetNs: 1_000_000,
    streamOpen: {
      streamId: 1,
      kind: StreamKind.STREAM_KIND_DB_CONNECTION,
      contentRecorded: true,
      details: { database: 'app', user: 'app_ro', application_name: 'psql' },
    },
  },
  {
    seq: 2,
    offsetNs: 2_000_000,
    data: {
      streamId: 1,
      direction: Direction.DIRECTION_CLIENT_TO_TARGET,
      bytes: Buffer.from('Q\u0000\u0000\u0000\u000dselect 1\u0000'),
    },
  },
  {
    seq: 3,
    offsetNs: 3_000_000,
    query: {
      streamId: 1,
      text: 'select 1',
      commandTag: 'SELECT 1',
      rows: 1,
      durationNs: 1_000_000,
      database: 'app',
      startedOffsetNs: 2_000_000,
      mode: 'simple',
      kind: 'query',
      transactionStatus: 'idle',
      statementType: 'SELECT',
    },
  },
  {
    seq: 4,
    offsetNs: 9_000_000,
    query: {
      streamId: 1,
      text: 'insert into files (id, body, meta) values ($1, $2, $3)',
      parameters: [
        { value: '7', type: 'int4', format: 'binary' },
        { value: '', type: 'bytea', format: 'binary', length: 1_048_576 },
        { isNull: true, type: 'jsonb', format: 'text' },
      ],
      commandTag: 'INSERT 0 1',
      rows: 1,
      durationNs: 4_000_000,
      database: 'app',
      startedOffsetNs: 5_000_000,
      mode: 'extended',
      kind: 'execute',
      statement: 'ins_file',
      transactionStatus: 'transaction',
      warnings: 1,
      statementType: 'INSERT',
    },
  },
  {
    seq: 5,
    offsetNs: 12_000_000,
    query: {
      streamId: 1,
      text: 'drop table audit_log',
      errorCode: '42501',
      errorMessage: 'permission denied for table audit_log',
      errorSeverity: 'ERROR',
      durationNs: 500_000,
      database: 'app',
      startedOffsetNs: 11_500_000,
      mode: 'simple',
      transactionStatus: 'failed',
      statementType: 'DROP',
    },
  },
  {
    seq: 6,
    offsetNs: 20_000_000,
    query: {
      streamId: 1,
      text: 'copy files to stdout',
      commandTag: 'COPY 3',
      rows: 3,
      copyBytes: 3_145_728,
      durationNs: 6_000_000,
      startedOffsetNs: 14_000_000,
      mode: 'simple',
      kind: 'copy_out',
      transactionStatus: 'idle',
      statementType: 'COPY',
    },
  },
  {
    seq: 7,
    offsetNs: 21_000_000,
    query: { streamId: 1, text: 'deploy done', kind: 'notification', channel: 'events' },
  },
  {
    seq: 8,
    offsetNs: 22_000_000,
    query: {
      streamId: 1,
      text: 'insert into t values (null)',
      commandTag: 'OK',
      rows: 1,
      lastInsertId: 4242,
      mode: 'text',
      statementType: 'INSERT',
    },
  },
  { seq: 9, offsetNs: 23_000_000, streamClose: { streamId: 1 } },
  {
    seq: 10,
    offsetNs: 23_500_000,
    sessionEnd: {
      reason: EndReason.END_REASON_CLIENT_CLOSED,
      frames: 11,
      streams: 1,
      queries: 6,
      bytesClientToTarget: 14,
    },
  },
];

const vectors = [
  { name: 'golden-none', frames: goldenFrames, options: { codec: 'none' as const }, byteExact: true },
  { name: 'golden-gzip', frames: goldenFrames, options: { codec: 'gzip' as const }, byteExact: false },
  {
    name: 'golden-encrypted',
    frames: goldenFrames,
    options: { codec: 'gzip' as const, keyWrapper: goldenKeyWrapper },
    byteExact: false,
  },
  { name: 'golden-query', frames: goldenQueryFrames, options: { codec: 'none' as const }, byteExact: true },
];

describe('golden test vectors', () => {
  for (const vector of vectors) {
    it(`${vector.name}.tapline decodes to ${vector.name}.json and verifies`, async () => {
      const file = join(fixtures, `${vector.name}.tapline`);
      const json = join(fixtures, `${vector.name}.json`);
      const written = Buffer.concat(
        await writeRecording(vector.frames, { ...vector.options, segmentBytes: 160 }),
      );
      if (update || !existsSync(file)) {
        if (!update) throw new Error(`missing ${file}: run with UPDATE_GOLDEN=1`);
        writeFileSync(file, written);
      }
      const recording = readFileSync(file);
      const decoded = [];
      for await (const frame of readFrames(recording, { keyWrapper: goldenKeyWrapper }))
        decoded.push(frameToJson(frame));
      const report = await verifyRecording(recording, { keyWrapper: goldenKeyWrapper });
      const expected = { report, frames: decoded };
      if (update) writeFileSync(json, `${JSON.stringify(expected, null, 2)}\n`);
      expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(expected)));
      expect(report.complete).toBe(true);
      expect(report.segments).toBeGreaterThan(1);
      // The uncompressed vector is fully determined by the spec: today's writer must reproduce it.
      if (vector.byteExact) expect(written.equals(recording)).toBe(true);
    });
  }
});
