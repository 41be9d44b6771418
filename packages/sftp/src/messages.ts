// The packets the parser hands out: plain objects with a `name` drawn from a
// string-literal union, one shape per SFTP v3 message (and per OpenSSH
// extension request). Field names follow draft-ietf-secsh-filexfer-02.

/**
 * File attributes (draft-02 §5, the ATTRS structure). Only the fields whose
 * bit is set in `flags` are present. 64-bit sizes are plain numbers: exact
 * up to 2^53 bytes (8 PiB), which is beyond any real file.
 */
export interface SftpAttributes {
  flags: number;
  size?: number;
  uid?: number;
  gid?: number;
  /** st_mode bits as sent (type bits included when the server sends them). */
  permissions?: number;
  /** Unix seconds. */
  atime?: number;
  /** Unix seconds. */
  mtime?: number;
  extended?: SftpExtensionPair[];
}

/** A name/data pair (INIT and VERSION extensions, extended attributes). Decoded as UTF-8. */
export interface SftpExtensionPair {
  name: string;
  data: string;
}

/**
 * Handles are opaque byte strings of at most 256 bytes (draft-02 §3). They are
 * given as latin1 ("binary") strings: one character per byte, lossless, and
 * usable as a Map key. Paths are decoded as UTF-8 (invalid sequences become
 * U+FFFD; SFTP v3 does not say which encoding paths use).
 */
export type SftpHandle = string;

// --- client → server -------------------------------------------------------

export interface InitPacket {
  name: 'init';
  version: number;
  extensions: SftpExtensionPair[];
}

export interface OpenPacket {
  name: 'open';
  id: number;
  path: string;
  /** SSH_FXF_* bits; see `openFlagNames()`. */
  pflags: number;
  attrs: SftpAttributes;
}

export interface HandleRequestPacket {
  name: 'close' | 'fstat' | 'readdir' | 'fsync' | 'fstatvfs';
  id: number;
  handle: SftpHandle;
}

export interface ReadPacket {
  name: 'read';
  id: number;
  handle: SftpHandle;
  offset: number;
  length: number;
}

/** A WRITE request. The data itself is never copied or kept: only its length. */
export interface WritePacket {
  name: 'write';
  id: number;
  handle: SftpHandle;
  offset: number;
  dataLength: number;
}

export interface PathRequestPacket {
  name:
    | 'lstat'
    | 'stat'
    | 'opendir'
    | 'remove'
    | 'rmdir'
    | 'realpath'
    | 'readlink'
    | 'statvfs'
    | 'expandPath';
  id: number;
  path: string;
}

export interface PathAttrsRequestPacket {
  name: 'setstat' | 'mkdir' | 'lsetstat';
  id: number;
  path: string;
  attrs: SftpAttributes;
}

export interface FsetstatPacket {
  name: 'fsetstat';
  id: number;
  handle: SftpHandle;
  attrs: SftpAttributes;
}

/** RENAME, and the `posix-rename@openssh.com` and `hardlink@openssh.com` extensions. */
export interface TwoPathRequestPacket {
  name: 'rename' | 'posixRename' | 'hardlink';
  id: number;
  oldPath: string;
  newPath: string;
}

/**
 * SSH_FXP_SYMLINK as OpenSSH sends and reads it: the draft orders the fields
 * (linkpath, targetpath), but OpenSSH's sftp and sftp-server have always put
 * the target first and the new link second (OpenSSH PROTOCOL §4.1). Every
 * deployed client follows OpenSSH, so the fields are named by that order.
 */
export interface SymlinkPacket {
  name: 'symlink';
  id: number;
  /** What the link points to (first string on the wire). */
  targetPath: string;
  /** The link being created (second string on the wire). */
  linkPath: string;
}

/** The `limits@openssh.com` extension request (no fields). */
export interface LimitsPacket {
  name: 'limits';
  id: number;
}

/** The `copy-data` extension: a server-side copy between two open handles. */
export interface CopyDataPacket {
  name: 'copyData';
  id: number;
  readHandle: SftpHandle;
  readOffset: number;
  /** 0 means "until end of file". */
  readLength: number;
  writeHandle: SftpHandle;
  writeOffset: number;
}

/** The `home-directory` extension. */
export interface HomeDirectoryPacket {
  name: 'homeDirectory';
  id: number;
  username: string;
}

/** Any other SSH_FXP_EXTENDED request: only its name and the length of its data. */
export interface ExtendedPacket {
  name: 'extended';
  id: number;
  request: string;
  dataLength: number;
}

export type SftpClientPacket =
  | InitPacket
  | OpenPacket
  | HandleRequestPacket
  | ReadPacket
  | WritePacket
  | PathRequestPacket
  | PathAttrsRequestPacket
  | FsetstatPacket
  | TwoPathRequestPacket
  | SymlinkPacket
  | LimitsPacket
  | CopyDataPacket
  | HomeDirectoryPacket
  | ExtendedPacket;

// --- server → client -------------------------------------------------------

export interface VersionPacket {
  name: 'version';
  version: number;
  extensions: SftpExtensionPair[];
}

export interface StatusPacket {
  name: 'status';
  id: number;
  /** SSH_FX_* code; see `statusName()`. */
  code: number;
  /** Empty when the server left it out (some old v3 servers do). */
  message: string;
  language: string;
}

export interface HandlePacket {
  name: 'handle';
  id: number;
  handle: SftpHandle;
}

/** A DATA reply. The data itself is never copied or kept: only its length. */
export interface DataPacket {
  name: 'data';
  id: number;
  dataLength: number;
}

export interface SftpNameEntry {
  filename: string;
  longname: string;
  attrs: SftpAttributes;
}

export interface NamePacket {
  name: 'name';
  id: number;
  entries: SftpNameEntry[];
}

export interface AttrsPacket {
  name: 'attrs';
  id: number;
  attrs: SftpAttributes;
}

/** SSH_FXP_EXTENDED_REPLY: its layout depends on the request, so the bytes are given (a copy). */
export interface ExtendedReplyPacket {
  name: 'extendedReply';
  id: number;
  data: Uint8Array;
}

export type SftpServerPacket =
  | VersionPacket
  | StatusPacket
  | HandlePacket
  | DataPacket
  | NamePacket
  | AttrsPacket
  | ExtendedReplyPacket;

export type SftpPacket = SftpClientPacket | SftpServerPacket;

// --- code tables -------------------------------------------------------------

/** SSH_FX_* status codes 0..8 (draft-02 §7), by name. */
const statusNames: readonly string[] = [
  'ok',
  'eof',
  'no_such_file',
  'permission_denied',
  'failure',
  'bad_message',
  'no_connection',
  'connection_lost',
  'op_unsupported',
];

/** The name of an SSH_FX_* status code; codes beyond v3's are named `status_<n>`. */
export function statusName(code: number): string {
  return statusNames[code] ?? `status_${code}`;
}

/** SSH_FXF_* open flags (draft-02 §6.3), bit → name. */
const openFlagBits: ReadonlyArray<readonly [number, string]> = [
  [0x01, 'read'],
  [0x02, 'write'],
  [0x04, 'append'],
  [0x08, 'create'],
  [0x10, 'truncate'],
  [0x20, 'excl'],
];

/** The names of the SSH_FXF_* bits set in `pflags`; unknown bits become `0x…`. */
export function openFlagNames(pflags: number): string[] {
  const names: string[] = [];
  let rest = pflags >>> 0;
  for (const [bit, name] of openFlagBits) {
    if ((rest & bit) !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
  return names;
}
