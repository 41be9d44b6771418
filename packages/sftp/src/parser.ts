import { MAX_HANDLE_LENGTH, PacketReader } from './buffer-reader.js';
import { SftpErrorCode, sftpError } from './errors.js';
import type { DataPacket, SftpClientPacket, SftpPacket, SftpServerPacket, WritePacket } from './messages.js';

// SSH_FXP_* packet types, draft-ietf-secsh-filexfer-02 §3.
enum PacketType {
  Init = 1, // SSH_FXP_INIT
  Version = 2, // SSH_FXP_VERSION
  Open = 3, // SSH_FXP_OPEN
  Close = 4, // SSH_FXP_CLOSE
  Read = 5, // SSH_FXP_READ
  Write = 6, // SSH_FXP_WRITE
  Lstat = 7, // SSH_FXP_LSTAT
  Fstat = 8, // SSH_FXP_FSTAT
  Setstat = 9, // SSH_FXP_SETSTAT
  Fsetstat = 10, // SSH_FXP_FSETSTAT
  Opendir = 11, // SSH_FXP_OPENDIR
  Readdir = 12, // SSH_FXP_READDIR
  Remove = 13, // SSH_FXP_REMOVE
  Mkdir = 14, // SSH_FXP_MKDIR
  Rmdir = 15, // SSH_FXP_RMDIR
  Realpath = 16, // SSH_FXP_REALPATH
  Stat = 17, // SSH_FXP_STAT
  Rename = 18, // SSH_FXP_RENAME
  Readlink = 19, // SSH_FXP_READLINK
  Symlink = 20, // SSH_FXP_SYMLINK
  Status = 101, // SSH_FXP_STATUS
  Handle = 102, // SSH_FXP_HANDLE
  Data = 103, // SSH_FXP_DATA
  Name = 104, // SSH_FXP_NAME
  Attrs = 105, // SSH_FXP_ATTRS
  Extended = 200, // SSH_FXP_EXTENDED
  ExtendedReply = 201, // SSH_FXP_EXTENDED_REPLY
}

// Every packet: uint32 length (excluding itself), byte type, then the fields.
const LENGTH_LENGTH = 4;
const HEADER_LENGTH = LENGTH_LENGTH + 1;
// DATA up to its payload: header, uint32 id, uint32 data length.
const DATA_PREFIX_LENGTH = HEADER_LENGTH + 4 + 4;
// WRITE up to its handle: header, uint32 id, uint32 handle length; after the
// handle: uint64 offset, uint32 data length.
const WRITE_HANDLE_PREFIX_LENGTH = HEADER_LENGTH + 4 + 4;
const WRITE_AFTER_HANDLE_LENGTH = 8 + 4;
// NAME entries and extended pairs take at least this many bytes each.
const MIN_NAME_ENTRY_LENGTH = 4 + 4 + 4;

/**
 * OpenSSH's sftp and sftp-server refuse packets whose length field exceeds
 * 256 KiB (SFTP_MAX_MSG_LENGTH); the headroom lets through the few clients
 * that size a 256 KiB WRITE without counting its header.
 */
export const DEFAULT_MAX_PACKET_LENGTH: number = 256 * 1024 + 4 * 1024;

/** Which peer sent the bytes a parser reads. */
export type SftpDirection = 'clientToServer' | 'serverToClient';

export interface SftpParserOptions {
  direction: SftpDirection;
  /**
   * The largest accepted packet length field, in bytes. A larger one is
   * `TAPLINE_ERR_SFTP_PACKET_TOO_LARGE`. Also the most the parser ever
   * buffers: WRITE and DATA payloads are skipped, never buffered.
   * @default DEFAULT_MAX_PACKET_LENGTH (260 KiB)
   */
  maxPacketLength?: number;
}

/**
 * A pure SFTP v3 parser for one direction of an `sftp` subsystem channel:
 * bytes in through `parse(chunk, onPacket)`, plain packet objects out, no I/O.
 * Any error is a `TaplineError`; after one, the parser is failed and every
 * later call throws the same error.
 */
export interface SftpParser {
  readonly direction: SftpDirection;
  parse(chunk: Uint8Array, onPacket: (packet: SftpPacket) => void): void;
  /** Declares the end of the stream: throws `TAPLINE_ERR_SFTP_TRUNCATED` if it stopped inside a packet. */
  end(): void;
}

export function createSftpParser(options: SftpParserOptions): SftpParser {
  return new Parser(options);
}

const emptyBuffer = Buffer.alloc(0);

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

class Parser implements SftpParser {
  readonly direction: SftpDirection;
  private readonly fromClient: boolean;
  private readonly maxPacketLength: number;
  private readonly reader: PacketReader;
  // Bytes of an incomplete packet (never more than one packet, never a
  // WRITE/DATA payload): [0, bufferedLength) of `buffer`.
  private buffer: Buffer = emptyBuffer;
  private bufferedLength = 0;
  // Payload bytes of a WRITE/DATA still to stream past, and that packet.
  private skipRemaining = 0;
  private pendingPacket: WritePacket | DataPacket | undefined;
  private failure: unknown;
  private failed = false;

  constructor(options: SftpParserOptions) {
    this.direction = options.direction;
    this.fromClient = options.direction === 'clientToServer';
    const max = options.maxPacketLength ?? DEFAULT_MAX_PACKET_LENGTH;
    if (!Number.isInteger(max) || max < 1 || max > 0xffffffff) {
      throw new RangeError(`maxPacketLength must be an integer in 1..2^32-1, got ${max}`);
    }
    this.maxPacketLength = max;
    this.reader = new PacketReader(options.direction);
  }

  parse(chunk: Uint8Array, onPacket: (packet: SftpPacket) => void): void {
    if (this.failed) throw this.failure;
    try {
      this.consume(asBuffer(chunk), onPacket);
    } catch (error) {
      this.failed = true;
      this.failure = error;
      throw error;
    }
  }

  end(): void {
    if (this.failed) throw this.failure;
    if (this.bufferedLength > 0 || this.skipRemaining > 0) {
      const missing = this.skipRemaining > 0 ? this.skipRemaining : undefined;
      this.failed = true;
      this.failure = sftpError(SftpErrorCode.TRUNCATED, 'SFTP stream ended inside a packet', {
        direction: this.direction,
        bufferedBytes: this.bufferedLength,
        missingPayloadBytes: missing,
      });
      throw this.failure;
    }
  }

  private consume(bytes: Buffer, onPacket: (packet: SftpPacket) => void): void {
    const end = bytes.length;
    let offset = 0;
    while (offset < end) {
      if (this.skipRemaining > 0) {
        // The hot path of a transfer: payload bytes stream past uncopied.
        const skipped = Math.min(this.skipRemaining, end - offset);
        offset += skipped;
        this.skipRemaining -= skipped;
        if (this.skipRemaining === 0) {
          const packet = this.pendingPacket!;
          this.pendingPacket = undefined;
          onPacket(packet);
        }
      } else if (this.bufferedLength > 0) {
        offset = this.topUp(bytes, offset, end, onPacket);
      } else {
        const required = this.required(bytes, offset, end - offset);
        if (required > end - offset) {
          this.append(bytes, offset, end - offset);
          return;
        }
        offset = this.handlePacket(bytes, offset, end, onPacket);
      }
    }
  }

  /**
   * Completes the buffered packet start from `bytes`, copying only what the
   * next step needs (the header, a WRITE/DATA prefix, or the rest of a whole
   * packet), then handles it. Returns the new offset in `bytes`.
   */
  private topUp(bytes: Buffer, offset: number, end: number, onPacket: (packet: SftpPacket) => void): number {
    for (;;) {
      const required = this.required(this.buffer, 0, this.bufferedLength);
      if (required <= this.bufferedLength) break;
      const take = Math.min(required - this.bufferedLength, end - offset);
      if (take === 0) return offset;
      this.append(bytes, offset, take);
      offset += take;
    }
    const buffered = this.bufferedLength;
    this.bufferedLength = 0;
    this.handlePacket(this.buffer, 0, buffered, onPacket);
    return offset;
  }

  private append(bytes: Buffer, offset: number, count: number): void {
    const needed = this.bufferedLength + count;
    if (needed > this.buffer.length) {
      // Bounded: a buffered packet never exceeds maxPacketLength + 4 bytes.
      const size = Math.min(
        Math.max(needed, this.buffer.length * 2, 1024),
        this.maxPacketLength + LENGTH_LENGTH,
      );
      const grown = Buffer.allocUnsafe(Math.max(size, needed));
      this.buffer.copy(grown, 0, 0, this.bufferedLength);
      this.buffer = grown;
    }
    bytes.copy(this.buffer, this.bufferedLength, offset, offset + count);
    this.bufferedLength = needed;
  }

  /**
   * How many bytes from `start` are needed before the packet there can be
   * handled: the header, then the whole packet, or for WRITE (client) and
   * DATA (server) only the fields before the payload. Rejects bad lengths and
   * types as soon as the header is in.
   */
  private required(bytes: Buffer, start: number, available: number): number {
    if (available < HEADER_LENGTH) return HEADER_LENGTH;
    const length = bytes.readUInt32BE(start);
    const type = bytes[start + LENGTH_LENGTH]!;
    if (length > this.maxPacketLength) {
      throw sftpError(
        SftpErrorCode.PACKET_TOO_LARGE,
        `SFTP packet of ${length} bytes exceeds the maximum of ${this.maxPacketLength}`,
        { direction: this.direction, type, length, maxPacketLength: this.maxPacketLength },
      );
    }
    if (length === 0) {
      throw sftpError(SftpErrorCode.MALFORMED_PACKET, 'SFTP packet of length 0 has no type', {
        direction: this.direction,
      });
    }
    if (!this.knownType(type)) {
      throw sftpError(
        SftpErrorCode.UNKNOWN_PACKET_TYPE,
        `SFTP packet type ${type} is not valid ${this.direction}`,
        {
          direction: this.direction,
          type,
        },
      );
    }
    const packetLength = LENGTH_LENGTH + length;
    if (this.fromClient) {
      if (type !== PacketType.Write) return packetLength;
      if (available < WRITE_HANDLE_PREFIX_LENGTH) return Math.min(WRITE_HANDLE_PREFIX_LENGTH, packetLength);
      const handleLength = bytes.readUInt32BE(start + WRITE_HANDLE_PREFIX_LENGTH - 4);
      if (handleLength > MAX_HANDLE_LENGTH) {
        throw sftpError(
          SftpErrorCode.MALFORMED_PACKET,
          `SFTP handle of ${handleLength} bytes (max ${MAX_HANDLE_LENGTH})`,
          {
            direction: this.direction,
            type,
          },
        );
      }
      return Math.min(WRITE_HANDLE_PREFIX_LENGTH + handleLength + WRITE_AFTER_HANDLE_LENGTH, packetLength);
    }
    if (type !== PacketType.Data) return packetLength;
    return Math.min(DATA_PREFIX_LENGTH, packetLength);
  }

  private knownType(type: number): boolean {
    if (this.fromClient) {
      return (
        type === PacketType.Init ||
        (type >= PacketType.Open && type <= PacketType.Symlink) ||
        type === PacketType.Extended
      );
    }
    return (
      type === PacketType.Version ||
      (type >= PacketType.Status && type <= PacketType.Attrs) ||
      type === PacketType.ExtendedReply
    );
  }

  /**
   * Handles the packet at `start`, of which `required()` bytes (at least) are
   * in `bytes` up to `end`. Returns the offset after what it consumed.
   */
  private handlePacket(
    bytes: Buffer,
    start: number,
    end: number,
    onPacket: (packet: SftpPacket) => void,
  ): number {
    const length = bytes.readUInt32BE(start);
    const type = bytes[start + LENGTH_LENGTH]!;
    const packetEnd = start + LENGTH_LENGTH + length;
    const reader = this.reader;
    if (type === (this.fromClient ? PacketType.Write : PacketType.Data)) {
      reader.reset(bytes, start + HEADER_LENGTH, Math.min(packetEnd, end));
      const packet = this.fromClient ? this.parseWritePrefix(reader) : this.parseDataPrefix(reader);
      if (packet.dataLength > packetEnd - reader.offset) {
        throw sftpError(SftpErrorCode.MALFORMED_PACKET, 'SFTP data field is longer than its packet', {
          direction: this.direction,
          type,
        });
      }
      if (packetEnd <= end) {
        onPacket(packet);
        return packetEnd;
      }
      this.pendingPacket = packet;
      this.skipRemaining = packetEnd - end;
      return end;
    }
    reader.reset(bytes, start + HEADER_LENGTH, packetEnd);
    const packet = this.fromClient ? this.parseRequest(type, reader) : this.parseResponse(type, reader);
    onPacket(packet);
    return packetEnd;
  }

  private parseWritePrefix(reader: PacketReader): WritePacket {
    // SSH_FXP_WRITE (draft-02 §6.4):
    //   uint32  id
    //   string  handle
    //   uint64  offset
    //   string  data
    const id = reader.uint32('id');
    const handle = reader.handle();
    const offset = reader.uint64('offset');
    const dataLength = reader.uint32('data length');
    return { name: 'write', id, handle, offset, dataLength };
  }

  private parseDataPrefix(reader: PacketReader): DataPacket {
    // SSH_FXP_DATA (draft-02 §7):
    //   uint32  id
    //   string  data
    const id = reader.uint32('id');
    const dataLength = reader.uint32('data length');
    return { name: 'data', id, dataLength };
  }

  private parseRequest(type: number, reader: PacketReader): SftpClientPacket {
    if (type === PacketType.Init) {
      // SSH_FXP_INIT (draft-02 §4):
      //   uint32 version
      //   <extension data>  (string extension_name, string extension_data)*
      const version = reader.uint32('version');
      return { name: 'init', version, extensions: reader.extensionPairs() };
    }
    const id = reader.uint32('id');
    switch (type) {
      case PacketType.Open: {
        // SSH_FXP_OPEN (draft-02 §6.3):
        //   uint32  id
        //   string  filename
        //   uint32  pflags
        //   ATTRS   attrs
        const path = reader.utf8('filename');
        const pflags = reader.uint32('pflags');
        return { name: 'open', id, path, pflags, attrs: reader.attributes() };
      }
      case PacketType.Close:
        // SSH_FXP_CLOSE (draft-02 §6.3): uint32 id, string handle
        return { name: 'close', id, handle: reader.handle() };
      case PacketType.Read: {
        // SSH_FXP_READ (draft-02 §6.4):
        //   uint32  id
        //   string  handle
        //   uint64  offset
        //   uint32  len
        const handle = reader.handle();
        const offset = reader.uint64('offset');
        const length = reader.uint32('len');
        return { name: 'read', id, handle, offset, length };
      }
      case PacketType.Lstat:
        // SSH_FXP_LSTAT (draft-02 §6.8): uint32 id, string path
        return { name: 'lstat', id, path: reader.utf8('path') };
      case PacketType.Stat:
        // SSH_FXP_STAT (draft-02 §6.8): uint32 id, string path
        return { name: 'stat', id, path: reader.utf8('path') };
      case PacketType.Fstat:
        // SSH_FXP_FSTAT (draft-02 §6.8): uint32 id, string handle
        return { name: 'fstat', id, handle: reader.handle() };
      case PacketType.Setstat: {
        // SSH_FXP_SETSTAT (draft-02 §6.9): uint32 id, string path, ATTRS attrs
        const path = reader.utf8('path');
        return { name: 'setstat', id, path, attrs: reader.attributes() };
      }
      case PacketType.Fsetstat: {
        // SSH_FXP_FSETSTAT (draft-02 §6.9): uint32 id, string handle, ATTRS attrs
        const handle = reader.handle();
        return { name: 'fsetstat', id, handle, attrs: reader.attributes() };
      }
      case PacketType.Opendir:
        // SSH_FXP_OPENDIR (draft-02 §6.7): uint32 id, string path
        return { name: 'opendir', id, path: reader.utf8('path') };
      case PacketType.Readdir:
        // SSH_FXP_READDIR (draft-02 §6.7): uint32 id, string handle
        return { name: 'readdir', id, handle: reader.handle() };
      case PacketType.Remove:
        // SSH_FXP_REMOVE (draft-02 §6.5): uint32 id, string filename
        return { name: 'remove', id, path: reader.utf8('filename') };
      case PacketType.Mkdir: {
        // SSH_FXP_MKDIR (draft-02 §6.6): uint32 id, string path, ATTRS attrs
        const path = reader.utf8('path');
        return { name: 'mkdir', id, path, attrs: reader.attributes() };
      }
      case PacketType.Rmdir:
        // SSH_FXP_RMDIR (draft-02 §6.6): uint32 id, string path
        return { name: 'rmdir', id, path: reader.utf8('path') };
      case PacketType.Realpath:
        // SSH_FXP_REALPATH (draft-02 §6.11): uint32 id, string path
        return { name: 'realpath', id, path: reader.utf8('path') };
      case PacketType.Rename: {
        // SSH_FXP_RENAME (draft-02 §6.5): uint32 id, string oldpath, string newpath
        const oldPath = reader.utf8('oldpath');
        return { name: 'rename', id, oldPath, newPath: reader.utf8('newpath') };
      }
      case PacketType.Readlink:
        // SSH_FXP_READLINK (draft-02 §6.10): uint32 id, string path
        return { name: 'readlink', id, path: reader.utf8('path') };
      case PacketType.Symlink: {
        // SSH_FXP_SYMLINK (draft-02 §6.10): uint32 id, string linkpath, string targetpath
        // — but OpenSSH (and so every client that interoperates with it) sends
        // targetpath first and linkpath second; see SymlinkPacket.
        const targetPath = reader.utf8('targetpath');
        return { name: 'symlink', id, targetPath, linkPath: reader.utf8('linkpath') };
      }
      case PacketType.Extended:
        return this.parseExtendedRequest(id, reader);
      default:
        throw sftpError(SftpErrorCode.UNKNOWN_PACKET_TYPE, `SFTP packet type ${type} is not a request`, {
          type,
        });
    }
  }

  private parseExtendedRequest(id: number, reader: PacketReader): SftpClientPacket {
    // SSH_FXP_EXTENDED (draft-02 §8):
    //   uint32  id
    //   string  extended-request
    //   ...     any request-specific data
    // The request-specific fields below are those of OpenSSH's PROTOCOL §4.
    const request = reader.utf8('extended-request');
    switch (request) {
      case 'posix-rename@openssh.com':
      case 'hardlink@openssh.com': {
        // string oldpath, string newpath
        const oldPath = reader.utf8('oldpath');
        const newPath = reader.utf8('newpath');
        return {
          name: request === 'hardlink@openssh.com' ? 'hardlink' : 'posixRename',
          id,
          oldPath,
          newPath,
        };
      }
      case 'statvfs@openssh.com':
        // string path
        return { name: 'statvfs', id, path: reader.utf8('path') };
      case 'expand-path@openssh.com':
        // string path
        return { name: 'expandPath', id, path: reader.utf8('path') };
      case 'fstatvfs@openssh.com':
        // string handle
        return { name: 'fstatvfs', id, handle: reader.handle() };
      case 'fsync@openssh.com':
        // string handle
        return { name: 'fsync', id, handle: reader.handle() };
      case 'lsetstat@openssh.com': {
        // string path, ATTRS attrs
        const path = reader.utf8('path');
        return { name: 'lsetstat', id, path, attrs: reader.attributes() };
      }
      case 'limits@openssh.com':
        // (no fields)
        return { name: 'limits', id };
      case 'copy-data': {
        // string read-from-handle, uint64 read-from-offset, uint64 read-data-length,
        // string write-to-handle, uint64 write-to-offset
        const readHandle = reader.handle('read-from-handle');
        const readOffset = reader.uint64('read-from-offset');
        const readLength = reader.uint64('read-data-length');
        const writeHandle = reader.handle('write-to-handle');
        const writeOffset = reader.uint64('write-to-offset');
        return { name: 'copyData', id, readHandle, readOffset, readLength, writeHandle, writeOffset };
      }
      case 'home-directory':
        // string username
        return { name: 'homeDirectory', id, username: reader.utf8('username') };
      default:
        return { name: 'extended', id, request, dataLength: reader.remaining };
    }
  }

  private parseResponse(type: number, reader: PacketReader): SftpServerPacket {
    if (type === PacketType.Version) {
      // SSH_FXP_VERSION (draft-02 §4):
      //   uint32 version
      //   <extension data>  (string extension_name, string extension_data)*
      const version = reader.uint32('version');
      return { name: 'version', version, extensions: reader.extensionPairs() };
    }
    const id = reader.uint32('id');
    switch (type) {
      case PacketType.Status: {
        // SSH_FXP_STATUS (draft-02 §7):
        //   uint32  id
        //   uint32  error/status code
        //   string  error message (ISO-10646 UTF-8 [RFC-2279])
        //   string  language tag (as defined in [RFC-1766])
        // Some old servers stop after the code: both strings are then empty.
        const code = reader.uint32('status code');
        if (reader.remaining === 0) return { name: 'status', id, code, message: '', language: '' };
        const message = reader.utf8('error message');
        const language = reader.remaining === 0 ? '' : reader.utf8('language tag');
        return { name: 'status', id, code, message, language };
      }
      case PacketType.Handle:
        // SSH_FXP_HANDLE (draft-02 §7): uint32 id, string handle
        return { name: 'handle', id, handle: reader.handle() };
      case PacketType.Name: {
        // SSH_FXP_NAME (draft-02 §7):
        //   uint32     id
        //   uint32     count
        //   repeats count times:
        //           string     filename
        //           string     longname
        //           ATTRS      attrs
        const count = reader.uint32('count');
        if (count * MIN_NAME_ENTRY_LENGTH > reader.remaining) {
          throw sftpError(SftpErrorCode.MALFORMED_PACKET, `SFTP NAME count ${count} exceeds the packet`, {
            count,
          });
        }
        const entries = new Array(count);
        for (let index = 0; index < count; index++) {
          const filename = reader.utf8('filename');
          const longname = reader.utf8('longname');
          entries[index] = { filename, longname, attrs: reader.attributes() };
        }
        return { name: 'name', id, entries };
      }
      case PacketType.Attrs:
        // SSH_FXP_ATTRS (draft-02 §7): uint32 id, ATTRS attrs
        return { name: 'attrs', id, attrs: reader.attributes() };
      case PacketType.ExtendedReply:
        // SSH_FXP_EXTENDED_REPLY (draft-02 §8): uint32 id, any data
        return { name: 'extendedReply', id, data: reader.copyRest() };
      default:
        throw sftpError(SftpErrorCode.UNKNOWN_PACKET_TYPE, `SFTP packet type ${type} is not a response`, {
          type,
        });
    }
  }
}
