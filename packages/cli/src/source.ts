import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordingSignature } from '@tapline/core';
import { TaplineError } from '@tapline/frames';
import { ioError, usageError } from './errors.js';

/** The sidecar `<recording>.json` that `createFileSink` writes beside a recording. */
export interface RecordingManifest {
  sessionId?: string;
  startedAt?: number;
  complete?: boolean;
  chainHash?: string;
  segments?: number;
  bytes?: number;
  incompleteReason?: string;
  signature?: RecordingSignature;
}

/** One recording, wherever it lives. */
export interface RecordingSource {
  /** As the user named it (a path or an `s3://` URL). */
  readonly location: string;
  /** Size in bytes when known up front (for progress bars). */
  readonly size: number | undefined;
  /** A fresh stream of the recording's bytes on every call. */
  bytes(): AsyncIterable<Uint8Array>;
  /**
   * The manifest beside the recording, or undefined when there is none.
   * Rejects with TAPLINE_ERR_CLI_MANIFEST when it exists but is not a manifest.
   */
  manifest(): Promise<RecordingManifest | undefined>;
}

/** What a location names: one recording, or a collection (a directory, an S3 prefix). */
export interface OpenedLocation {
  collection: boolean;
  sources: RecordingSource[];
}

export interface S3Options {
  /** Custom endpoint (MinIO, Ceph, s3rver); path-style addressing is used with it unless told otherwise. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`). @default true with an endpoint, false without */
  forcePathStyle?: boolean;
  /** @default AWS_REGION, AWS_DEFAULT_REGION, else "us-east-1" */
  region?: string;
}

export interface SourceOptions {
  s3?: S3Options;
  /** Manifest path to use instead of `<recording>.json` (single recordings only). */
  manifestPath?: string;
}

/**
 * How a URI scheme is opened. A provider turns a location into recordings;
 * the `s3:` provider is loaded only when an `s3://` location is used.
 */
export type SourceProvider = (location: string, options: SourceOptions) => Promise<OpenedLocation>;

const providers: Record<string, () => Promise<SourceProvider>> = {
  's3:': async () => (await import('./s3.js')).openS3Location,
};

/** Recording files end in `.tapline`; their manifests in `.tapline.json`. */
export const RECORDING_EXTENSION = '.tapline';

/**
 * Opens a location: a recording file, a directory of recordings, a `file://`
 * URL, or an `s3://bucket/key` (one object) / `s3://bucket/prefix/` (every
 * recording under it).
 */
export async function openLocation(location: string, options: SourceOptions = {}): Promise<OpenedLocation> {
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(location)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file:') {
    const provider = providers[scheme];
    if (!provider) throw usageError(`unsupported location ${location}: use a path or an s3:// URL`);
    return (await provider())(location, options);
  }
  const path = scheme === 'file:' ? fileURLToPath(location) : resolve(location);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    throw ioError(`cannot open ${location}`, cause);
  }
  if (info.isDirectory()) {
    let names: string[];
    try {
      names = await readdir(path);
    } catch (cause) {
      throw ioError(`cannot list ${location}`, cause);
    }
    const files = names.filter((name) => name.endsWith(RECORDING_EXTENSION)).sort();
    const sources: RecordingSource[] = [];
    for (const name of files) {
      const file = join(path, name);
      const fileInfo = await stat(file).catch(() => undefined);
      if (fileInfo?.isFile()) sources.push(fileSource(join(location, name), file, fileInfo.size, undefined));
    }
    return { collection: true, sources };
  }
  return { collection: false, sources: [fileSource(location, path, info.size, options.manifestPath)] };
}

/** Opens a location that must name one recording. */
export async function openSource(location: string, options: SourceOptions = {}): Promise<RecordingSource> {
  const opened = await openLocation(location, options);
  if (opened.collection) throw usageError(`${location} is a directory or prefix: name one recording`);
  return opened.sources[0]!;
}

function fileSource(
  location: string,
  path: string,
  size: number,
  manifestPath: string | undefined,
): RecordingSource {
  return {
    location,
    size,
    bytes: () => readFileChunks(path, location),
    manifest: () => readManifestFile(manifestPath ?? `${path}.json`, manifestPath !== undefined),
  };
}

/** A file's bytes in 1 MiB chunks; a read error is a coded CLI error naming `location`. */
export async function* readFileChunks(path: string, location: string): AsyncGenerator<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (cause) {
    throw ioError(`cannot read ${location}`, cause);
  } finally {
    stream.destroy();
  }
}

/**
 * A manifest is a few hundred bytes; one beside a recording is as untrusted as
 * the recording, so a larger one is refused before it is read.
 */
export const MAX_MANIFEST_BYTES: number = 1024 * 1024;

/** The error for a manifest above MAX_MANIFEST_BYTES. */
export function manifestTooLarge(location: string, size: number): TaplineError {
  return manifestError(
    `${location} is ${size} bytes, above the ${MAX_MANIFEST_BYTES}-byte limit for a manifest`,
  );
}

/** Reads a manifest file; a missing one is undefined unless `required`. */
export async function readManifestFile(
  path: string,
  required: boolean,
): Promise<RecordingManifest | undefined> {
  let text: string;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(path, 'r');
    const { size } = await file.stat();
    if (size > MAX_MANIFEST_BYTES) throw manifestTooLarge(path, size);
    text = await file.readFile('utf8');
  } catch (cause) {
    if (cause instanceof TaplineError) throw cause;
    if (!required && (cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(`cannot read the manifest ${path}`, cause);
  } finally {
    await file?.close();
  }
  return parseManifest(text, path);
}

/** Parses a manifest's JSON, checking the fields the CLI relies on. */
export function parseManifest(text: string, location: string): RecordingManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw manifestError(`${location} is not JSON`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw manifestError(`${location} is not a recording manifest`);
  }
  const manifest = value as Record<string, unknown>;
  const wrongType = (
    [
      ['sessionId', 'string'],
      ['startedAt', 'number'],
      ['complete', 'boolean'],
      ['chainHash', 'string'],
      ['segments', 'number'],
      ['bytes', 'number'],
      ['incompleteReason', 'string'],
    ] as const
  ).find(([field, type]) => manifest[field] !== undefined && typeof manifest[field] !== type);
  if (wrongType) throw manifestError(`${location}: "${wrongType[0]}" is not a ${wrongType[1]}`);
  const signature = manifest.signature as Record<string, unknown> | undefined;
  if (
    signature !== undefined &&
    (typeof signature !== 'object' ||
      signature === null ||
      typeof signature.algorithm !== 'string' ||
      typeof signature.keyId !== 'string' ||
      typeof signature.value !== 'string')
  ) {
    throw manifestError(`${location} holds a malformed signature`);
  }
  return manifest as RecordingManifest;
}

function manifestError(message: string, cause?: unknown): TaplineError {
  return new TaplineError('TAPLINE_ERR_CLI_MANIFEST', message, { component: 'cli', cause });
}
