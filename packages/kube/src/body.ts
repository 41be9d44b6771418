// What of a request body is kept for the audit record: bounded in size, with
// the values of Secrets replaced. Pure.
//
// The guarantee: a Secret's `data` / `stringData` values are never recorded,
// whatever the encoding (JSON, YAML, protobuf), the verb, the patch type
// (JSON Patch, merge, strategic merge, apply), the nesting (Lists, items
// without `kind`, last-applied annotations, objects inside patch values) or
// the spelling of the keys (`Data`, `STRINGDATA`, Unicode case folds). A body
// that may hold a Secret and cannot be understood is withheld: only its size
// and content type are recorded.
import {
  decodeKubeProtobuf,
  hasKubeProtobufMagic,
  type KubeProtobufEnvelope,
  redactProtobufSecret,
} from './k8s-protobuf.js';

export interface RecordedBody {
  /** The bytes to record, or undefined when nothing may be recorded. */
  body: Uint8Array | undefined;
  /** True when `body` is shorter than what the client sent. */
  truncated: boolean;
  /** True when Secret values were replaced (or the whole body withheld). */
  redacted: boolean;
  /** True when the whole body was withheld (it may hold a Secret the proxy could not parse). */
  withheld: boolean;
}

export interface RecordBodyOptions {
  /** The request's resource ("secrets", "pods", ...), from parseRequestInfo. */
  resource?: string;
  /** The request's API group ("" for core). */
  apiGroup?: string;
  contentType?: string;
  /** The request's Content-Encoding; anything but identity is opaque, so withheld. */
  contentEncoding?: string;
  /** Bytes kept at most. @default 65536 */
  maxBytes?: number;
}

/** Mutating verbs whose bodies are recorded. */
export const mutatingVerbs: ReadonlySet<string> = new Set([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);

export const kRedacted = '[REDACTED]';

/**
 * Decides what to record of `body` (the whole request body, or as much of it
 * as the proxy kept; `complete` false when it kept less than was sent).
 */
export function recordRequestBody(
  body: Uint8Array,
  complete: boolean,
  options: RecordBodyOptions = {},
): RecordedBody {
  const maxBytes = options.maxBytes ?? 65536;
  const secretResource = isSecretsResource(options.resource, options.apiGroup);
  const contentType = (options.contentType ?? '').toLowerCase();
  const encoding = (options.contentEncoding ?? '').trim().toLowerCase();
  if (body.byteLength === 0) return { body, truncated: !complete, redacted: false, withheld: false };
  // A compressed body cannot be inspected: it may hold anything.
  if (encoding !== '' && encoding !== 'identity') return withheld();

  if (contentType.includes('protobuf') || hasKubeProtobufMagic(body)) {
    return recordProtobuf(body, complete, secretResource, maxBytes);
  }
  if (!complete) {
    // Only a prefix: nothing can be parsed, so keep it only when it cannot be (part of) a Secret.
    if (secretResource || mayHideSecret(body) || mentions(body, 'data')) return withheld();
    return cap(body, false, maxBytes, false);
  }
  // Nothing outside `secrets` is redacted unless something in it says Secret: no need to parse.
  if (!secretResource && !mayHideSecret(body)) return cap(body, true, maxBytes, false);
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let value: unknown;
  let parsed = false;
  // JSON (kubectl sends JSON even as application/apply-patch+yaml); YAML that is not JSON is not parsed.
  if (contentType === '' || contentType.includes('json') || contentType.includes('yaml') || looksJson(body)) {
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (!parsed) {
    if (secretResource || mayHideSecret(body)) return withheld();
    return cap(body, true, maxBytes, false);
  }
  // A write to secrets is an object or a JSON Patch: anything else (a bare string, a list of values)
  // is garbage the API server refuses, and may be the value itself.
  if (
    secretResource &&
    (typeof value !== 'object' || value === null || (Array.isArray(value) && !value.every(isPatchOperation)))
  )
    return withheld();
  const state: RedactState = { redacted: false };
  const result = redactTop(value, secretResource, state);
  if (!state.redacted) return cap(body, true, maxBytes, false);
  return cap(Buffer.from(JSON.stringify(result), 'utf8'), true, maxBytes, true);
}

function withheld(): RecordedBody {
  return { body: undefined, truncated: true, redacted: true, withheld: true };
}

function isSecretsResource(resource: string | undefined, apiGroup: string | undefined): boolean {
  return fold(resource ?? '') === 'SECRETS' && (apiGroup ?? '') === '';
}

function recordProtobuf(
  body: Uint8Array,
  complete: boolean,
  secretResource: boolean,
  maxBytes: number,
): RecordedBody {
  // Protobuf strings are plain UTF-8: a Secret's kind or manifest shows as the word itself.
  const mentionsSecret = mentions(body, 'secret');
  if (!complete) return secretResource || mentionsSecret ? withheld() : cap(body, false, maxBytes, false);
  let envelope: KubeProtobufEnvelope;
  try {
    envelope = decodeKubeProtobuf(body);
  } catch {
    return secretResource || mentionsSecret ? withheld() : cap(body, true, maxBytes, false);
  }
  const kind = fold(envelope.kind);
  const isSecret = kind === 'SECRET' || (secretResource && kind === '');
  if (isSecret && envelope.contentEncoding === '') {
    try {
      const redacted = redactProtobufSecret(
        envelope,
        (key, value) => redactAnnotationText(key, value, true),
        kRedacted,
      );
      return cap(redacted.body, true, maxBytes, true);
    } catch {
      return withheld();
    }
  }
  // SecretList, compressed raw, a Secret under another kind, anything mentioning one: not understood, withheld.
  if (secretResource || kind.includes('SECRET') || mentionsSecret) return withheld();
  return cap(body, true, maxBytes, false);
}

function cap(body: Uint8Array, complete: boolean, maxBytes: number, redacted: boolean): RecordedBody {
  if (body.byteLength <= maxBytes) return { body, truncated: !complete, redacted, withheld: false };
  return { body: body.subarray(0, maxBytes), truncated: true, redacted, withheld: false };
}

function looksJson(body: Uint8Array): boolean {
  for (let i = 0; i < body.byteLength; i++) {
    const c = body[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

/**
 * True when unparsed bytes could spell "secret" in some way a parser would
 * understand: the word itself in any ASCII case, or any escape (`\`), non-ASCII
 * byte (Unicode case folds, UTF-16) or NUL that could hide it.
 */
export function mayHideSecret(body: Uint8Array): boolean {
  // Regular expressions over a latin1 view: native speed, one character per byte.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the bytes searched for.
  return /[\\\x00\x80-\xff]/.test(latin1(body)) || mentions(body, 'secret');
}

function latin1(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
}

/** True when `body` holds `word` (a lower-case ASCII word) in any ASCII case. */
function mentions(body: Uint8Array, word: 'secret' | 'data'): boolean {
  return (word === 'secret' ? /secret/i : /data/i).test(latin1(body));
}

/** Upper case after lower case: folds `ſ` to S and the Kelvin sign to K, as Go's case-insensitive JSON matching does. */
function fold(text: string): string {
  return text.toLowerCase().toUpperCase();
}

interface RedactState {
  redacted: boolean;
}

/** The top level of a request body: a JSON Patch (array of operations) or an object. */
function redactTop(value: unknown, secretResource: boolean, state: RedactState): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      value[i] = isPatchOperation(item)
        ? redactOperation(item, secretResource, state)
        : walk(item, secretResource, state);
    }
    return value;
  }
  return walk(value, secretResource, state);
}

/**
 * The redactor rewrites the freshly parsed value in place (no copy of what it
 * keeps); an own property, even `__proto__`, is replaced as an own property.
 */
function replace(object: Record<string, unknown>, key: string, value: unknown): void {
  if (object[key] === value) return;
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

function isPatchOperation(value: unknown): value is Record<string, unknown> & { path: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { path?: unknown }).path === 'string'
  );
}

/** RFC 6901 segments of a JSON pointer. */
function pointerSegments(path: string): string[] {
  if (path === '') return [];
  return path
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const dataKeys = new Set(['DATA', 'STRINGDATA']);

/**
 * One JSON Patch operation. Every member but `op`, `path` and `from` is
 * treated as a value. On a Secret, a value under data/stringData is replaced
 * whole; a value at the root is a Secret object; a value under
 * metadata.annotations is an annotation (the last-applied manifest) or the
 * annotation map; anything else is walked for embedded Secrets.
 */
function redactOperation(
  operation: Record<string, unknown> & { path: string },
  secretResource: boolean,
  state: RedactState,
): Record<string, unknown> {
  const segments = pointerSegments(operation.path);
  const folded = segments.map(fold);
  for (const [key, field] of Object.entries(operation)) {
    if (key === 'op' || key === 'path' || key === 'from') continue;
    if (secretResource && folded.some((segment) => dataKeys.has(segment))) {
      if (field !== null) state.redacted = true;
      replace(operation, key, field === null ? null : kRedacted);
      continue;
    }
    const annotationsAt = folded.indexOf('ANNOTATIONS');
    if (annotationsAt >= 0 && annotationsAt === folded.length - 2) {
      replace(
        operation,
        key,
        redactAnnotationValue(segments[annotationsAt + 1]!, field, secretResource, state),
      );
    } else if (annotationsAt >= 0 && annotationsAt === folded.length - 1) {
      replace(operation, key, redactAnnotations(field, secretResource, state));
    } else if (segments.length === 0) {
      replace(operation, key, walk(field, secretResource, state));
    } else {
      replace(operation, key, walk(field, false, state, secretResource));
    }
  }
  return operation;
}

/**
 * Walks a JSON value: an object whose kind is Secret (or the Secret a
 * request to `secrets` carries, or an item of a Secret list) gets its
 * `data` / `stringData` values replaced; `annotations` maps anywhere get their
 * embedded manifests redacted; everything else is walked for nested Secrets.
 */
function walk(value: unknown, secret: boolean, state: RedactState, secretResource = secret): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i], false, state, secretResource);
    return value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const isSecret = secret || kindIsSecret(object);
  for (const key of Object.keys(object)) {
    const field = object[key];
    // Only objects can hold a Secret: strings and numbers are kept without a look.
    if (typeof field !== 'object' || field === null) {
      if (isSecret && field !== null && dataKeys.has(foldKey(key)))
        replace(object, key, redactData(field, state));
      continue;
    }
    const folded = foldKey(key);
    if (isSecret && dataKeys.has(folded)) {
      replace(object, key, redactData(field, state));
    } else if (folded === 'ITEMS' && Array.isArray(field)) {
      for (let i = 0; i < field.length; i++) field[i] = walk(field[i], isSecret, state, secretResource);
    } else if (folded === 'ANNOTATIONS') {
      replace(object, key, redactAnnotations(field, secretResource || isSecret, state));
    } else {
      walk(field, false, state, secretResource);
    }
  }
  return object;
}

function kindIsSecret(object: Record<string, unknown>): boolean {
  for (const key of Object.keys(object)) {
    if (key.length !== 4) continue;
    const field = object[key];
    if (typeof field === 'string' && fold(key) === 'KIND' && fold(field).includes('SECRET')) return true;
  }
  return false;
}

/**
 * `fold(key)` for the keys the walk looks for (data, items, stringData,
 * annotations), '' for any other length: Go folds one character to one
 * (`ſ`, the Kelvin sign), so a key Go matches has the same length.
 */
function foldKey(key: string): string {
  const length = key.length;
  return length === 4 || length === 5 || length === 10 || length === 11 ? fold(key) : '';
}

function redactData(value: unknown, state: RedactState): unknown {
  if (value === null || value === undefined) return value;
  state.redacted = true;
  if (typeof value !== 'object') return kRedacted;
  if (Array.isArray(value)) return value.fill(kRedacted);
  // Strategic-merge directives ($patch, $retainKeys) carry no values but are replaced like the rest.
  // A new map (fromEntries defines own properties, `__proto__` included): faster than rewriting each value.
  return Object.fromEntries(Object.keys(value).map((key) => [key, kRedacted]));
}

function redactAnnotations(value: unknown, secretContext: boolean, state: RedactState): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return walk(value, false, state);
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    replace(object, key, redactAnnotationValue(key, object[key], secretContext, state));
  }
  return object;
}

function redactAnnotationValue(
  key: string,
  value: unknown,
  secretContext: boolean,
  state: RedactState,
): unknown {
  if (typeof value !== 'string') return walk(value, false, state);
  const replaced = redactAnnotationText(key, value, secretContext);
  if (replaced !== value) state.redacted = true;
  return replaced;
}

/**
 * An annotation's value, redacted: a manifest (the last-applied
 * configuration, or any JSON that may hold a Secret) has its Secret values
 * replaced; a value that may hold a Secret but is not JSON becomes
 * `[REDACTED]` whole. Returns `value` itself when nothing was replaced.
 */
function redactAnnotationText(key: string, value: string, secretContext: boolean): string {
  const lastApplied = fold(key).includes('LAST-APPLIED');
  const bytes = Buffer.from(value, 'utf8');
  const suspicious = mayHideSecret(bytes);
  if (!suspicious && !(secretContext && lastApplied)) return value;
  try {
    const inner: RedactState = { redacted: false };
    const redacted = redactTop(JSON.parse(value), secretContext && lastApplied, inner);
    return inner.redacted ? JSON.stringify(redacted) : value;
  } catch {
    return lastApplied || /secret/i.test(value) ? kRedacted : value;
  }
}
