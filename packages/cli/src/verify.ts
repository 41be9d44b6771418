// `tapline verify`: the container's integrity (every hash, the chain, the end
// marker); with a public key, the recorder's Ed25519 signature, failing closed
// when it is missing; with --session, that the recording is that session's;
// with --against, that it still holds every chain head published for it.
import type { KeyObject } from 'node:crypto';
import {
  isClaim,
  type RecordingClaim,
  type RecordingSignature,
  SIGNATURE_FORMAT,
  verifyClaimSignature,
  verifyRecordingSignature,
} from '@tapline/core';
import { isTaplineError, type KeyWrapper, type VerifyFailure, verifyRecording } from '@tapline/frames';
import type { PublishedEvidence, PublishedHead } from './published.js';
import type { RecordingManifest, RecordingSource } from './source.js';

export type SignatureStatus =
  /** Checked against the public key: a good v2 signature over this recording's claim. */
  | 'valid'
  /** Checked: a good legacy (v1) signature, over the session id and chain hash only. */
  | 'legacy'
  /** Checked against the public key: bad (another recording, key or format). */
  | 'invalid'
  /** Present, not checked (no public key given). */
  | 'unchecked'
  /** No signature in the manifest or the published session.ended event (or no manifest). */
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
  /** Hash of segment 0: with the session id, this recording's identity wherever it is stored. */
  firstHash: string | null;
  /**
   * The first problem found, in this order: damage, another session's
   * recording, manifest, signature, published chain heads, incompleteness.
   */
  error: VerifyFailure | null;
  /** Every problem found, in that order. */
  problems: VerifyFailure[];
  /** Why the recording is incomplete, from its manifest. */
  incompleteReason: string | null;
  manifest: boolean;
  signature: {
    status: SignatureStatus;
    algorithm: string | null;
    keyId: string | null;
    /** `tapline-recording-v2`, or `legacy` for v1 signatures. */
    format: string | null;
    /** Where the signature came from. */
    source: 'manifest' | 'published' | null;
    /** The state the signature claims (`complete`, `incomplete`), when it says. */
    state: string | null;
  };
  /** With --against: how many published chain heads (and session.ended events) were compared. */
  published: { location: string; heads: number; ended: boolean } | null;
}

export interface VerifyOptions {
  keyWrapper?: KeyWrapper;
  /** Check the signature; a missing signature or manifest is then an error (fail closed). */
  publicKey?: KeyObject;
  /** Kept for compatibility: a public key already requires a signature. */
  requireSignature?: boolean;
  /** Legacy (v1) signatures fail instead of verifying as legacy. */
  strict?: boolean;
  /** The session the recording must belong to. */
  sessionId?: string;
  /** Published chain heads to compare with (--against). */
  published?: PublishedEvidence;
  /** Counts bytes as they are read (progress bar). */
  wrap?: (bytes: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
}

const failure = (code: string, segmentIndex: number, message: string): VerifyFailure => ({
  code,
  segmentIndex,
  message,
});

/** `<uuid>.tapline`: FileSink's and the S3 sink's name for a recording of that session. */
const NAMED_FOR_SESSION =
  /(?:^|[/\\])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.tapline$/i;

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
  // Only the hashes at positions some published head names are kept: memory is bounded by the heads, not the recording.
  const positions = options.published?.positions;
  const hashes = new Map<number, string>();
  let firstHash: string | undefined;
  const verified = await verifyRecording(bytes, {
    ...(options.keyWrapper ? { keyWrapper: options.keyWrapper } : {}),
    onSegment: (index: number, hash: string) => {
      if (index === 0) firstHash = hash;
      if (positions?.has(index)) hashes.set(index, hash);
    },
  });
  if (sourceError !== undefined) throw sourceError;
  const report = { ...verified, firstHash };
  // The heads of the session asked for (--session), not of whichever session the stored bytes claim to be.
  const published = options.published?.bySession.get(options.sessionId ?? report.sessionId ?? '') ?? [];
  const publishedEnd = published.findLast((head) => head.kind === 'end');
  const signatureSource: VerifyResult['signature']['source'] = manifest?.signature
    ? 'manifest'
    : publishedEnd?.signature
      ? 'published'
      : null;
  // S3 recordings have no manifest: the session.ended event that left with the metadata carries the signature.
  const signature = manifest?.signature ?? publishedEnd?.signature;
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
    firstHash: report.firstHash ?? null,
    error: null,
    problems: [],
    incompleteReason:
      report.error?.code === 'TAPLINE_ERR_INCOMPLETE' ? (manifest?.incompleteReason ?? null) : null,
    manifest: manifest !== undefined,
    signature: {
      status: signature ? 'unchecked' : 'none',
      algorithm: signature?.algorithm ?? null,
      keyId: signature?.keyId ?? null,
      format: signature ? (signature.format ?? 'legacy') : null,
      source: signatureSource,
      state: signature && isClaim(signature.signed) ? signature.signed.state : null,
    },
    published: options.published
      ? { location: options.published.location, heads: published.length, ended: publishedEnd !== undefined }
      : null,
  };
  const problems = result.problems;
  const damaged = report.error !== undefined && report.error.code !== 'TAPLINE_ERR_INCOMPLETE';
  if (damaged) problems.push(report.error!);
  problems.push(...sessionProblems(source, report.sessionId, options.sessionId));
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
  const lastIndex = Math.max(0, report.segments - 1);
  if (options.publicKey) {
    if (!signature) {
      // Fail closed: a stripped signature or manifest must not pass as "unsigned".
      problems.push(
        failure(
          'TAPLINE_ERR_SIGNATURE_MISSING',
          0,
          manifest
            ? 'the manifest holds no signature'
            : 'no manifest beside the recording, and no signed session.ended for it in --against',
        ),
      );
    } else {
      const claim: Partial<RecordingClaim> = {
        ...(report.sessionId !== undefined ? { sessionId: report.sessionId } : {}),
        ...(report.firstHash !== undefined ? { firstHash: report.firstHash } : {}),
        segments: report.segments,
        ...(report.chainHash !== undefined ? { chainHash: report.chainHash } : {}),
        state: report.complete ? 'complete' : 'incomplete',
      };
      const checked = checkRecordingSignature(claim, signature, options.publicKey);
      result.signature.status = checked;
      if (checked === 'invalid') {
        problems.push(
          failure(
            'TAPLINE_ERR_SIGNATURE_INVALID',
            lastIndex,
            `the ${signature.algorithm} signature (key ${signature.keyId}) does not cover this recording${describeSigned(signature, claim)}`,
          ),
        );
      } else if (checked === 'legacy' && options.strict) {
        problems.push(
          failure(
            'TAPLINE_ERR_SIGNATURE_LEGACY',
            lastIndex,
            `legacy signature format (v1, key ${signature.keyId}): it covers the session id and chain hash only; --strict accepts ${SIGNATURE_FORMAT} only`,
          ),
        );
      }
    }
  } else if (!signature && options.requireSignature) {
    problems.push(failure('TAPLINE_ERR_SIGNATURE_MISSING', 0, 'no signature for this recording'));
  }
  if (options.published && !damaged) {
    problems.push(...publishedProblems(published, report, hashes, options));
  }
  if (report.error?.code === 'TAPLINE_ERR_INCOMPLETE') problems.push(report.error);
  result.error = problems[0] ?? null;
  result.ok = result.error === null;
  return result;
}

/** Another session's recording under this session's name (or --session) is a substitution. */
function sessionProblems(
  source: RecordingSource,
  recorded: string | undefined,
  expected: string | undefined,
): VerifyFailure[] {
  if (recorded === undefined) return [];
  const named = NAMED_FOR_SESSION.exec(source.location)?.[1]?.toLowerCase();
  const wanted = expected?.toLowerCase() ?? named;
  if (wanted === undefined || wanted === recorded) return [];
  const why = expected !== undefined ? `--session ${expected}` : `its name (${named}.tapline)`;
  return [
    failure(
      'TAPLINE_ERR_SESSION_SUBSTITUTED',
      0,
      `this is the recording of session ${recorded}, not of the session ${why} names`,
    ),
  ];
}

function checkRecordingSignature(
  claim: Partial<RecordingClaim>,
  signature: RecordingSignature,
  publicKey: KeyObject,
): 'valid' | 'legacy' | 'invalid' {
  try {
    if (signature.format === undefined) {
      // Legacy v1 signatures were only ever made over complete recordings.
      return claim.state === 'complete' &&
        claim.sessionId !== undefined &&
        claim.chainHash !== undefined &&
        verifyRecordingSignature(claim.sessionId, claim.chainHash, signature, publicKey)
        ? 'legacy'
        : 'invalid';
    }
    return isClaim(claim) && verifyClaimSignature(claim, signature, publicKey) ? 'valid' : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** What the signature says it signed, beside what the recording is, when they differ. */
function describeSigned(signature: RecordingSignature, claim: Partial<RecordingClaim>): string {
  if (signature.format !== undefined && signature.format !== SIGNATURE_FORMAT)
    return ` (unknown signature format ${String(signature.format).slice(0, 64)})`;
  const signed = signature.signed;
  if (!isClaim(signed)) return '';
  const differs = [
    signed.sessionId !== claim.sessionId ? `session ${signed.sessionId}` : '',
    signed.firstHash !== claim.firstHash ? 'another first segment' : '',
    signed.segments !== claim.segments ? `${signed.segments} segments (this one has ${claim.segments})` : '',
    signed.chainHash !== claim.chainHash ? `chain ${signed.chainHash}` : '',
    signed.state !== claim.state ? `state ${signed.state} (this one is ${claim.state})` : '',
  ].filter(Boolean);
  return differs.length > 0 ? `: it signs ${differs.join(', ')}` : '';
}

/**
 * Every published head must still be in the recording, hash for hash; the
 * published end must be its end. A rewrite that recomputed every hash cannot
 * match a head that left the storage before it.
 */
function publishedProblems(
  heads: PublishedHead[],
  report: { sessionId?: string | undefined; segments: number; firstHash?: string | undefined },
  hashes: Map<number, string>,
  options: VerifyOptions,
): VerifyFailure[] {
  const where = options.published!.location;
  if (heads.length === 0) {
    return [
      failure(
        'TAPLINE_ERR_HEAD_MISSING',
        0,
        `no recording.chain_head or session.ended of session ${report.sessionId ?? options.sessionId} in ${where}`,
      ),
    ];
  }
  const problems: VerifyFailure[] = [];
  for (const head of heads) {
    const what = `${head.kind === 'head' ? 'the chain head' : 'the session.ended'} published at ${where}:${head.line}`;
    if (options.publicKey) {
      const signed = checkPublishedSignature(head, options.publicKey);
      if (signed !== 'valid') {
        problems.push(
          failure(
            signed === 'missing' ? 'TAPLINE_ERR_SIGNATURE_MISSING' : 'TAPLINE_ERR_SIGNATURE_INVALID',
            head.segments - 1,
            `${what} is ${signed === 'missing' ? 'not signed' : 'not signed by this key'}`,
          ),
        );
        continue;
      }
    }
    if (head.segments > report.segments) {
      problems.push(
        failure(
          'TAPLINE_ERR_HEAD_MISMATCH',
          report.segments,
          `${what} reaches segment ${head.segments - 1}; this recording stops after ${report.segments} segments (truncated or rewritten)`,
        ),
      );
    } else if (hashes.get(head.segments - 1) !== head.chainHash) {
      problems.push(
        failure(
          'TAPLINE_ERR_HEAD_MISMATCH',
          head.segments - 1,
          `segment ${head.segments - 1} is not the one in ${what} (rewritten)`,
        ),
      );
    } else if (head.firstHash !== undefined && head.firstHash !== report.firstHash) {
      problems.push(
        failure('TAPLINE_ERR_HEAD_MISMATCH', 0, `segment 0 is not the one in ${what} (rewritten)`),
      );
    } else if (head.kind === 'end' && head.segments !== report.segments) {
      problems.push(
        failure(
          'TAPLINE_ERR_HEAD_MISMATCH',
          head.segments,
          `${what} ends the recording after ${head.segments} segments; this one has ${report.segments}`,
        ),
      );
    }
  }
  return problems;
}

function checkPublishedSignature(head: PublishedHead, publicKey: KeyObject): 'valid' | 'invalid' | 'missing' {
  const signature = head.signature;
  if (!signature) return 'missing';
  try {
    if (head.kind === 'head') {
      const claim = {
        sessionId: head.sessionId,
        firstHash: head.firstHash,
        segments: head.segments,
        chainHash: head.chainHash,
        state: 'head',
      };
      return isClaim(claim) && verifyClaimSignature(claim, signature, publicKey) ? 'valid' : 'invalid';
    }
    if (signature.format === undefined) {
      return verifyRecordingSignature(head.sessionId, head.chainHash, signature, publicKey)
        ? 'valid'
        : 'invalid';
    }
    // The end event states no first hash of its own: the signed claim does, and must agree with the event.
    const signed = signature.signed;
    return isClaim(signed) &&
      signed.sessionId === head.sessionId &&
      signed.segments === head.segments &&
      signed.chainHash === head.chainHash &&
      verifyClaimSignature(signed, signature, publicKey)
      ? 'valid'
      : 'invalid';
  } catch {
    return 'invalid';
  }
}
