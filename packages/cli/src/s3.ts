import { usageError } from './errors.js';
import type { OpenedLocation, SourceOptions } from './source.js';

/** Opens `s3://bucket/key` or `s3://bucket/prefix/`. */
export async function openS3Location(location: string, _options: SourceOptions): Promise<OpenedLocation> {
  throw usageError(`cannot open ${location}: S3 support needs @tapline/sink-s3`);
}
