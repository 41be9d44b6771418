// Small builders for SFTP v3 packets (draft-ietf-secsh-filexfer-02), as
// OpenSSH writes them. Tests and fixtures only.
import type { SftpAttributes } from '../src/index.js';

export const FXP = {
  init: 1,
  version: 2,
  open: 3,
  close: 4,
  read: 5,
  write: 6,
  lstat: 7,
  fstat: 8,
  setstat: 9,
  fsetstat: 10,
  opendir: 11,
  readdir: 12,
  remove: 13,
  mkdir: 14,
  rmdir: 15,
  realpath: 16,
  stat: 17,
  rename: 18,
  readlink: 19,
  symlink: 20,
  status: 101,
  handle: 102,
  data: 103,
  name: 104,
  attrs: 105,
  extended: 200,
  extendedReply: 201,
} as const;

export const FXF = { read: 1, write: 2, append: 4, create: 8, truncate: 0x10, excl: 0x20 } as const;

export const FX = {
  ok: 0,
  eof: 1,
  noSuchFile: 2,
  permissionDenied: 3,
  failure: 4,
  badMessage: 5,
  noConnection: 6,
  connectionLost: 7,
  opUnsupported: 8,
} as const;

/** Accumulates SSH wire fields (RFC 4251 §5). */
export class Fields {
  private readonly parts: Buffer[] = [];

  u8(value: number): this {
    this.parts.push(Buffer.from([value]));
    return this;
  }

  u32(value: number): this {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value >>> 0);
    this.parts.push(bytes);
    return this;
  }

  u64(value: number): this {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(BigInt(value));
    this.parts.push(bytes);
    return this;
  }

  string(value: string | Uint8Array, encoding: BufferEncoding = 'utf8'): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, encoding) : Buffer.from(value);
    this.u32(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes));
    return this;
  }

  attrs(attrs: Partial<SftpAttributes> = {}): this {
    let flags = 0;
    if (attrs.size !== undefined) flags |= 0x1;
    if (attrs.uid !== undefined) flags |= 0x2;
    if (attrs.permissions !== undefined) flags |= 0x4;
    if (attrs.atime !== undefined) flags |= 0x8;
    if (attrs.extended !== undefined) flags |= 0x80000000;
    this.u32(flags);
    if (attrs.size !== undefined) this.u64(attrs.size);
    if (attrs.uid !== undefined) this.u32(attrs.uid).u32(attrs.gid ?? 0);
    if (attrs.permissions !== undefined) this.u32(attrs.permissions);
    if (attrs.atime !== undefined) this.u32(attrs.atime).u32(attrs.mtime ?? 0);
    if (attrs.extended !== undefined) {
      this.u32(attrs.extended.length);
      for (const pair of attrs.extended) this.string(pair.name).string(pair.data);
    }
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  /** uint32 length, byte type, then these fields. */
  packet(type: number): Buffer {
    const body = this.bytes();
    const header = Buffer.alloc(5);
    header.writeUInt32BE(body.length + 1);
    header[4] = type;
    return Buffer.concat([header, body]);
  }
}

const fields = (): Fields => new Fields();
const zeros = (length: number): Buffer => Buffer.alloc(length, 0x5a);

/** Handles as OpenSSH makes them: a 4-byte big-endian index. */
export function handle(index: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(index);
  return bytes.toString('latin1');
}

const h = (value: string): Buffer => Buffer.from(value, 'latin1');

export const client = {
  init: (version = 3, extensions: Array<[string, string]> = []): Buffer => {
    const f = fields().u32(version);
    for (const [name, data] of extensions) f.string(name).string(data);
    return f.packet(FXP.init);
  },
  open: (id: number, path: string, pflags: number, attrs: Partial<SftpAttributes> = {}): Buffer =>
    fields().u32(id).string(path).u32(pflags).attrs(attrs).packet(FXP.open),
  close: (id: number, handleValue: string): Buffer =>
    fields().u32(id).string(h(handleValue)).packet(FXP.close),
  read: (id: number, handleValue: string, offset: number, length: number): Buffer =>
    fields().u32(id).string(h(handleValue)).u64(offset).u32(length).packet(FXP.read),
  write: (id: number, handleValue: string, offset: number, data: number | Uint8Array): Buffer =>
    fields()
      .u32(id)
      .string(h(handleValue))
      .u64(offset)
      .string(typeof data === 'number' ? zeros(data) : data)
      .packet(FXP.write),
  lstat: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.lstat),
  stat: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.stat),
  fstat: (id: number, handleValue: string): Buffer =>
    fields().u32(id).string(h(handleValue)).packet(FXP.fstat),
  setstat: (id: number, path: string, attrs: Partial<SftpAttributes>): Buffer =>
    fields().u32(id).string(path).attrs(attrs).packet(FXP.setstat),
  fsetstat: (id: number, handleValue: string, attrs: Partial<SftpAttributes>): Buffer =>
    fields().u32(id).string(h(handleValue)).attrs(attrs).packet(FXP.fsetstat),
  opendir: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.opendir),
  readdir: (id: number, handleValue: string): Buffer =>
    fields().u32(id).string(h(handleValue)).packet(FXP.readdir),
  remove: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.remove),
  mkdir: (id: number, path: string, attrs: Partial<SftpAttributes> = {}): Buffer =>
    fields().u32(id).string(path).attrs(attrs).packet(FXP.mkdir),
  rmdir: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.rmdir),
  realpath: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.realpath),
  rename: (id: number, oldPath: string, newPath: string): Buffer =>
    fields().u32(id).string(oldPath).string(newPath).packet(FXP.rename),
  readlink: (id: number, path: string): Buffer => fields().u32(id).string(path).packet(FXP.readlink),
  /** OpenSSH order: target first, then the link. */
  symlink: (id: number, targetPath: string, linkPath: string): Buffer =>
    fields().u32(id).string(targetPath).string(linkPath).packet(FXP.symlink),
  extended: (id: number, request: string, body: Fields = fields()): Buffer =>
    fields().u32(id).string(request).raw(body.bytes()).packet(FXP.extended),
  posixRename: (id: number, oldPath: string, newPath: string): Buffer =>
    client.extended(id, 'posix-rename@openssh.com', fields().string(oldPath).string(newPath)),
  hardlink: (id: number, oldPath: string, newPath: string): Buffer =>
    client.extended(id, 'hardlink@openssh.com', fields().string(oldPath).string(newPath)),
  statvfs: (id: number, path: string): Buffer =>
    client.extended(id, 'statvfs@openssh.com', fields().string(path)),
  fstatvfs: (id: number, handleValue: string): Buffer =>
    client.extended(id, 'fstatvfs@openssh.com', fields().string(h(handleValue))),
  fsync: (id: number, handleValue: string): Buffer =>
    client.extended(id, 'fsync@openssh.com', fields().string(h(handleValue))),
  lsetstat: (id: number, path: string, attrs: Partial<SftpAttributes>): Buffer =>
    client.extended(id, 'lsetstat@openssh.com', fields().string(path).attrs(attrs)),
  limits: (id: number): Buffer => client.extended(id, 'limits@openssh.com'),
  expandPath: (id: number, path: string): Buffer =>
    client.extended(id, 'expand-path@openssh.com', fields().string(path)),
  copyData: (
    id: number,
    readHandle: string,
    readOffset: number,
    readLength: number,
    writeHandle: string,
    writeOffset: number,
  ): Buffer =>
    client.extended(
      id,
      'copy-data',
      fields().string(h(readHandle)).u64(readOffset).u64(readLength).string(h(writeHandle)).u64(writeOffset),
    ),
  homeDirectory: (id: number, username: string): Buffer =>
    client.extended(id, 'home-directory', fields().string(username)),
};

export const server = {
  version: (version = 3, extensions: Array<[string, string]> = []): Buffer => {
    const f = fields().u32(version);
    for (const [name, data] of extensions) f.string(name).string(data);
    return f.packet(FXP.version);
  },
  status: (id: number, code: number, message = code === 0 ? 'Success' : 'Failure', language = ''): Buffer =>
    fields().u32(id).u32(code).string(message).string(language).packet(FXP.status),
  handle: (id: number, handleValue: string): Buffer =>
    fields().u32(id).string(h(handleValue)).packet(FXP.handle),
  data: (id: number, data: number | Uint8Array): Buffer =>
    fields()
      .u32(id)
      .string(typeof data === 'number' ? zeros(data) : data)
      .packet(FXP.data),
  name: (
    id: number,
    entries: Array<{ filename: string; longname?: string; attrs?: Partial<SftpAttributes> }>,
  ): Buffer => {
    const f = fields().u32(id).u32(entries.length);
    for (const entry of entries)
      f.string(entry.filename)
        .string(entry.longname ?? entry.filename)
        .attrs(entry.attrs);
    return f.packet(FXP.name);
  },
  attrs: (id: number, attrs: Partial<SftpAttributes>): Buffer =>
    fields().u32(id).attrs(attrs).packet(FXP.attrs),
  extendedReply: (id: number, data: Uint8Array): Buffer =>
    fields().u32(id).raw(data).packet(FXP.extendedReply),
};

/** Feeds `bytes` to `feed` in pieces cut at `cuts` (sorted offsets). */
export function feedSplit(bytes: Uint8Array, cuts: number[], feed: (chunk: Uint8Array) => void): void {
  let start = 0;
  for (const cut of cuts) {
    if (cut > start && cut < bytes.length) {
      feed(bytes.subarray(start, cut));
      start = cut;
    }
  }
  if (start < bytes.length) feed(bytes.subarray(start));
}
