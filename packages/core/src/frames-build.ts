// Maps the contract's string names to the schema's enum numbers.
import { tapline } from '@tapline/frames';
import type {
  AnnotationKindName,
  Direction,
  EndReasonName,
  FileOperationKindName,
  QueryEvent,
  StreamKindName,
} from './contracts.js';

const v1 = tapline.v1;

export const streamKinds: Record<StreamKindName, number> = {
  ssh_shell: v1.StreamKind.STREAM_KIND_SSH_SHELL,
  ssh_exec: v1.StreamKind.STREAM_KIND_SSH_EXEC,
  ssh_sftp: v1.StreamKind.STREAM_KIND_SSH_SFTP,
  ssh_forward: v1.StreamKind.STREAM_KIND_SSH_FORWARD,
  ssh_subsystem: v1.StreamKind.STREAM_KIND_SSH_SUBSYSTEM,
  kube_exec: v1.StreamKind.STREAM_KIND_KUBE_EXEC,
  kube_attach: v1.StreamKind.STREAM_KIND_KUBE_ATTACH,
  kube_port_forward: v1.StreamKind.STREAM_KIND_KUBE_PORT_FORWARD,
  kube_api: v1.StreamKind.STREAM_KIND_KUBE_API,
  db_connection: v1.StreamKind.STREAM_KIND_DB_CONNECTION,
};

export const directions: Record<Direction, number> = {
  client_to_target: v1.Direction.DIRECTION_CLIENT_TO_TARGET,
  target_to_client: v1.Direction.DIRECTION_TARGET_TO_CLIENT,
};

export const endReasons: Record<EndReasonName, number> = {
  client_closed: v1.EndReason.END_REASON_CLIENT_CLOSED,
  target_closed: v1.EndReason.END_REASON_TARGET_CLOSED,
  grant_expired: v1.EndReason.END_REASON_GRANT_EXPIRED,
  revoked: v1.EndReason.END_REASON_REVOKED,
  error: v1.EndReason.END_REASON_ERROR,
  shutdown: v1.EndReason.END_REASON_SHUTDOWN,
  quota_exceeded: v1.EndReason.END_REASON_QUOTA_EXCEEDED,
  recording_failed: v1.EndReason.END_REASON_RECORDING_FAILED,
};

export const fileOperationKinds: Record<FileOperationKindName, number> = {
  open: v1.FileOperationKind.FILE_OPERATION_KIND_OPEN,
  close: v1.FileOperationKind.FILE_OPERATION_KIND_CLOSE,
  read: v1.FileOperationKind.FILE_OPERATION_KIND_READ,
  write: v1.FileOperationKind.FILE_OPERATION_KIND_WRITE,
  remove: v1.FileOperationKind.FILE_OPERATION_KIND_REMOVE,
  rename: v1.FileOperationKind.FILE_OPERATION_KIND_RENAME,
  mkdir: v1.FileOperationKind.FILE_OPERATION_KIND_MKDIR,
  rmdir: v1.FileOperationKind.FILE_OPERATION_KIND_RMDIR,
  setstat: v1.FileOperationKind.FILE_OPERATION_KIND_SETSTAT,
  symlink: v1.FileOperationKind.FILE_OPERATION_KIND_SYMLINK,
  opendir: v1.FileOperationKind.FILE_OPERATION_KIND_OPENDIR,
  stat: v1.FileOperationKind.FILE_OPERATION_KIND_STAT,
  readlink: v1.FileOperationKind.FILE_OPERATION_KIND_READLINK,
  realpath: v1.FileOperationKind.FILE_OPERATION_KIND_REALPATH,
  upload: v1.FileOperationKind.FILE_OPERATION_KIND_UPLOAD,
  download: v1.FileOperationKind.FILE_OPERATION_KIND_DOWNLOAD,
};

export const annotationKinds: Record<AnnotationKindName, number> = {
  gap: v1.AnnotationKind.ANNOTATION_KIND_GAP,
  error: v1.AnnotationKind.ANNOTATION_KIND_ERROR,
  redacted: v1.AnnotationKind.ANNOTATION_KIND_REDACTED,
  refused: v1.AnnotationKind.ANNOTATION_KIND_REFUSED,
  note: v1.AnnotationKind.ANNOTATION_KIND_NOTE,
  auth: v1.AnnotationKind.ANNOTATION_KIND_AUTH,
};

/** The `Query` frame body of a (redacted) query event. */
export function queryBody(event: QueryEvent): tapline.v1.IQuery {
  return {
    streamId: event.streamId,
    text: event.text,
    parameters: (event.parameters ?? []).map((parameter) => ({
      value: parameter.value ?? '',
      isNull: parameter.isNull ?? false,
      type: parameter.type ?? '',
      format: parameter.format ?? '',
      ...(parameter.length !== undefined ? { length: parameter.length } : {}),
      redacted: parameter.redacted ?? false,
    })),
    commandTag: event.commandTag ?? '',
    ...(event.rows !== undefined ? { rows: event.rows } : {}),
    errorCode: event.errorCode ?? '',
    errorMessage: event.errorMessage ?? '',
    errorSeverity: event.errorSeverity ?? '',
    durationNs: event.durationNs ?? 0,
    database: event.database ?? '',
    startedOffsetNs: event.startedOffsetNs ?? 0,
    mode: event.mode ?? '',
    kind: event.kind ?? '',
    statement: event.statement ?? '',
    portal: event.portal ?? '',
    transactionStatus: event.transactionStatus ?? '',
    ...(event.copyBytes !== undefined ? { copyBytes: event.copyBytes } : {}),
    warnings: event.warnings ?? 0,
    statementType: event.statementType ?? statementTypeOf(event.text),
    ...(event.lastInsertId !== undefined ? { lastInsertId: event.lastInsertId } : {}),
    channel: event.channel ?? '',
  };
}

const leadingNoise = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;
const firstKeyword = /^[A-Za-z_]+/;

/**
 * A statement's first keyword, upper-cased, past whitespace, comments and
 * opening parentheses: `'SELECT'` for `/* x *\/ (select 1)`. `''` when the
 * text starts with anything else. `WITH ... DELETE` stays `'WITH'`: this is
 * a filter key, not a parser.
 */
export function statementTypeOf(text: string): string {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  const rest = head.slice(leadingNoise.exec(head)?.[0].length ?? 0);
  return firstKeyword.exec(rest)?.[0].toUpperCase() ?? '';
}
