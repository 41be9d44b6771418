// A correct parser for the SSH "pty-req" channel request.
//
// ssh2 1.17 parses the encoded terminal modes with a lookup table built the
// wrong way round (name -> opcode where opcode -> name is needed) and starts one
// byte late, so every pty-req from OpenSSH reaches a server with `modes: {}`:
// the target pty would silently lose the user's VERASE, IUTF8, ... settings.
// The proxy re-parses the request itself and forwards the modes byte for byte.

/** A pty-req as the client sent it. `rawModes` is forwarded to the target unchanged. */
export interface PtyRequest {
  term: string;
  cols: number;
  rows: number;
  width: number;
  height: number;
  /** Known modes by name (RFC 4254 section 8 and OpenSSH's IUTF8). */
  modes: Record<string, number>;
  /** The encoded terminal modes string, copied (ends with TTY_OP_END when well-formed). */
  rawModes: Buffer;
}

/** The channel request header shared by every request type. */
export interface ChannelRequestHeader {
  recipient: number;
  type: string;
  wantReply: boolean;
  /** Offset of the type-specific data in the payload. */
  dataOffset: number;
}

// RFC 4254 section 8 opcodes, plus IUTF8 (42) which OpenSSH sends on Linux.
const MODE_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'VINTR'],
  [2, 'VQUIT'],
  [3, 'VERASE'],
  [4, 'VKILL'],
  [5, 'VEOF'],
  [6, 'VEOL'],
  [7, 'VEOL2'],
  [8, 'VSTART'],
  [9, 'VSTOP'],
  [10, 'VSUSP'],
  [11, 'VDSUSP'],
  [12, 'VREPRINT'],
  [13, 'VWERASE'],
  [14, 'VLNEXT'],
  [15, 'VFLUSH'],
  [16, 'VSWTCH'],
  [17, 'VSTATUS'],
  [18, 'VDISCARD'],
  [30, 'IGNPAR'],
  [31, 'PARMRK'],
  [32, 'INPCK'],
  [33, 'ISTRIP'],
  [34, 'INLCR'],
  [35, 'IGNCR'],
  [36, 'ICRNL'],
  [37, 'IUCLC'],
  [38, 'IXON'],
  [39, 'IXANY'],
  [40, 'IXOFF'],
  [41, 'IMAXBEL'],
  [42, 'IUTF8'],
  [50, 'ISIG'],
  [51, 'ICANON'],
  [52, 'XCASE'],
  [53, 'ECHO'],
  [54, 'ECHOE'],
  [55, 'ECHOK'],
  [56, 'ECHONL'],
  [57, 'NOFLSH'],
  [58, 'TOSTOP'],
  [59, 'IEXTEN'],
  [60, 'ECHOCTL'],
  [61, 'ECHOKE'],
  [62, 'PENDIN'],
  [70, 'OPOST'],
  [71, 'OLCUC'],
  [72, 'ONLCR'],
  [73, 'OCRNL'],
  [74, 'ONOCR'],
  [75, 'ONLRET'],
  [90, 'CS7'],
  [91, 'CS8'],
  [92, 'PARENB'],
  [93, 'PARODD'],
  [128, 'TTY_OP_ISPEED'],
  [129, 'TTY_OP_OSPEED'],
]);

const TTY_OP_END = 0;
/** Opcodes 160..255 are undefined by RFC 4254 and stop the parse. */
const FIRST_UNDEFINED_OPCODE = 160;
/** A pty-req larger than this is garbage (OpenSSH sends ~300 bytes). */
export const MAX_PTY_REQUEST_BYTES: number = 64 * 1024;

/**
 * Reads the header of an SSH_MSG_CHANNEL_REQUEST payload:
 *   byte SSH_MSG_CHANNEL_REQUEST (98), uint32 recipient channel,
 *   string request type, boolean want reply, .... type-specific data.
 * Returns undefined when the payload is truncated or not a channel request.
 */
export function parseChannelRequestHeader(payload: Uint8Array): ChannelRequestHeader | undefined {
  if (payload.length < 10 || payload[0] !== 98) return undefined;
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const recipient = view.readUInt32BE(1);
  const typeLength = view.readUInt32BE(5);
  const typeEnd = 9 + typeLength;
  if (typeLength > 64 || typeEnd + 1 > view.length) return undefined;
  const type = view.toString('latin1', 9, typeEnd);
  const wantReply = view[typeEnd] !== 0;
  return { recipient, type, wantReply, dataOffset: typeEnd + 1 };
}

/**
 * Parses the type-specific data of a "pty-req" (RFC 4254 section 6.2):
 *   string TERM, uint32 cols, uint32 rows, uint32 width px, uint32 height px,
 *   string encoded terminal modes.
 * Returns undefined for truncated, oversized or malformed input; never throws.
 */
export function parsePtyRequestData(payload: Uint8Array, offset: number): PtyRequest | undefined {
  if (payload.length > MAX_PTY_REQUEST_BYTES || offset < 0) return undefined;
  const view = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  let position = offset;
  if (position + 4 > view.length) return undefined;
  const termLength = view.readUInt32BE(position);
  position += 4;
  if (termLength > 256 || position + termLength + 20 > view.length) return undefined;
  const term = view.toString('latin1', position, position + termLength);
  position += termLength;
  const cols = view.readUInt32BE(position);
  const rows = view.readUInt32BE(position + 4);
  const width = view.readUInt32BE(position + 8);
  const height = view.readUInt32BE(position + 12);
  const modesLength = view.readUInt32BE(position + 16);
  position += 20;
  if (position + modesLength > view.length) return undefined;
  const rawModes = Buffer.from(view.subarray(position, position + modesLength));
  const modes = decodeTerminalModes(rawModes);
  if (modes === undefined) return undefined;
  return { term, cols, rows, width, height, modes, rawModes };
}

/** Decodes "encoded terminal modes": (opcode byte, uint32 argument)* then TTY_OP_END. */
export function decodeTerminalModes(encoded: Uint8Array): Record<string, number> | undefined {
  const modes: Record<string, number> = {};
  let position = 0;
  while (position < encoded.length) {
    const opcode = encoded[position]!;
    if (opcode === TTY_OP_END || opcode >= FIRST_UNDEFINED_OPCODE) return modes;
    if (position + 5 > encoded.length) return undefined;
    const value =
      (encoded[position + 1]! * 0x1000000 +
        (encoded[position + 2]! << 16) +
        (encoded[position + 3]! << 8) +
        encoded[position + 4]!) >>>
      0;
    const name = MODE_NAMES.get(opcode);
    if (name !== undefined) modes[name] = value;
    position += 5;
  }
  return modes;
}
