// Maps the contract's string names to the schema's enum numbers.
import { tapline } from '@tapline/frames';
import type {
  AnnotationKindName,
  Direction,
  EndReasonName,
  FileOperationKindName,
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
