import type { RecordingInfo } from '@tapline/core';

/** File name suffix of every recording object. */
export const RECORDING_SUFFIX = '.tapline';

function safeSegment(text: string): string {
  return /^[A-Za-z0-9._-]+$/.test(text) ? text : encodeURIComponent(text);
}

/**
 * The default object key: `PREFIX/YYYY/MM/DD/SESSION_ID.tapline`, the date
 * being the session's start in UTC. Date folders keep listings by day cheap
 * and lifecycle rules simple.
 */
export function defaultKeyLayout(prefix: string, recording: RecordingInfo): string {
  const start = new Date(recording.startedAt);
  const yyyy = String(start.getUTCFullYear()).padStart(4, '0');
  const mm = String(start.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(start.getUTCDate()).padStart(2, '0');
  return `${normalizePrefix(prefix)}${yyyy}/${mm}/${dd}/${safeSegment(recording.sessionId)}${RECORDING_SUFFIX}`;
}

/** "" stays "", "rec" and "rec/" become "rec/". */
export function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** Object metadata (x-amz-meta-*) naming the session; ids only, never content. Values are URI-encoded when not plain ASCII. */
export function contextMetadata(recording: RecordingInfo): Record<string, string> {
  const { context } = recording;
  const fields: Record<string, string | undefined> = {
    'tapline-format': 'tapline-recording/1',
    'tapline-session-id': recording.sessionId,
    'tapline-started-at': new Date(recording.startedAt).toISOString(),
    'tapline-protocol': context.protocol,
    'tapline-user-id': context.user?.id,
    'tapline-access-request-id': context.accessRequestId,
    'tapline-resource-id': context.resource?.id,
    'tapline-resource-type': context.resource?.type,
  };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) if (value) out[key] = asciiHeaderValue(value);
  return out;
}

/** Object tags naming the session (S3 allows 10 per object). */
export function contextTags(recording: RecordingInfo): Record<string, string> {
  const { context } = recording;
  const out: Record<string, string> = { 'tapline-session-id': recording.sessionId };
  if (context.user?.id) out['tapline-user-id'] = context.user.id;
  if (context.accessRequestId) out['tapline-access-request-id'] = context.accessRequestId;
  return out;
}

export function asciiHeaderValue(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURIComponent(value);
}

/** Tag values allow letters, digits, spaces and + - = . _ : / @ up to 256 characters. */
function tagText(value: string, max: number): string {
  return value.replace(/[^\p{L}\p{N} +\-=._:/@]/gu, '_').slice(0, max);
}

/** The x-amz-tagging header value (URL query encoding, %20 for spaces). */
export function encodeTagging(tags: Record<string, string>): string | undefined {
  const entries = Object.entries(tags);
  if (entries.length === 0) return undefined;
  return entries
    .map(
      ([key, value]) => `${encodeURIComponent(tagText(key, 128))}=${encodeURIComponent(tagText(value, 256))}`,
    )
    .join('&');
}
