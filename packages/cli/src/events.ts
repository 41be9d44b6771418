// Frames as plain, stable JSON events: what `inspect --json` lists as its
// timeline and what `export --format jsonl` writes, one per line. Every event
// of a type has the same keys in the same order; absent values are null.
import { type DecodedFrame, tapline } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import { formatUnixMs } from './format.js';

const v1 = tapline.v1;

/** `STREAM_KIND_SSH_SHELL` → `ssh_shell`; unknown numbers stay numbers. */
function enumName(values: object, prefix: string, value: number): string | number {
  const name = (values as Record<number, string | undefined>)[value];
  return name === undefined ? value : name.slice(prefix.length).toLowerCase();
}

export const streamKindName = (value: number): string | number =>
  enumName(v1.StreamKind, 'STREAM_KIND_', value);
export const directionName = (value: number): string | number => enumName(v1.Direction, 'DIRECTION_', value);
export const endReasonName = (value: number): string | number => enumName(v1.EndReason, 'END_REASON_', value);
export const fileOperationKindName = (value: number): string | number =>
  enumName(v1.FileOperationKind, 'FILE_OPERATION_KIND_', value);
export const annotationKindName = (value: number): string | number =>
  enumName(v1.AnnotationKind, 'ANNOTATION_KIND_', value);

const text = (value: string | null | undefined): string | null => (value ? value : null);
const base64 = (value: Uint8Array): string =>
  Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
const map = (value: Record<string, string> | null | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(value ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const isoTime = (unixMs: number): string | null => (unixMs > 0 ? formatUnixMs(unixMs) : null);

interface Envelope<T extends string> {
  seq: number;
  offsetNs: number;
  /** ISO-8601 wall time: the session's start plus the offset (null before a SessionStart is seen). */
  time: string | null;
  type: T;
}

export interface PersonFields {
  id: string;
  name: string | null;
  email: string | null;
}

export interface SessionStartEvent extends Envelope<'session_start'> {
  sessionId: string;
  protocol: string | null;
  startedAt: string | null;
  clientAddress: string | null;
  target: string | null;
  user: PersonFields;
  approvers: Array<PersonFields & { approvedAt: string | null }>;
  accessFlow: { id: string; name: string | null } | null;
  accessRequestId: string | null;
  accessRequestStatus: string | null;
  resource: { id: string; type: string | null; name: string | null; integration: string | null } | null;
  permissions: string[];
  expiresAt: string | null;
  labels: Record<string, string>;
}

export interface SessionEndEvent extends Envelope<'session_end'> {
  reason: string | number;
  detail: string | null;
  errorCode: string | null;
  frames: number;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  commands: number;
  queries: number;
  apiCalls: number;
  fileOperations: number;
  streams: number;
  bytesNotRecorded: number;
}

export interface StreamOpenEvent extends Envelope<'stream_open'> {
  streamId: number;
  kind: string | number;
  details: Record<string, string>;
  cols: number;
  rows: number;
  contentRecorded: boolean;
}

export interface StreamCloseEvent extends Envelope<'stream_close'> {
  streamId: number;
  exitStatus: number | null;
  exitSignal: string | null;
  detail: string | null;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
}

export interface DataEvent extends Envelope<'data'> {
  streamId: number;
  direction: string | number;
  channel: number;
  length: number;
  /** Base64, when asked for. */
  bytes?: string;
}

export interface ResizeEvent extends Envelope<'resize'> {
  streamId: number;
  cols: number;
  rows: number;
}

export interface CommandEventFields extends Envelope<'command'> {
  streamId: number;
  text: string;
  source: string | null;
  startedOffsetNs: number | null;
  endedOffsetNs: number | null;
  program: string | null;
  /** How a terminal command was entered ("typed", "pasted", "recalled", "completed"), null when not recorded. */
  inputSource: string | null;
  /** Every program a terminal command runs ([] when not recorded). */
  programs: string[];
  exitCode: number | null;
}

export interface QueryEventFields extends Envelope<'query'> {
  streamId: number;
  text: string;
  parameters: Array<{
    value: string | null;
    type: string | null;
    format: string | null;
    length: number | null;
    redacted: boolean;
  }>;
  commandTag: string | null;
  rows: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  errorSeverity: string | null;
  durationNs: number | null;
  database: string | null;
  startedOffsetNs: number | null;
  mode: string | null;
  /** `'query'` for recordings that predate the field. */
  kind: string;
  statement: string | null;
  portal: string | null;
  transactionStatus: string | null;
  copyBytes: number | null;
  warnings: number;
  statementType: string | null;
  lastInsertId: number | null;
  channel: string | null;
}

export interface ApiCallEventFields extends Envelope<'api_call'> {
  streamId: number;
  verb: string | null;
  method: string | null;
  path: string | null;
  apiGroup: string | null;
  apiVersion: string | null;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  statusCode: number;
  durationNs: number | null;
  /** Base64. */
  requestBody: string | null;
  requestBodyTruncated: boolean;
  requestBytes: number;
  responseBytes: number;
  userAgent: string | null;
}

export interface FileOperationEventFields extends Envelope<'file_operation'> {
  streamId: number;
  kind: string | number;
  path: string;
  targetPath: string | null;
  flags: string[];
  bytesRead: number;
  bytesWritten: number;
  status: string | null;
  statusMessage: string | null;
  attributes: Record<string, string>;
}

export interface AnnotationEventFields extends Envelope<'annotation'> {
  kind: string | number;
  streamId: number | null;
  code: string | null;
  message: string | null;
  bytesNotRecorded: number;
  details: Record<string, string>;
}

/** A body this reader does not know (a newer writer, an integrator's private body). */
export type UnknownEvent = Envelope<'unknown'>;

/** One frame as a plain JSON event. */
export type TimelineEvent =
  | SessionStartEvent
  | SessionEndEvent
  | StreamOpenEvent
  | StreamCloseEvent
  | DataEvent
  | ResizeEvent
  | CommandEventFields
  | QueryEventFields
  | ApiCallEventFields
  | FileOperationEventFields
  | AnnotationEventFields
  | UnknownEvent;

export type EventType = TimelineEvent['type'];

export interface EventOptions {
  /** Wall-clock start of the session, Unix ms (from SessionStart). */
  startedAtMs: number | undefined;
  /** Data frames carry their bytes as base64 (otherwise only the length). */
  dataBytes?: boolean;
}

/** Converts one frame to its event. */
export function frameEvent(frame: DecodedFrame, options: EventOptions): TimelineEvent {
  const offsetNs = frame.offsetNs;
  const startedAtMs = bodyOf(frame, 'sessionStart')?.startedAtUnixMs ?? options.startedAtMs;
  const base = <T extends EventType>(type: T): Envelope<T> => ({
    seq: frame.seq,
    offsetNs,
    time: startedAtMs === undefined ? null : formatUnixMs(startedAtMs + Math.floor(offsetNs / 1e6)),
    type,
  });
  switch (frame.body) {
    case 'sessionStart': {
      const start = bodyOf(frame, 'sessionStart')!;
      const grant = (start.grant ?? new v1.Grant()) as tapline.v1.Grant;
      return {
        ...base('session_start'),
        sessionId: start.sessionId,
        protocol: text(start.protocol),
        startedAt: isoTime(start.startedAtUnixMs),
        clientAddress: text(start.clientAddress),
        target: text(start.target),
        user: {
          id: grant.user?.id ?? '',
          name: text(grant.user?.name),
          email: text(grant.user?.email),
        },
        approvers: (grant.approvers as tapline.v1.Approver[]).map((approver) => ({
          id: approver.id ?? '',
          name: text(approver.name),
          email: text(approver.email),
          approvedAt: isoTime(approver.approvedAtUnixMs ?? 0),
        })),
        accessFlow: grant.accessFlow
          ? { id: grant.accessFlow.id ?? '', name: text(grant.accessFlow.name) }
          : null,
        accessRequestId: text(grant.accessRequestId),
        accessRequestStatus: text(grant.accessRequestStatus),
        resource: grant.resource
          ? {
              id: grant.resource.id ?? '',
              type: text(grant.resource.type),
              name: text(grant.resource.name),
              integration: text(grant.resource.integration),
            }
          : null,
        permissions: [...grant.permissions],
        expiresAt: isoTime(grant.expiresAtUnixMs),
        labels: map(start.labels),
      };
    }
    case 'sessionEnd': {
      const end = bodyOf(frame, 'sessionEnd')!;
      return {
        ...base('session_end'),
        reason: endReasonName(end.reason),
        detail: text(end.detail),
        errorCode: text(end.errorCode),
        frames: end.frames,
        bytesClientToTarget: end.bytesClientToTarget,
        bytesTargetToClient: end.bytesTargetToClient,
        commands: end.commands,
        queries: end.queries,
        apiCalls: end.apiCalls,
        fileOperations: end.fileOperations,
        streams: end.streams,
        bytesNotRecorded: end.bytesNotRecorded,
      };
    }
    case 'streamOpen': {
      const open = bodyOf(frame, 'streamOpen')!;
      return {
        ...base('stream_open'),
        streamId: open.streamId,
        kind: streamKindName(open.kind),
        details: map(open.details),
        cols: open.cols,
        rows: open.rows,
        contentRecorded: open.contentRecorded,
      };
    }
    case 'streamClose': {
      const close = bodyOf(frame, 'streamClose')!;
      return {
        ...base('stream_close'),
        streamId: close.streamId,
        exitStatus: close.exitStatus ?? null,
        exitSignal: text(close.exitSignal),
        detail: text(close.detail),
        bytesClientToTarget: close.bytesClientToTarget,
        bytesTargetToClient: close.bytesTargetToClient,
      };
    }
    case 'data': {
      const data = bodyOf(frame, 'data')!;
      return {
        ...base('data'),
        streamId: data.streamId,
        direction: directionName(data.direction),
        channel: data.channel,
        length: data.bytes.length,
        ...(options.dataBytes ? { bytes: base64(data.bytes) } : {}),
      };
    }
    case 'resize': {
      const resize = bodyOf(frame, 'resize')!;
      return { ...base('resize'), streamId: resize.streamId, cols: resize.cols, rows: resize.rows };
    }
    case 'command': {
      const command = bodyOf(frame, 'command')!;
      return {
        ...base('command'),
        streamId: command.streamId,
        text: command.text,
        source: text(command.source),
        startedOffsetNs: command.startedOffsetNs || null,
        endedOffsetNs: command.endedOffsetNs || null,
        program: text(command.program),
        inputSource: text(command.inputSource),
        programs: command.programs ?? [],
        exitCode: command.exitCode ?? null,
      };
    }
    case 'query': {
      const query = bodyOf(frame, 'query')!;
      return {
        ...base('query'),
        streamId: query.streamId,
        text: query.text,
        parameters: query.parameters.map((parameter) => ({
          value: parameter.isNull ? null : (parameter.value ?? ''),
          type: text(parameter.type),
          format: text(parameter.format),
          length: parameter.length ?? null,
          redacted: parameter.redacted || false,
        })),
        commandTag: text(query.commandTag),
        rows: query.rows ?? null,
        errorCode: text(query.errorCode),
        errorMessage: text(query.errorMessage),
        errorSeverity: text(query.errorSeverity),
        durationNs: query.durationNs || null,
        database: text(query.database),
        startedOffsetNs: query.startedOffsetNs || null,
        mode: text(query.mode),
        kind: query.kind || 'query',
        statement: text(query.statement),
        portal: text(query.portal),
        transactionStatus: text(query.transactionStatus),
        copyBytes: query.copyBytes ?? null,
        warnings: query.warnings || 0,
        statementType: text(query.statementType),
        lastInsertId: query.lastInsertId ?? null,
        channel: text(query.channel),
      };
    }
    case 'apiCall': {
      const call = bodyOf(frame, 'apiCall')!;
      return {
        ...base('api_call'),
        streamId: call.streamId,
        verb: text(call.verb),
        method: text(call.method),
        path: text(call.path),
        apiGroup: text(call.apiGroup),
        apiVersion: text(call.apiVersion),
        resource: text(call.resource),
        subresource: text(call.subresource),
        namespace: text(call.namespace),
        name: text(call.name),
        statusCode: call.statusCode,
        durationNs: call.durationNs || null,
        requestBody: call.requestBody.length > 0 ? base64(call.requestBody) : null,
        requestBodyTruncated: call.requestBodyTruncated,
        requestBytes: call.requestBytes,
        responseBytes: call.responseBytes,
        userAgent: text(call.userAgent),
      };
    }
    case 'fileOperation': {
      const operation = bodyOf(frame, 'fileOperation')!;
      return {
        ...base('file_operation'),
        streamId: operation.streamId,
        kind: fileOperationKindName(operation.kind),
        path: operation.path,
        targetPath: text(operation.targetPath),
        flags: [...operation.flags],
        bytesRead: operation.bytesRead,
        bytesWritten: operation.bytesWritten,
        status: text(operation.status),
        statusMessage: text(operation.statusMessage),
        attributes: map(operation.attributes),
      };
    }
    case 'annotation': {
      const annotation = bodyOf(frame, 'annotation')!;
      return {
        ...base('annotation'),
        kind: annotationKindName(annotation.kind),
        streamId: annotation.streamId || null,
        code: text(annotation.code),
        message: text(annotation.message),
        bytesNotRecorded: annotation.bytesNotRecorded,
        details: map(annotation.details),
      };
    }
    default:
      // A body this reader does not know (a newer writer, an integrator's private body).
      return base('unknown');
  }
}
