// The Kubernetes streaming subprotocols carried in WebSocket messages. No I/O:
// WebSocket frames in, plain messages out.
import { KubeErrorCode, kubeError } from './errors.js';
import { type WebSocketFrame, WebSocketOpcode } from './websocket.js';

/** Binary remote-command subprotocols, newest first (kube-apiserver's order of preference). */
export const remoteCommandProtocols: readonly string[] = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

/** Channel numbers of `*.channel.k8s.io` (first byte of each message). */
export const RemoteCommandChannel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  /** Status of the process: a metav1.Status JSON from v4 on, plain text before. */
  error: 3,
  /** Terminal size JSON `{"Width":80,"Height":24}`. */
  resize: 4,
  /** v5 only: `[255, channel]` closes that channel (half-close of stdin). */
  close: 255,
} as const;

export type RemoteCommandMessage =
  | {
      name: 'data';
      /** 0 stdin, 1 stdout, 2 stderr, or any other channel that is not a control channel. */
      channel: number;
      /** A view of the frame's payload (as stable as the payload the decoder was given). */
      data: Uint8Array;
    }
  | { name: 'resize'; cols: number; rows: number }
  | {
      name: 'status';
      /** "Success" or "Failure" (v4+), or "Failure" for a plain-text error (v1–v3). */
      status: string;
      /** 0 on success, the process' code on `NonZeroExitCode`, absent when unknown. */
      exitCode?: number;
      reason?: string;
      message?: string;
    }
  | { name: 'close'; channel: number };

export interface RemoteCommandDecoderOptions {
  /** The negotiated subprotocol. @default "v5.channel.k8s.io" */
  protocol?: string;
  /** Largest status/resize/close message kept for inspection. @default 65536 */
  maxControlMessage?: number;
}

const kNoChannel = -1;

/**
 * What the decoders read of a frame: a whole frame, or one piece of it as
 * `WebSocketParser` hands them out (without `payloadOffset`/`endsFrame`, the
 * payload is taken as the whole frame's).
 */
export type FramePiece = Pick<WebSocketFrame, 'opcode' | 'fin' | 'payload'> &
  Partial<Pick<WebSocketFrame, 'payloadOffset' | 'endsFrame'>>;

/**
 * Decodes one direction of a `*.channel.k8s.io` stream. Feed it the WebSocket
 * data frames (binary, text, continuation) of that direction, whole or in the
 * pieces `WebSocketParser` hands out. Data channels stream through without
 * reassembly, piece by piece; control channels (status, resize,
 * close) are gathered to the end of their message, bounded.
 */
export class RemoteCommandDecoder {
  private channel = kNoChannel;
  private inMessage = false;
  private control: Buffer[] = [];
  private controlLength = 0;
  private readonly jsonStatus: boolean;
  private readonly closeChannel: boolean;
  private readonly maxControlMessage: number;

  constructor(options: RemoteCommandDecoderOptions = {}) {
    const protocol = options.protocol ?? 'v5.channel.k8s.io';
    const version = /^v(\d+)\./.exec(protocol);
    const major = version ? Number(version[1]) : 1;
    this.jsonStatus = major >= 4;
    this.closeChannel = major >= 5;
    this.maxControlMessage = options.maxControlMessage ?? 65536;
  }

  /** Takes a whole frame or one piece of it (see {@link WebSocketFrame}); pieces must come in order. */
  frame(frame: FramePiece, onMessage: (message: RemoteCommandMessage) => void): void {
    const { opcode } = frame;
    if (
      opcode !== WebSocketOpcode.binary &&
      opcode !== WebSocketOpcode.text &&
      opcode !== WebSocketOpcode.continuation
    )
      return;
    if (opcode !== WebSocketOpcode.continuation && (frame.payloadOffset ?? 0) === 0) {
      this.channel = kNoChannel;
      this.control = [];
      this.controlLength = 0;
    }
    this.inMessage = true;
    let payload = frame.payload;
    if (this.channel === kNoChannel && payload.byteLength > 0) {
      this.channel = payload[0]!;
      payload = payload.subarray(1);
    }
    if (this.channel !== kNoChannel) {
      if (this.isControl(this.channel)) this.gather(payload);
      else if (payload.byteLength > 0) onMessage({ name: 'data', channel: this.channel, data: payload });
    }
    if (frame.fin && (frame.endsFrame ?? true)) {
      this.inMessage = false;
      if (this.channel !== kNoChannel && this.isControl(this.channel)) this.finishControl(onMessage);
      this.channel = kNoChannel;
    }
  }

  /** True between the first and the last frame of a message. */
  get midMessage(): boolean {
    return this.inMessage;
  }

  private isControl(channel: number): boolean {
    return (
      channel === RemoteCommandChannel.error ||
      channel === RemoteCommandChannel.resize ||
      (this.closeChannel && channel === RemoteCommandChannel.close)
    );
  }

  private gather(payload: Uint8Array): void {
    if (payload.byteLength === 0) return;
    this.controlLength += payload.byteLength;
    if (this.controlLength > this.maxControlMessage) {
      throw kubeError(
        KubeErrorCode.CHANNEL_PROTOCOL,
        `channel ${this.channel} message exceeds ${this.maxControlMessage} bytes`,
      );
    }
    this.control.push(Buffer.from(payload));
  }

  private finishControl(onMessage: (message: RemoteCommandMessage) => void): void {
    const body = this.control.length === 1 ? this.control[0]! : Buffer.concat(this.control);
    this.control = [];
    this.controlLength = 0;
    const channel = this.channel;
    if (channel === RemoteCommandChannel.close) {
      if (body.byteLength !== 1)
        throw kubeError(KubeErrorCode.CHANNEL_PROTOCOL, 'a v5 close message must name exactly one channel');
      onMessage({ name: 'close', channel: body[0]! });
      return;
    }
    if (channel === RemoteCommandChannel.resize) {
      const size = parseJson(body, 'resize') as { Width?: unknown; Height?: unknown };
      if (!isDimension(size?.Width) || !isDimension(size?.Height)) {
        throw kubeError(KubeErrorCode.CHANNEL_PROTOCOL, 'a resize message without integer Width and Height');
      }
      onMessage({ name: 'resize', cols: size.Width, rows: size.Height });
      return;
    }
    // channel 3: the process' status
    if (!this.jsonStatus) {
      const message = body.toString('utf8');
      onMessage(
        message.length === 0
          ? { name: 'status', status: 'Success', exitCode: 0 }
          : { name: 'status', status: 'Failure', message },
      );
      return;
    }
    onMessage(statusMessage(parseJson(body, 'status')));
  }
}

function isDimension(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw kubeError(KubeErrorCode.CHANNEL_PROTOCOL, `a ${what} message that is not JSON`, undefined, cause);
  }
}

/** Reads a metav1.Status from the error channel into a status message. */
export function statusMessage(value: unknown): Extract<RemoteCommandMessage, { name: 'status' }> {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { status?: unknown }).status !== 'string'
  ) {
    throw kubeError(KubeErrorCode.CHANNEL_PROTOCOL, 'a status message that is not a metav1.Status');
  }
  const status = value as {
    status: string;
    reason?: unknown;
    message?: unknown;
    details?: { causes?: Array<{ reason?: unknown; message?: unknown }> };
  };
  const out: Extract<RemoteCommandMessage, { name: 'status' }> = { name: 'status', status: status.status };
  if (typeof status.reason === 'string') out.reason = status.reason;
  if (typeof status.message === 'string') out.message = status.message;
  if (status.status === 'Success') out.exitCode = 0;
  else if (status.reason === 'NonZeroExitCode' && Array.isArray(status.details?.causes)) {
    for (const cause of status.details.causes) {
      if (cause?.reason === 'ExitCode' && typeof cause.message === 'string' && /^\d+$/.test(cause.message)) {
        out.exitCode = Number(cause.message);
      }
    }
  }
  return out;
}

/** Encodes one channel message (the payload of one WebSocket binary frame). */
export function encodeChannelMessage(channel: number, data: Uint8Array | string = ''): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(1 + body.byteLength);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

// ---------------------------------------------------------------------------
// Port forwarding over channels (`portforward.k8s.io`, `v4.channel.k8s.io`
// WebSocket subprotocols). For the i-th port of `?ports=`, channel 2i carries
// data and 2i+1 errors; the first two bytes of each channel's first message
// from the server are the port, little-endian.

export type PortForwardMessage =
  | { name: 'port'; portIndex: number; port: number; stream: 'data' | 'error' }
  | { name: 'data'; portIndex: number; data: Uint8Array }
  | { name: 'error'; portIndex: number; data: Uint8Array };

export interface PortForwardDecoderOptions {
  /** Whether each channel opens with a 2-byte port prefix (true for the server's direction). @default true */
  portPrefix?: boolean;
}

export class PortForwardDecoder {
  private channel = kNoChannel;
  /** Per channel: 0 = prefix not started, 1 = one byte seen, 2 = done. */
  private readonly prefixState = new Map<number, { seen: number; low: number }>();
  private readonly portPrefix: boolean;

  constructor(options: PortForwardDecoderOptions = {}) {
    this.portPrefix = options.portPrefix ?? true;
  }

  /** Takes a whole frame or one piece of it (see {@link WebSocketFrame}); pieces must come in order. */
  frame(frame: FramePiece, onMessage: (message: PortForwardMessage) => void): void {
    const { opcode } = frame;
    if (
      opcode !== WebSocketOpcode.binary &&
      opcode !== WebSocketOpcode.text &&
      opcode !== WebSocketOpcode.continuation
    )
      return;
    if (opcode !== WebSocketOpcode.continuation && (frame.payloadOffset ?? 0) === 0)
      this.channel = kNoChannel;
    let payload = frame.payload;
    if (this.channel === kNoChannel && payload.byteLength > 0) {
      this.channel = payload[0]!;
      payload = payload.subarray(1);
    }
    if (this.channel !== kNoChannel) {
      const channel = this.channel;
      const portIndex = channel >> 1;
      const stream = (channel & 1) === 0 ? 'data' : 'error';
      if (this.portPrefix) {
        let state = this.prefixState.get(channel);
        if (state === undefined) {
          state = { seen: 0, low: 0 };
          this.prefixState.set(channel, state);
        }
        while (state.seen < 2 && payload.byteLength > 0) {
          if (state.seen === 0) state.low = payload[0]!;
          else onMessage({ name: 'port', portIndex, port: state.low | (payload[0]! << 8), stream });
          state.seen++;
          payload = payload.subarray(1);
        }
      }
      if (payload.byteLength > 0) onMessage({ name: stream, portIndex, data: payload });
    }
    if (frame.fin && (frame.endsFrame ?? true)) this.channel = kNoChannel;
  }
}
