import { SftpErrorCode, sftpError } from './errors.js';
import type { SftpAttributes, SftpExtensionPair } from './messages.js';

// draft-02 §3: "handle strings MUST NOT be longer than 256 bytes".
export const MAX_HANDLE_LENGTH = 256;

enum AttrFlags {
  Size = 0x00000001,
  UidGid = 0x00000002,
  Permissions = 0x00000004,
  AcModTime = 0x00000008,
  Extended = 0x80000000,
}

/**
 * Reads the SSH wire types (RFC 4251 §5: uint32, uint64, string) of one
 * packet, from `offset` up to `end`. One reader is reused for every packet;
 * any read past `end` is a malformed packet.
 */
export class PacketReader {
  bytes: Buffer = Buffer.alloc(0);
  offset = 0;
  end = 0;
  /** Named in error details. */
  private readonly direction: string;

  constructor(direction: string) {
    this.direction = direction;
  }

  reset(bytes: Buffer, offset: number, end: number): void {
    this.bytes = bytes;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(count: number, what: string): void {
    if (this.end - this.offset < count) {
      throw sftpError(SftpErrorCode.MALFORMED_PACKET, `SFTP packet too short for its ${what}`, {
        direction: this.direction,
        field: what,
      });
    }
  }

  uint32(what = 'uint32'): number {
    this.need(4, what);
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A uint64 as a number (exact below 2^53). */
  uint64(what = 'uint64'): number {
    this.need(8, what);
    const high = this.bytes.readUInt32BE(this.offset);
    const low = this.bytes.readUInt32BE(this.offset + 4);
    this.offset += 8;
    return high * 0x1_0000_0000 + low;
  }

  /** The length of a string field, checked against the packet, leaving the offset on its first byte. */
  stringLength(what: string): number {
    const length = this.uint32(what);
    this.need(length, what);
    return length;
  }

  utf8(what = 'string'): string {
    const length = this.stringLength(what);
    const start = this.offset;
    this.offset += length;
    return this.bytes.toString('utf8', start, start + length);
  }

  /** A handle: at most 256 bytes, one latin1 character per byte. */
  handle(what = 'handle'): string {
    const length = this.stringLength(what);
    if (length > MAX_HANDLE_LENGTH) {
      throw sftpError(
        SftpErrorCode.MALFORMED_PACKET,
        `SFTP handle of ${length} bytes (max ${MAX_HANDLE_LENGTH})`,
        {
          direction: this.direction,
          field: what,
        },
      );
    }
    const start = this.offset;
    this.offset += length;
    return this.bytes.toString('latin1', start, start + length);
  }

  /** Skips a string field, returning its length. */
  skipString(what: string): number {
    const length = this.stringLength(what);
    this.offset += length;
    return length;
  }

  /** The rest of the packet, copied. */
  copyRest(): Uint8Array {
    const copy = new Uint8Array(this.end - this.offset);
    copy.set(this.bytes.subarray(this.offset, this.end));
    this.offset = this.end;
    return copy;
  }

  /** name/data string pairs up to the end of the packet (INIT and VERSION). */
  extensionPairs(): SftpExtensionPair[] {
    const pairs: SftpExtensionPair[] = [];
    while (this.offset < this.end) {
      const name = this.utf8('extension name');
      const data = this.utf8('extension data');
      pairs.push({ name, data });
    }
    return pairs;
  }

  attributes(): SftpAttributes {
    // draft-02 §5:
    //   uint32   flags
    //   uint64   size           present only if flag SSH_FILEXFER_ATTR_SIZE
    //   uint32   uid            present only if flag SSH_FILEXFER_ATTR_UIDGID
    //   uint32   gid            present only if flag SSH_FILEXFER_ATTR_UIDGID
    //   uint32   permissions    present only if flag SSH_FILEXFER_ATTR_PERMISSIONS
    //   uint32   atime          present only if flag SSH_FILEXFER_ACMODTIME
    //   uint32   mtime          present only if flag SSH_FILEXFER_ACMODTIME
    //   uint32   extended_count present only if flag SSH_FILEXFER_ATTR_EXTENDED
    //   string   extended_type
    //   string   extended_data
    //   ...      more extended data (extended_type - extended_data pairs),
    //            so that number of pairs equals extended_count
    const flags = this.uint32('attribute flags');
    const attrs: SftpAttributes = { flags };
    if ((flags & AttrFlags.Size) !== 0) attrs.size = this.uint64('attribute size');
    if ((flags & AttrFlags.UidGid) !== 0) {
      attrs.uid = this.uint32('attribute uid');
      attrs.gid = this.uint32('attribute gid');
    }
    if ((flags & AttrFlags.Permissions) !== 0) attrs.permissions = this.uint32('attribute permissions');
    if ((flags & AttrFlags.AcModTime) !== 0) {
      attrs.atime = this.uint32('attribute atime');
      attrs.mtime = this.uint32('attribute mtime');
    }
    if ((flags & AttrFlags.Extended) !== 0) {
      const count = this.uint32('extended attribute count');
      // Each pair takes at least 8 bytes: a count that cannot fit is malformed
      // (and must not drive a long loop).
      if (count * 8 > this.remaining) {
        throw sftpError(
          SftpErrorCode.MALFORMED_PACKET,
          `SFTP extended attribute count ${count} exceeds the packet`,
          {
            direction: this.direction,
          },
        );
      }
      const extended: SftpExtensionPair[] = [];
      for (let index = 0; index < count; index++) {
        const name = this.utf8('extended attribute type');
        const data = this.utf8('extended attribute data');
        extended.push({ name, data });
      }
      attrs.extended = extended;
    }
    return attrs;
  }
}
