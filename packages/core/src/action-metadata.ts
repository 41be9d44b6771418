// Actions as metadata (issue 17): the `session.action` event an emitter that
// opted into content receives for each command, query, API call and file
// operation, and the size cap every such emitter applies to `data.content`.
import type { MetadataEvent } from './contracts.js';
import type { LiveAction, PublishedAction } from './live.js';

/** What counts as raw session content goes under `data.content`; the rest is metadata. */
export function actionEventData(action: PublishedAction | LiveAction): Record<string, unknown> | undefined {
  // Built by assignment, not object spread: this runs for every action when
  // content metadata or alert rules are on.
  const data: Record<string, unknown> = {
    action: action.type,
    protocol: action.context.protocol,
    userId: action.context.user.id,
    accessRequestId: action.context.accessRequestId,
    resourceId: action.context.resource.id,
    offsetNs: action.offsetNs,
    at: new Date(action.time).toISOString(),
  };
  const content: Record<string, unknown> = {};
  switch (action.type) {
    case 'command': {
      const command = action.command;
      data.streamId = command.streamId;
      data.source = command.source;
      if (command.exitCode !== undefined) data.exitCode = command.exitCode;
      content.text = command.text;
      if (command.program) content.program = command.program;
      if (command.programs?.length) content.programs = command.programs;
      break;
    }
    case 'query': {
      const query = action.query;
      data.streamId = query.streamId;
      copy(data, query, [
        'statementType',
        'commandTag',
        'rows',
        'errorCode',
        'durationNs',
        'database',
        'kind',
      ]);
      content.text = query.text;
      if (query.parameters?.length) {
        content.parameters = query.parameters.map((parameter) =>
          parameter.isNull ? null : (parameter.value ?? null),
        );
      }
      if (query.errorMessage) content.errorMessage = query.errorMessage;
      break;
    }
    case 'api_call': {
      const call = action.apiCall;
      data.streamId = call.streamId;
      copy(data, call, [
        'verb',
        'method',
        'apiGroup',
        'apiVersion',
        'resource',
        'subresource',
        'namespace',
        'statusCode',
        'durationNs',
      ]);
      content.path = call.path;
      if (call.name) content.name = call.name;
      break;
    }
    case 'file_operation': {
      const operation = action.fileOperation;
      data.streamId = operation.streamId;
      data.kind = operation.kind;
      copy(data, operation, ['status', 'bytesRead', 'bytesWritten']);
      content.path = operation.path;
      if (operation.targetPath) content.targetPath = operation.targetPath;
      break;
    }
    default:
      return undefined;
  }
  data.content = content;
  return data;
}

function copy<T extends object>(
  into: Record<string, unknown>,
  value: T,
  keys: Array<keyof T & string>,
): void {
  for (const key of keys) if (value[key] !== undefined && value[key] !== '') into[key] = value[key];
}

/** The default cap on each string of `data.content`, in UTF-8 bytes. */
export const DEFAULT_MAX_CONTENT_BYTES = 4096;

/**
 * The event as an emitter sends it: without `data.content` unless
 * `includeContent`, and with every string in it cut to `maxContentBytes`
 * (UTF-8, never inside a character; `data.contentTruncated` says it was).
 * The caller's event is never modified.
 */
export function contentForEmitter(
  event: MetadataEvent,
  includeContent: boolean,
  maxContentBytes: number = DEFAULT_MAX_CONTENT_BYTES,
): MetadataEvent {
  const data = event.data;
  if (!data || typeof data !== 'object' || !('content' in data)) return event;
  if (!includeContent) {
    const { content: _content, ...rest } = data;
    return { ...event, data: rest };
  }
  const state = { truncated: false };
  const content = cap(data.content, Math.max(0, maxContentBytes), state, 0);
  if (!state.truncated) return event;
  return { ...event, data: { ...data, content, contentTruncated: true } };
}

function cap(value: unknown, maxBytes: number, state: { truncated: boolean }, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.length * 3 <= maxBytes || Buffer.byteLength(value) <= maxBytes) return value;
    state.truncated = true;
    return cutUtf8(value, maxBytes);
  }
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => cap(item, maxBytes, state, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = cap(item, maxBytes, state, depth + 1);
  return out;
}

/** The longest prefix of `text` whose UTF-8 encoding fits `maxBytes`. */
function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  let end = Math.min(maxBytes, bytes.length);
  // Back up to a character boundary (continuation bytes are 10xxxxxx).
  while (end > 0 && end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
