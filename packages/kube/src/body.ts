// What of a request body is kept for the audit record: bounded in size, with
// the values of Secrets replaced. Pure.

export interface RecordedBody {
  /** The bytes to record, or undefined when nothing may be recorded. */
  body: Uint8Array | undefined;
  /** True when `body` is shorter than what the client sent. */
  truncated: boolean;
  /** True when Secret values were replaced (or the whole body withheld). */
  redacted: boolean;
}

export interface RecordBodyOptions {
  /** The request's resource ("secrets", "pods", ...), from parseRequestInfo. */
  resource?: string;
  /** The request's API group ("" for core). */
  apiGroup?: string;
  contentType?: string;
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
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Decides what to record of `body` (the whole request body, or as much of it
 * as the proxy kept; `complete` false when it kept less than was sent).
 * Secret requests whose body cannot be parsed as JSON are withheld entirely.
 */
export function recordRequestBody(
  body: Uint8Array,
  complete: boolean,
  options: RecordBodyOptions = {},
): RecordedBody {
  const maxBytes = options.maxBytes ?? 65536;
  const secretResource = options.resource === 'secrets' && (options.apiGroup ?? '') === '';
  const looksJson = isJson(options.contentType, body);
  if (!looksJson) {
    if (secretResource) return { body: undefined, truncated: body.byteLength > 0, redacted: true };
    return cap(body, complete, maxBytes, false);
  }
  // JSON may hold a Secret anywhere (a List, an apply of a Secret manifest, a
  // last-applied annotation): parse it when we have it whole.
  if (!complete) {
    if (secretResource || mayMentionSecret(body)) return { body: undefined, truncated: true, redacted: true };
    return cap(body, complete, maxBytes, false);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch {
    if (secretResource || mayMentionSecret(body))
      return { body: undefined, truncated: body.byteLength > 0, redacted: true };
    return cap(body, complete, maxBytes, false);
  }
  const state = { redacted: false };
  const result = redactValue(value, secretResource, state);
  if (!state.redacted) return cap(body, complete, maxBytes, false);
  return cap(Buffer.from(JSON.stringify(result), 'utf8'), true, maxBytes, true);
}

function cap(body: Uint8Array, complete: boolean, maxBytes: number, redacted: boolean): RecordedBody {
  if (body.byteLength <= maxBytes) return { body, truncated: !complete, redacted };
  return { body: body.subarray(0, maxBytes), truncated: true, redacted };
}

function isJson(contentType: string | undefined, body: Uint8Array): boolean {
  if (contentType) return /json/i.test(contentType);
  for (let i = 0; i < body.byteLength; i++) {
    const c = body[i]!;
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

function mayMentionSecret(body: Uint8Array): boolean {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes('Secret');
}

/**
 * Walks a JSON value: any object whose kind is Secret (or the top level of a
 * request to the secrets resource, which may be a bare merge patch) gets its
 * `data` / `stringData` values replaced; JSON Patch operations on those paths
 * get their values replaced; last-applied annotations are redacted in turn.
 */
function redactValue(value: unknown, secretContext: boolean, state: { redacted: boolean }): unknown {
  if (Array.isArray(value)) {
    if (secretContext && value.every(isPatchOperation)) {
      return value.map((operation) => {
        const path = String(operation.path ?? '');
        if ('value' in operation && /^\/(data|stringData)(\/|$)/.test(path)) {
          state.redacted = true;
          return { ...operation, value: redactDataValue(operation.value) };
        }
        return operation;
      });
    }
    return value.map((item) => redactValue(item, false, state));
  }
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const isSecret = secretContext || object.kind === 'Secret';
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(object)) {
    if (isSecret && (key === 'data' || key === 'stringData') && typeof field === 'object' && field !== null) {
      state.redacted = true;
      out[key] = redactDataValue(field);
    } else if (key === 'metadata' && typeof field === 'object' && field !== null) {
      out[key] = redactMetadata(field as Record<string, unknown>, state);
    } else if (key === 'items' || key === 'objects') {
      out[key] = redactValue(field, false, state);
    } else {
      out[key] = field;
    }
  }
  return out;
}

function redactMetadata(
  metadata: Record<string, unknown>,
  state: { redacted: boolean },
): Record<string, unknown> {
  const annotations = metadata.annotations as Record<string, unknown> | undefined;
  if (!annotations || typeof annotations !== 'object' || typeof annotations[lastApplied] !== 'string')
    return metadata;
  const text = annotations[lastApplied] as string;
  let replaced: string;
  try {
    const inner = { redacted: false };
    const redactedInner = redactValue(JSON.parse(text), false, inner);
    if (!inner.redacted) return metadata;
    replaced = JSON.stringify(redactedInner);
  } catch {
    if (!text.includes('Secret')) return metadata;
    replaced = kRedacted;
  }
  state.redacted = true;
  return { ...metadata, annotations: { ...annotations, [lastApplied]: replaced } };
}

function redactDataValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return kRedacted;
  if (Array.isArray(value)) return value.map(() => kRedacted);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = kRedacted;
  return out;
}

function isPatchOperation(value: unknown): value is { op: string; path?: unknown; value?: unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}
