// `tapline verify`: the container's integrity (every hash, the chain, the end
// marker) and, with a public key, the recorder's Ed25519 signature.
import type { KeyObject } from 'node:crypto';
import { verifyRecordingSignature } from '@tapline/core';
import { isTaplineError, type KeyWrapper, type VerifyFailure, verifyRecording } from '@tapline/frames';
import type { RecordingManifest, RecordingSource } from './source.js';

export type SignatureStatus =
  /** Checked against the public key: good. */
  | 'valid'
  /** Checked against the public key: bad (or not Ed25519). */
  | 'invalid'
  /** Present in the manifest, not checked (no public key given). */
  | 'unchecked'
  /** No manifest, or a manifest without a signature. */
  | 'none';

export interface VerifyResult {
  location: string;
  /** Complete, intact, manifest consistent, and signature valid where checked or required. */
  ok: boolean;
  sessionId: string | null;
  complete: boolean;
  intact: boolean;
  segments: number;
  frames: number;
  bytes: number;
  encrypted: boolean;
  /** False for encrypted bodies checked without the key (hashes and chain are still checked). */
  bodiesDecoded: boolean;
  chainHash: string | null;
  /** The first problem found, in this order: damage, incompleteness, manifest, signature. */
  error: VerifyFailure | null;
  /** Why the recording is incomplete, from its manifest. */
  incompleteReason: string | null;
  manifest: boolean;
  signature: { status: SignatureStatus; algorithm: string | null; keyId: string | null };
}

export interface VerifyOptions {
  keyWrapper?: KeyWrapper;
  publicKey?: KeyObject;
  requireSignature?: boolean;
  /** Counts bytes as they are read (progress bar). */
  wrap?: (bytes: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
}

const failure = (code: string, segmentIndex: number, message: string): VerifyFailure => ({
  code,
  segmentIndex,
  message,
});

export async function verifySource(
  source: RecordingSource,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  let manifest: RecordingManifest | undefined;
  let manifestError: VerifyFailure | undefined;
  try {
    manifest = await source.manifest();
  } catch (error) {
    if (!isTaplineError(error, 'TAPLINE_ERR_CLI_MANIFEST')) throw error;
    manifestError = failure(error.code, 0, error.message);
  }
  // verifyRecording reports a failing source as TAPLINE_ERR_READ; keep the error itself (an I/O error, with its cause).
  let sourceError: unknown;
  const bytes = (async function* () {
    try {
      yield* options.wrap ? options.wrap(source.bytes()) : source.bytes();
    } catch (error) {
      sourceError = error;
      throw error;
    }
  })();
  const report = await verifyRecording(bytes, options.keyWrapper ? { keyWrapper: options.keyWrapper } : {});
  if (sourceError !== undefined) throw sourceError;
  const result: VerifyResult = {
    location: source.location,
    ok: false,
    sessionId: report.sessionId ?? null,
    complete: report.complete,
    intact: report.intact,
    segments: report.segments,
    frames: report.frames,
    bytes: report.bytes,
    encrypted: report.encrypted,
    bodiesDecoded: report.bodiesDecoded,
    chainHash: report.chainHash ?? null,
    error: report.error ?? null,
    incompleteReason:
      report.error?.code === 'TAPLINE_ERR_INCOMPLETE' ? (manifest?.incompleteReason ?? null) : null,
    manifest: manifest !== undefined,
    signature: {
      status: manifest?.signature ? 'unchecked' : 'none',
      algorithm: manifest?.signature?.algorithm ?? null,
      keyId: manifest?.signature?.keyId ?? null,
    },
  };
  const problems: VerifyFailure[] = [];
  if (manifestError) problems.push(manifestError);
  if (manifest && report.intact) {
    const mismatch = [
      manifest.sessionId !== undefined && manifest.sessionId !== report.sessionId ? 'session id' : undefined,
      manifest.chainHash !== undefined && manifest.chainHash !== report.chainHash ? 'chain hash' : undefined,
      manifest.segments !== undefined && manifest.segments !== report.segments ? 'segment count' : undefined,
    ].filter(Boolean);
    if (mismatch.length > 0) {
      problems.push(
        failure(
          'TAPLINE_ERR_CLI_MANIFEST',
          report.segments,
          `the manifest does not describe this recording (${mismatch.join(', ')} differ)`,
        ),
      );
    }
  }
  const signature = manifest?.signature;
  if (signature && options.publicKey) {
    let valid = false;
    try {
      valid =
        report.sessionId !== undefined &&
        report.chainHash !== undefined &&
        verifyRecordingSignature(report.sessionId, report.chainHash, signature, options.publicKey);
    } catch {
      valid = false;
    }
    result.signature.status = valid ? 'valid' : 'invalid';
    if (!valid) {
      problems.push(
        failure(
          'TAPLINE_ERR_SIGNATURE_INVALID',
          Math.max(0, report.segments - 1),
          `the ${signature.algorithm} signature (key ${signature.keyId}) does not match this recording's chain hash`,
        ),
      );
    }
  } else if (!signature && options.requireSignature) {
    problems.push(
      failure(
        'TAPLINE_ERR_SIGNATURE_MISSING',
        0,
        manifest ? 'the manifest holds no signature' : 'no manifest with a signature beside the recording',
      ),
    );
  }
  result.error ??= problems[0] ?? null;
  result.ok = result.error === null;
  return result;
}
