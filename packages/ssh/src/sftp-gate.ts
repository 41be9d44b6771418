// The SFTP policy gate: sits in an sftp channel's relay, frames the client's
// requests, asks the policy about the ones that change files (opens for write,
// remove, rename, mkdir, rmdir, setstat, symlink, link) and answers a denied
// one itself with SSH_FX_PERMISSION_DENIED instead of forwarding it. Other
// packets stream through untouched. Replies of its own are written to the
// client only between whole packets of the target's stream.
import type { PolicyAction, PolicySftpOperation, ResolvedPolicyDecision } from '@tapline/core';

const OPEN = 3;
const SETSTAT = 9;
const REMOVE = 13;
const MKDIR = 14;
const RMDIR = 15;
const RENAME = 18;
const SYMLINK = 20;
const EXTENDED = 200;
const STATUS = 101;
const SSH_FX_PERMISSION_DENIED = 3;
/** SSH_FXF_WRITE | SSH_FXF_APPEND | SSH_FXF_CREAT | SSH_FXF_TRUNC */
const WRITE_FLAGS = 0x02 | 0x04 | 0x08 | 0x10;

const gatedTypes = new Set([OPEN, SETSTAT, REMOVE, MKDIR, RMDIR, RENAME, SYMLINK, EXTENDED]);
/** A gated request larger than this is answered PERMISSION_DENIED unread (OpenSSH's own limit is 256 KiB). */
const MAX_GATED_PACKET = 256 * 1024;

export type SftpGateCheck = (
  action: Omit<PolicyAction, 'protocol' | 'context'>,
) => ResolvedPolicyDecision | Promise<ResolvedPolicyDecision>;

export interface SftpGateIo {
  toTarget(chunk: Buffer): void;
  toClient(chunk: Buffer): void;
  /** Stop / restart reading the client while a decision is pending. */
  pauseClient(): void;
  resumeClient(): void;
}

interface Decoded {
  id: number;
  action?: Omit<PolicyAction, 'protocol' | 'context'>;
}

function readString(packet: Buffer, offset: number): { value: string; next: number } | undefined {
  if (offset + 4 > packet.length) return undefined;
  const length = packet.readUInt32BE(offset);
  const end = offset + 4 + length;
  if (end > packet.length) return undefined;
  return { value: packet.toString('utf8', offset + 4, end), next: end };
}

/** Decodes a gated request (a whole packet, length prefix included). Pure. */
export function decodeGatedRequest(packet: Buffer): Decoded | undefined {
  if (packet.length < 9) return undefined;
  const type = packet[4];
  const id = packet.readUInt32BE(5);
  const first = readString(packet, 9);
  if (first === undefined) return { id, action: { type: 'sftp', operation: 'open_write', path: '' } };
  const path = first.value;
  const sftp = (operation: PolicySftpOperation, targetPath?: string): Decoded => ({
    id,
    action: { type: 'sftp', operation, path, ...(targetPath === undefined ? {} : { targetPath }) },
  });
  switch (type) {
    case OPEN: {
      if (first.next + 4 > packet.length) return sftp('open_write');
      const pflags = packet.readUInt32BE(first.next);
      return sftp((pflags & WRITE_FLAGS) !== 0 ? 'open_write' : 'open_read');
    }
    case SETSTAT:
      return sftp('setstat');
    case REMOVE:
      return sftp('remove');
    case MKDIR:
      return sftp('mkdir');
    case RMDIR:
      return sftp('rmdir');
    case RENAME:
      return sftp('rename', readString(packet, first.next)?.value ?? '');
    case SYMLINK:
      return sftp('symlink', readString(packet, first.next)?.value ?? '');
    case EXTENDED: {
      // The first string is the extension's name; its paths follow.
      const name = path;
      const a = readString(packet, first.next);
      const b = a === undefined ? undefined : readString(packet, a.next);
      const withPaths = (operation: PolicySftpOperation, two: boolean): Decoded => ({
        id,
        action: {
          type: 'sftp',
          operation,
          path: a?.value ?? '',
          ...(two ? { targetPath: b?.value ?? '' } : {}),
        },
      });
      if (name === 'posix-rename@openssh.com') return withPaths('rename', true);
      if (name === 'hardlink@openssh.com') return withPaths('link', true);
      if (name === 'lsetstat@openssh.com') return withPaths('setstat', false);
      return { id };
    }
    default:
      return { id };
  }
}

/** An SSH_FXP_STATUS reply. */
export function statusPacket(id: number, code: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  const body = Buffer.alloc(1 + 4 + 4 + 4 + text.length + 4);
  let o = 0;
  body[o++] = STATUS;
  body.writeUInt32BE(id, o);
  o += 4;
  body.writeUInt32BE(code, o);
  o += 4;
  body.writeUInt32BE(text.length, o);
  o += 4;
  text.copy(body, o);
  o += text.length;
  body.writeUInt32BE(0, o); // language tag ""
  const out = Buffer.alloc(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** The gate of one sftp channel. */
export class SftpPolicyGate {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes of a passed-through client packet still to forward. */
  private passRemaining = 0;
  /** Bytes of an oversized gated client packet still to drop. */
  private dropRemaining = 0;
  private waiting = false;
  /** Bytes of the target's current packet still to come (0: at a packet boundary). */
  private targetRemaining = 0;
  private targetHeader: Buffer = Buffer.alloc(0);
  private readonly replies: Buffer[] = [];

  constructor(
    private readonly check: SftpGateCheck,
    private readonly io: SftpGateIo,
  ) {}

  fromClient(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.pump();
  }

  /** Target bytes to the client, with the gate's own replies slotted in between whole packets. */
  fromTarget(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      if (this.targetRemaining > 0) {
        const n = Math.min(this.targetRemaining, rest.length);
        this.io.toClient(rest.subarray(0, n));
        rest = rest.subarray(n);
        this.targetRemaining -= n;
        if (this.targetRemaining === 0) this.flushReplies();
        continue;
      }
      // At a boundary: read the next packet's 4-byte length.
      const need = 4 - this.targetHeader.length;
      const take = rest.subarray(0, need);
      this.targetHeader = Buffer.concat([this.targetHeader, take]);
      rest = rest.subarray(take.length);
      if (this.targetHeader.length < 4) return;
      this.io.toClient(this.targetHeader);
      this.targetRemaining = this.targetHeader.readUInt32BE(0);
      this.targetHeader = Buffer.alloc(0);
      if (this.targetRemaining === 0) this.flushReplies();
    }
  }

  private atTargetBoundary(): boolean {
    return this.targetRemaining === 0 && this.targetHeader.length === 0;
  }

  private reply(packet: Buffer): void {
    if (this.atTargetBoundary()) this.io.toClient(packet);
    else this.replies.push(packet);
  }

  private flushReplies(): void {
    while (this.replies.length > 0 && this.atTargetBoundary()) this.io.toClient(this.replies.shift()!);
  }

  private pump(): void {
    while (!this.waiting) {
      if (this.passRemaining > 0 || this.dropRemaining > 0) {
        if (this.pending.length === 0) return;
        const remaining = this.passRemaining > 0 ? this.passRemaining : this.dropRemaining;
        const n = Math.min(remaining, this.pending.length);
        if (this.passRemaining > 0) {
          this.io.toTarget(this.pending.subarray(0, n));
          this.passRemaining -= n;
        } else {
          this.dropRemaining -= n;
        }
        this.pending = this.pending.subarray(n);
        continue;
      }
      if (this.pending.length < 9) return;
      const length = this.pending.readUInt32BE(0);
      const type = this.pending[4]!;
      if (!gatedTypes.has(type)) {
        this.passRemaining = 4 + length;
        continue;
      }
      if (4 + length > MAX_GATED_PACKET) {
        this.reply(
          statusPacket(this.pending.readUInt32BE(5), SSH_FX_PERMISSION_DENIED, 'request too large to check'),
        );
        this.dropRemaining = 4 + length;
        continue;
      }
      if (this.pending.length < 4 + length) return;
      const packet = Buffer.from(this.pending.subarray(0, 4 + length));
      this.pending = this.pending.subarray(4 + length);
      const decoded = decodeGatedRequest(packet);
      if (decoded?.action === undefined) {
        this.io.toTarget(packet);
        continue;
      }
      const id = decoded.id;
      const decision = this.check(decoded.action);
      if (decision instanceof Promise) {
        this.waiting = true;
        this.io.pauseClient();
        void decision.then((resolved) => {
          this.waiting = false;
          this.apply(packet, id, resolved);
          this.io.resumeClient();
          this.pump();
        });
        return;
      }
      this.apply(packet, id, decision);
    }
  }

  private apply(packet: Buffer, id: number, decision: ResolvedPolicyDecision): void {
    if (decision.allow) this.io.toTarget(packet);
    else this.reply(statusPacket(id, SSH_FX_PERMISSION_DENIED, decision.message));
  }
}
