import { SftpErrorCode, sftpError } from './errors.js';
import {
  openFlagNames,
  type SftpAttributes,
  type SftpClientPacket,
  type SftpPacket,
  type SftpServerPacket,
  statusName,
} from './messages.js';
import { createSftpParser, type SftpParser } from './parser.js';

/** The subset of core's `FileOperationKindName` the tracker emits. */
export type SftpFileOperationKind =
  | 'open'
  | 'close'
  | 'write'
  | 'remove'
  | 'rename'
  | 'mkdir'
  | 'rmdir'
  | 'setstat'
  | 'symlink'
  | 'opendir'
  | 'stat'
  | 'readlink'
  | 'realpath';

/**
 * One file operation, shaped like `FileOperationEvent` of `@tapline/core`
 * without `streamId` (the caller adds it). Emitted when the server's reply
 * arrives, so `status` is always known.
 */
export interface SftpFileOperation {
  kind: SftpFileOperationKind;
  path: string;
  targetPath?: string;
  /** `open`: read/write/append/create/truncate/excl. Otherwise the protocol variant, e.g. `posix-rename`, `lstat`. */
  flags?: string[];
  /** `close`: bytes returned by the server in DATA replies through that handle. */
  bytesRead?: number;
  /** `close`: bytes of WRITE requests through that handle that the server acknowledged with status ok. */
  bytesWritten?: number;
  /**
   * An SSH_FX_* name (`ok`, `eof`, `no_such_file`, `permission_denied`,
   * `failure`, `bad_message`, `no_connection`, `connection_lost`,
   * `op_unsupported`, `status_<n>` beyond v3), or, from `end()`:
   * `unanswered` (the request got no reply) and `unclosed` (a file handle
   * still open).
   */
  status: string;
  /** The server's error message, for statuses other than ok. */
  statusMessage?: string;
  /** mode (octal permission bits), uid, gid, size, atime, mtime (ISO-8601); copy-data: source, sourceOffset, length, offset. */
  attributes?: Record<string, string>;
}

export interface SftpTrackerOptions {
  onOperation: (operation: SftpFileOperation) => void;
  /** @default DEFAULT_MAX_PACKET_LENGTH (260 KiB) */
  maxPacketLength?: number;
  /** More requests awaiting a reply is `TAPLINE_ERR_SFTP_TOO_MANY_REQUESTS`. @default 4096 */
  maxOutstandingRequests?: number;
  /** More open file and directory handles is `TAPLINE_ERR_SFTP_TOO_MANY_HANDLES`. @default 4096 */
  maxOpenHandles?: number;
  /**
   * Which look-ups to report: stat, lstat, fstat, statvfs, fstatvfs (kind
   * `stat`), realpath, expand-path, home-directory (kind `realpath`) and
   * readlink. Clients issue them constantly (every `cd`, `put`, glob), so by
   * default only the failed ones are reported.
   * @default 'failures'
   */
  lookups?: 'all' | 'failures' | 'none';
}

/**
 * Follows both directions of one SFTP session and reports file operations.
 * Feed each chunk as it is relayed, in the order the proxy sees them (a reply
 * must not be fed before its request).
 */
export interface SftpTracker {
  /**
   * Throws a TaplineError (`TAPLINE_ERR_SFTP_…`) on bad input; the tracker is
   * then failed and every later call throws the same error. An exception
   * thrown by `onOperation` propagates unchanged and fails the tracker too.
   */
  clientToServer(chunk: Uint8Array): void;
  serverToClient(chunk: Uint8Array): void;
  /**
   * The session is over. Reports requests that never got a reply (status
   * `unanswered`; reads, writes and readdirs are not reported) and file
   * handles still open (a `close` with status `unclosed` and the byte totals
   * so far). Then, unless the tracker had already failed, throws
   * `TAPLINE_ERR_SFTP_TRUNCATED` if either direction stopped inside a packet.
   * Idempotent; feeding bytes afterwards throws `TAPLINE_ERR_SFTP_ENDED`.
   */
  end(): void;
}

export const DEFAULT_MAX_OUTSTANDING_REQUESTS = 4096;
export const DEFAULT_MAX_OPEN_HANDLES = 4096;

export function createSftpTracker(options: SftpTrackerOptions): SftpTracker {
  return new Tracker(options);
}

interface OpenHandle {
  path: string;
  directory: boolean;
  bytesRead: number;
  bytesWritten: number;
}

type RequestName = Exclude<SftpClientPacket['name'], 'init'>;
type Request = Exclude<SftpClientPacket, { name: 'init' }>;

/** The reply type each request may get besides STATUS (`*`: any). */
const replyTypes: Record<RequestName, SftpServerPacket['name'] | '*' | undefined> = {
  open: 'handle',
  opendir: 'handle',
  read: 'data',
  readdir: 'name',
  realpath: 'name',
  readlink: 'name',
  expandPath: 'name',
  homeDirectory: 'name',
  stat: 'attrs',
  lstat: 'attrs',
  fstat: 'attrs',
  statvfs: 'extendedReply',
  fstatvfs: 'extendedReply',
  limits: 'extendedReply',
  extended: '*',
  close: undefined,
  write: undefined,
  remove: undefined,
  rmdir: undefined,
  mkdir: undefined,
  rename: undefined,
  posixRename: undefined,
  hardlink: undefined,
  setstat: undefined,
  lsetstat: undefined,
  fsetstat: undefined,
  symlink: undefined,
  fsync: undefined,
  copyData: undefined,
};

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function attributeStrings(attrs: SftpAttributes): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  let any = false;
  if (attrs.permissions !== undefined) {
    out.mode = (attrs.permissions & 0o7777).toString(8).padStart(3, '0');
    any = true;
  }
  if (attrs.uid !== undefined) {
    out.uid = String(attrs.uid);
    out.gid = String(attrs.gid);
    any = true;
  }
  if (attrs.size !== undefined) {
    out.size = String(attrs.size);
    any = true;
  }
  if (attrs.atime !== undefined) {
    out.atime = new Date(attrs.atime * 1000).toISOString();
    out.mtime = new Date(attrs.mtime! * 1000).toISOString();
    any = true;
  }
  return any ? out : undefined;
}

const UNANSWERED = 'unanswered';
const UNCLOSED = 'unclosed';

class Tracker implements SftpTracker {
  private readonly onOperation: (operation: SftpFileOperation) => void;
  private readonly maxOutstandingRequests: number;
  private readonly maxOpenHandles: number;
  private readonly lookups: 'all' | 'failures' | 'none';
  private readonly clientParser: SftpParser;
  private readonly serverParser: SftpParser;
  private readonly requests = new Map<number, Request>();
  private readonly handles = new Map<string, OpenHandle>();
  private sawInit = false;
  private sawVersion = false;
  private ended = false;
  private failed = false;
  private failure: unknown;
  private readonly onRequest = (packet: SftpPacket): void => this.request(packet as SftpClientPacket);
  private readonly onReply = (packet: SftpPacket): void => this.reply(packet as SftpServerPacket);

  constructor(options: SftpTrackerOptions) {
    this.onOperation = options.onOperation;
    this.maxOutstandingRequests = positiveInteger(
      options.maxOutstandingRequests,
      DEFAULT_MAX_OUTSTANDING_REQUESTS,
      'maxOutstandingRequests',
    );
    this.maxOpenHandles = positiveInteger(options.maxOpenHandles, DEFAULT_MAX_OPEN_HANDLES, 'maxOpenHandles');
    this.lookups = options.lookups ?? 'failures';
    const maxPacketLength = options.maxPacketLength;
    this.clientParser = createSftpParser({ direction: 'clientToServer', maxPacketLength });
    this.serverParser = createSftpParser({ direction: 'serverToClient', maxPacketLength });
  }

  clientToServer(chunk: Uint8Array): void {
    this.feed(this.clientParser, chunk, this.onRequest);
  }

  serverToClient(chunk: Uint8Array): void {
    this.feed(this.serverParser, chunk, this.onReply);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const request of this.requests.values()) this.complete(request, undefined);
    this.requests.clear();
    for (const handle of this.handles.values()) {
      if (!handle.directory) this.emitClose(handle, UNCLOSED, undefined);
    }
    this.handles.clear();
    if (this.failed) return;
    try {
      this.clientParser.end();
      this.serverParser.end();
    } catch (error) {
      this.fail(error);
    }
  }

  private feed(parser: SftpParser, chunk: Uint8Array, onPacket: (packet: SftpPacket) => void): void {
    if (this.failed) throw this.failure;
    if (this.ended) throw sftpError(SftpErrorCode.ENDED, 'SFTP tracker fed after end()');
    try {
      parser.parse(chunk, onPacket);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): never {
    this.failed = true;
    this.failure = error;
    throw error;
  }

  private request(packet: SftpClientPacket): void {
    if (packet.name === 'init') {
      if (this.sawInit) throw sftpError(SftpErrorCode.UNEXPECTED_PACKET, 'SFTP INIT sent twice');
      if (packet.version < 3) {
        throw sftpError(
          SftpErrorCode.UNSUPPORTED_VERSION,
          `SFTP client offers version ${packet.version}; 3 is needed`,
          {
            version: packet.version,
          },
        );
      }
      this.sawInit = true;
      return;
    }
    if (!this.sawInit)
      throw sftpError(SftpErrorCode.UNEXPECTED_PACKET, `SFTP ${packet.name} request before INIT`);
    if (this.requests.has(packet.id)) {
      throw sftpError(
        SftpErrorCode.UNEXPECTED_PACKET,
        `SFTP request id ${packet.id} reused while outstanding`,
        {
          id: packet.id,
        },
      );
    }
    if (this.requests.size >= this.maxOutstandingRequests) {
      throw sftpError(
        SftpErrorCode.TOO_MANY_REQUESTS,
        `more than ${this.maxOutstandingRequests} SFTP requests outstanding`,
        {
          maxOutstandingRequests: this.maxOutstandingRequests,
        },
      );
    }
    this.requests.set(packet.id, packet);
  }

  private reply(packet: SftpServerPacket): void {
    if (packet.name === 'version') {
      if (this.sawVersion) throw sftpError(SftpErrorCode.UNEXPECTED_PACKET, 'SFTP VERSION sent twice');
      if (packet.version !== 3) {
        throw sftpError(
          SftpErrorCode.UNSUPPORTED_VERSION,
          `SFTP server chose version ${packet.version}; only 3 is parsed`,
          {
            version: packet.version,
          },
        );
      }
      this.sawVersion = true;
      return;
    }
    if (!this.sawVersion)
      throw sftpError(SftpErrorCode.UNEXPECTED_PACKET, `SFTP ${packet.name} reply before VERSION`);
    const request = this.requests.get(packet.id);
    if (request === undefined) {
      throw sftpError(
        SftpErrorCode.UNEXPECTED_PACKET,
        `SFTP ${packet.name} reply to no outstanding request`,
        {
          id: packet.id,
        },
      );
    }
    this.requests.delete(packet.id);
    if (packet.name !== 'status') {
      const expected = replyTypes[request.name];
      if (expected !== '*' && expected !== packet.name) {
        throw sftpError(
          SftpErrorCode.UNEXPECTED_PACKET,
          `SFTP ${packet.name} reply to a ${request.name} request`,
          {
            id: packet.id,
          },
        );
      }
    }
    this.complete(request, packet);
  }

  /** Turns a request and its reply (undefined: none came) into accounting and operations. */
  private complete(request: Request, reply: SftpServerPacket | undefined): void {
    let status = UNANSWERED;
    let statusMessage: string | undefined;
    if (reply !== undefined) {
      if (reply.name === 'status') {
        status = statusName(reply.code);
        if (reply.code !== 0 && reply.message !== '') statusMessage = reply.message;
      } else {
        status = 'ok';
      }
    }
    const ok = status === 'ok';
    switch (request.name) {
      case 'write':
        if (ok) {
          const handle = this.handles.get(request.handle);
          if (handle !== undefined) handle.bytesWritten += request.dataLength;
        }
        return;
      case 'read':
        if (reply?.name === 'data') {
          const handle = this.handles.get(request.handle);
          if (handle !== undefined) handle.bytesRead += reply.dataLength;
        }
        return;
      case 'open':
      case 'opendir': {
        const directory = request.name === 'opendir';
        if (reply?.name === 'handle') this.openHandle(reply.handle, request.path, directory);
        const operation: SftpFileOperation = { kind: request.name, path: request.path, status };
        if (request.name === 'open') {
          operation.flags = openFlagNames(request.pflags);
          const attributes = attributeStrings(request.attrs);
          if (attributes !== undefined) operation.attributes = attributes;
        }
        this.emit(operation, statusMessage);
        return;
      }
      case 'close': {
        const handle = this.handles.get(request.handle);
        if (handle === undefined) return;
        this.handles.delete(request.handle);
        if (!handle.directory) this.emitClose(handle, status, statusMessage);
        return;
      }
      case 'remove':
      case 'rmdir':
        this.emit({ kind: request.name, path: request.path, status }, statusMessage);
        return;
      case 'mkdir':
      case 'setstat':
      case 'lsetstat': {
        const kind = request.name === 'mkdir' ? 'mkdir' : 'setstat';
        const operation: SftpFileOperation = { kind, path: request.path, status };
        if (request.name === 'lsetstat') operation.flags = ['lsetstat'];
        const attributes = attributeStrings(request.attrs);
        if (attributes !== undefined) operation.attributes = attributes;
        this.emit(operation, statusMessage);
        return;
      }
      case 'fsetstat': {
        const handle = this.handles.get(request.handle);
        if (handle === undefined) return;
        const operation: SftpFileOperation = {
          kind: 'setstat',
          path: handle.path,
          flags: ['fsetstat'],
          status,
        };
        const attributes = attributeStrings(request.attrs);
        if (attributes !== undefined) operation.attributes = attributes;
        this.emit(operation, statusMessage);
        return;
      }
      case 'rename':
        this.emit(
          { kind: 'rename', path: request.oldPath, targetPath: request.newPath, status },
          statusMessage,
        );
        return;
      case 'posixRename':
        this.emit(
          {
            kind: 'rename',
            path: request.oldPath,
            targetPath: request.newPath,
            flags: ['posix-rename'],
            status,
          },
          statusMessage,
        );
        return;
      case 'hardlink':
        // The new name is what the operation creates; it points at the old one.
        this.emit(
          {
            kind: 'symlink',
            path: request.newPath,
            targetPath: request.oldPath,
            flags: ['hardlink'],
            status,
          },
          statusMessage,
        );
        return;
      case 'symlink':
        this.emit(
          { kind: 'symlink', path: request.linkPath, targetPath: request.targetPath, status },
          statusMessage,
        );
        return;
      case 'copyData': {
        const target = this.handles.get(request.writeHandle);
        if (target === undefined) return;
        const source = this.handles.get(request.readHandle);
        const attributes: Record<string, string> = {
          source: source?.path ?? '',
          sourceOffset: String(request.readOffset),
          length: String(request.readLength),
          offset: String(request.writeOffset),
        };
        this.emit(
          { kind: 'write', path: target.path, flags: ['copy-data'], status, attributes },
          statusMessage,
        );
        return;
      }
      case 'stat':
      case 'lstat':
      case 'statvfs':
        if (this.reportLookup(ok)) {
          const operation: SftpFileOperation = { kind: 'stat', path: request.path, status };
          if (request.name !== 'stat') operation.flags = [request.name];
          this.emit(operation, statusMessage);
        }
        return;
      case 'fstat':
      case 'fstatvfs': {
        const handle = this.handles.get(request.handle);
        if (handle !== undefined && this.reportLookup(ok)) {
          this.emit({ kind: 'stat', path: handle.path, flags: [request.name], status }, statusMessage);
        }
        return;
      }
      case 'realpath':
      case 'expandPath':
      case 'readlink':
      case 'homeDirectory':
        if (this.reportLookup(ok)) {
          const kind = request.name === 'readlink' ? 'readlink' : 'realpath';
          const path = request.name === 'homeDirectory' ? `~${request.username}` : request.path;
          const operation: SftpFileOperation = { kind, path, status };
          if (reply?.name === 'name' && reply.entries.length > 0)
            operation.targetPath = reply.entries[0]!.filename;
          if (request.name === 'expandPath') operation.flags = ['expand-path'];
          if (request.name === 'homeDirectory') operation.flags = ['home-directory'];
          this.emit(operation, statusMessage);
        }
        return;
      case 'readdir':
      case 'fsync':
      case 'limits':
      case 'extended':
        return;
    }
  }

  private reportLookup(ok: boolean): boolean {
    return this.lookups === 'all' || (this.lookups === 'failures' && !ok);
  }

  private openHandle(key: string, path: string, directory: boolean): void {
    const previous = this.handles.get(key);
    if (previous !== undefined) {
      // A server reusing a handle it never closed: keep the old one's totals.
      this.handles.delete(key);
      if (!previous.directory) this.emitClose(previous, UNCLOSED, undefined);
    } else if (this.handles.size >= this.maxOpenHandles) {
      throw sftpError(SftpErrorCode.TOO_MANY_HANDLES, `more than ${this.maxOpenHandles} SFTP handles open`, {
        maxOpenHandles: this.maxOpenHandles,
      });
    }
    this.handles.set(key, { path, directory, bytesRead: 0, bytesWritten: 0 });
  }

  private emitClose(handle: OpenHandle, status: string, statusMessage: string | undefined): void {
    this.emit(
      {
        kind: 'close',
        path: handle.path,
        bytesRead: handle.bytesRead,
        bytesWritten: handle.bytesWritten,
        status,
      },
      statusMessage,
    );
  }

  private emit(operation: SftpFileOperation, statusMessage: string | undefined): void {
    if (statusMessage !== undefined) operation.statusMessage = statusMessage;
    this.onOperation(operation);
  }
}
