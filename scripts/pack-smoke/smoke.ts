// Type-checked by tsc in the scratch project under each moduleResolution an
// adopter may use: the published .d.ts files resolve and describe the API.
import { createFileSink, createRecorder, type RecordedSession, type Recorder } from '@tapline/core';
import { type VerifyReport, verifyRecording } from '@tapline/frames';
import { createHttpMetadataEmitter } from '@tapline/metadata-http';
import { createPostgresProxy } from '@tapline/postgres';
import { createS3Sink } from '@tapline/sink-s3';
import { createSshProxy } from '@tapline/ssh';

export const factories: readonly unknown[] = [
  createSshProxy,
  createPostgresProxy,
  createS3Sink,
  createHttpMetadataEmitter,
];
export function makeRecorder(): Recorder {
  return createRecorder({
    sinks: [createFileSink({ directory: '/tmp/recordings' })],
    spool: { directory: '/tmp/spool' },
  });
}
export async function check(bytes: Uint8Array): Promise<VerifyReport> {
  return verifyRecording(bytes);
}
export function ended(session: RecordedSession): Promise<unknown> {
  return session.end('client_closed');
}
