// Relays one SSH channel between the client-facing ssh2 server channel and the
// target-facing ssh2 client channel, with SSH window flow control both ways
// and the EOF / exit-status / CLOSE order OpenSSH expects:
//   target data... -> client data...      (write() false pauses the source:
//   target EOF     -> client EOF           ssh2 then stops adjusting the
//   target exit    -> client exit          source's window, so a slow peer
//   target CLOSE   -> client CLOSE         never grows the proxy's memory)
// Every chunk is offered to the recording and the analyzers on the way; they
// are synchronous and must not block.
import type { Direction, RecordedSession, StreamCloseOptions } from '@tapline/core';
import type { ClientChannel, ServerChannel } from 'ssh2';

export interface ExitInfo {
  code?: number;
  /** Without "SIG". */
  signal?: string;
  coreDumped?: boolean;
  description?: string;
}

/** Copies of the traffic for the analyzers (called after the recording). */
export interface BridgeTap {
  clientToTarget?(chunk: Buffer): void;
  targetToClient?(chunk: Buffer): void;
  resize?(cols: number, rows: number): void;
  /** The channel closed; the stream is closed in the recording once a returned promise settles. */
  end?(): unknown;
}

/** Something in the relay that may hold back, drop or answer client bytes. */
export interface BridgeInterceptor {
  fromClient(chunk: Buffer): void;
  fromTarget(chunk: Buffer): void;
}

/** How an interceptor sends on what it lets through. */
export interface BridgeInterceptorIo {
  toTarget(chunk: Buffer): void;
  toClient(chunk: Buffer): void;
  pauseClient(): void;
  resumeClient(): void;
}

/**
 * Sits on the client's input before the recording (the shell line gate):
 * only what it sends on is recorded, analyzed and written to the target.
 */
export interface BridgeInputGate {
  fromClient(chunk: Buffer): void;
  /** The target wrote to the client's stdout. */
  targetOutput(): void;
  /** The channel is ending: drop what is held. */
  close(): void;
}

/** What the bridge gives an input gate. */
export interface BridgeInputGateIo {
  toTarget(chunk: Buffer): void;
  toClient(text: string): void;
  pauseClient(): void;
  resumeClient(): void;
}

/** Longest wait for an analyzer to finish before the stream is closed without it. */
const ANALYZER_END_GRACE_MS = 5_000;

export interface ChannelBridgeOptions {
  session: RecordedSession;
  streamId: number;
  client: ServerChannel;
  target: ClientChannel;
  /** Session channels forward exit-status / exit-signal; forwards do not. */
  forwardExit: boolean;
  /** Use CRLF in messages to the user (a pty is attached). */
  terminal: boolean;
  /** Tell the user why on stderr when the proxy ends the channel (session channels; not forwards). */
  notifyUser: boolean;
  tap?: BridgeTap;
  /**
   * Sits in the relay (the SFTP policy gate): client bytes go to
   * `fromClient`, target stdout bytes to `fromTarget`, and it sends on what
   * it lets through with the io `attach` gives it.
   */
  interceptor?: BridgeInterceptor;
  /** Builds the input gate of this channel (given the io it sends with). */
  inputGate?: (io: BridgeInputGateIo) => BridgeInputGate;
  /** A recording call threw: reported once per bridge. */
  onRecordingError(error: unknown): void;
  /** Both sides are closed (or the bridge was destroyed); the stream is closed in the recording. */
  onDone(bridge: ChannelBridge): void;
}

interface ProtocolLike {
  exitStatus(channel: number, status: number): void;
  exitSignal(channel: number, name: string, coreDumped: boolean, message: string): void;
}
interface ChannelInternals {
  outgoing: { id: number; state: string };
  _client?: { _protocol?: ProtocolLike };
}

const EMPTY = Buffer.alloc(0);
const noop = (): void => {};

export class ChannelBridge {
  bytesClientToTarget = 0;
  bytesTargetToClient = 0;
  readonly streamId: number;
  /** Settles once the stream is closed in the recording (after the analyzers finished). */
  completed: Promise<void> = Promise.resolve();

  private readonly options: ChannelBridgeOptions;
  private readonly client: ServerChannel;
  private readonly target: ClientChannel;
  private exit: ExitInfo | undefined;
  private stdoutEnded = false;
  private stderrEnded = false;
  private eofPromise: Promise<void> | undefined;
  private eofSent = false;
  private finishing = false;
  private clientEndCalled = false;
  private clientClosed = false;
  private targetClosed = false;
  private targetInputEnded = false;
  private terminating: string | undefined;
  private done = false;
  private recordingFailed = false;
  private closeWaiters: Array<() => void> = [];
  private inputGate: BridgeInputGate | undefined;
  /** The input gate holds the client (deciding a line): a target drain must not resume it. */
  private gateHolding = false;
  /** The target channel's write buffer is full (until its 'drain'). */
  private targetFull = false;

  constructor(options: ChannelBridgeOptions) {
    this.options = options;
    this.client = options.client;
    this.target = options.target;
    this.streamId = options.streamId;
  }

  start(): void {
    const { client, target } = this;
    client.on('error', noop);
    client.stderr.on('error', noop);
    target.on('error', noop);
    target.stderr.on('error', noop);
    const interceptor = this.options.interceptor;
    const gate = this.options.inputGate?.({
      toTarget: (chunk) => this.clientInput(chunk),
      toClient: (text) => {
        if (this.canWriteToClient()) client.write(text);
      },
      pauseClient: () => {
        this.gateHolding = true;
        client.pause();
      },
      resumeClient: () => {
        this.gateHolding = false;
        if (!this.targetFull) client.resume();
      },
    });
    this.inputGate = gate;

    client.on('data', (chunk: Buffer) => {
      if (gate !== undefined) {
        this.bytesClientToTarget += chunk.length;
        if (!this.targetInputEnded && !this.targetClosed) gate.fromClient(chunk);
        return;
      }
      this.bytesClientToTarget += chunk.length;
      this.record('client_to_target', chunk, undefined);
      this.options.tap?.clientToTarget?.(chunk);
      if (this.targetInputEnded || this.targetClosed) return;
      if (interceptor !== undefined) interceptor.fromClient(chunk);
      else if (!target.write(chunk)) client.pause();
    });
    target.on('drain', () => {
      this.targetFull = false;
      if (!this.gateHolding) client.resume();
    });
    client.on('end', () => {
      // The client sent EOF: pass it on (the target channel stays half open).
      if (!this.targetInputEnded && !this.targetClosed) {
        this.targetInputEnded = true;
        target.end();
      }
    });

    target.on('data', (chunk: Buffer) => {
      this.bytesTargetToClient += chunk.length;
      this.record('target_to_client', chunk, undefined);
      this.options.tap?.targetToClient?.(chunk);
      gate?.targetOutput();
      if (!this.canWriteToClient()) return;
      if (interceptor !== undefined) interceptor.fromTarget(chunk);
      else if (!client.write(chunk)) target.pause();
    });
    client.on('drain', () => target.resume());
    target.stderr.on('data', (chunk: Buffer) => {
      this.bytesTargetToClient += chunk.length;
      this.record('target_to_client', chunk, 1);
      if (!this.canWriteToClient()) return;
      if (!client.stderr.write(chunk)) target.stderr.pause();
    });
    client.stderr.on('drain', () => target.stderr.resume());

    target.on('end', () => {
      this.stdoutEnded = true;
      this.forwardEofWhenReady();
    });
    target.stderr.on('end', () => {
      this.stderrEnded = true;
      this.forwardEofWhenReady();
    });
    target.on('exit', (code: number | null, signal?: string, coreDumped?: boolean, description?: string) => {
      if (typeof code === 'number') this.exit = { code };
      else if (typeof signal === 'string') {
        this.exit = {
          signal: signal.startsWith('SIG') ? signal.slice(3) : signal,
          coreDumped: coreDumped === true,
          description: description ?? '',
        };
      }
    });
    target.on('close', () => {
      this.targetClosed = true;
      void this.finishClient();
      this.finishWhenBothClosed();
    });
    client.on('close', () => {
      this.clientClosed = true;
      for (const waiter of this.closeWaiters.splice(0)) waiter();
      if (!this.targetClosed) {
        // The client closed first (or its connection died): close the target side.
        try {
          target.close();
        } catch {}
      }
      this.finishWhenBothClosed();
    });
  }

  /** Client input the gate let through: recorded, analyzed, written to the target. */
  private clientInput(chunk: Buffer): void {
    if (this.targetInputEnded || this.targetClosed || this.terminating !== undefined) return;
    this.record('client_to_target', chunk, undefined);
    this.options.tap?.clientToTarget?.(chunk);
    if (!this.target.write(chunk)) {
      this.targetFull = true;
      this.client.pause();
    }
  }

  /** The client's window-change: forwarded to the target's pty. */
  resize(cols: number, rows: number, width: number, height: number): void {
    if (this.targetClosed) return;
    try {
      this.target.setWindow(rows, cols, height, width);
    } catch {}
  }

  /** The client's signal request ("INT", "TERM", ...), forwarded. */
  signal(name: string): void {
    if (this.targetClosed) return;
    try {
      this.target.signal(name);
    } catch {}
  }

  /** Exit information the target sent, if any. */
  exitInfo(): ExitInfo | undefined {
    return this.exit;
  }

  /** Bytes in this channel's stream buffers right now (both legs, both directions). */
  bufferedBytes(): number {
    const { client, target } = this;
    return (
      client.readableLength +
      client.writableLength +
      client.stderr.writableLength +
      target.readableLength +
      target.writableLength +
      target.stderr.readableLength
    );
  }

  /**
   * Ends the channel from the proxy's side: tells the user `message` on stderr
   * (when the channel can still carry it), closes both sides. Resolves when the
   * client side is closed or `graceMs` passed.
   */
  terminate(message: string | undefined, graceMs: number): Promise<void> {
    if (this.done) return Promise.resolve();
    this.terminating = message ?? '';
    this.inputGate?.close();
    // Stop relaying the client's input but keep reading (and dropping) it, so
    // its EOF and CLOSE still arrive and the channel can close promptly.
    this.client.removeAllListeners('data');
    this.client.on('data', noop);
    this.client.resume();
    if (!this.targetClosed) {
      try {
        this.target.close();
      } catch {}
    }
    const closed = new Promise<void>((resolve) => {
      if (this.clientClosed) resolve();
      else this.closeWaiters.push(resolve);
    });
    if (this.options.notifyUser && !this.clientClosed && !this.eofSent && !this.clientEndCalled && message) {
      this.client.stderr.write(this.formatMessage(message));
    }
    void this.flushClient().then(() => this.endClient());
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    return Promise.race([closed, grace]).finally(() => clearTimeout(timer));
  }

  /** Releases everything now (the connection is gone) and closes the stream in the recording. */
  destroy(detail?: string): void {
    if (this.done) return;
    try {
      this.target.close();
    } catch {}
    this.complete(detail);
  }

  private formatMessage(message: string): string {
    return this.options.terminal ? `\r\ntapline: ${message}\r\n` : `tapline: ${message}\n`;
  }

  private canWriteToClient(): boolean {
    return !this.clientClosed && !this.eofSent && !this.clientEndCalled;
  }

  private record(direction: Direction, chunk: Buffer, channel: number | undefined): void {
    if (this.recordingFailed) return;
    try {
      this.options.session.data(this.streamId, direction, chunk, channel);
    } catch (error) {
      this.recordingFailed = true;
      this.options.onRecordingError(error);
    }
  }

  /** Resolves once every byte written to the client channel so far was handed to the SSH transport. */
  private flushClient(): Promise<void> {
    const client = this.client as unknown as ServerChannel & ChannelInternals;
    if (this.clientClosed || client.outgoing.state !== 'open' || client.writableEnded) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      let pending = 2;
      const one = (): void => {
        pending -= 1;
        if (pending === 0) resolve();
      };
      this.closeWaiters.push(resolve);
      client.write(EMPTY, one);
      if (client.stderr.writableEnded) one();
      else client.stderr.write(EMPTY, one);
    });
  }

  private forwardEofWhenReady(): void {
    if (!this.stdoutEnded || !this.stderrEnded || this.eofPromise !== undefined) return;
    this.eofPromise = this.flushClient().then(() => {
      if (this.clientClosed || this.clientEndCalled || this.terminating !== undefined) return;
      this.client.eof();
      this.eofSent = true;
    });
  }

  private async finishClient(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    // ssh2 emits the target's 'close' after its stdout ended; stderr may lag.
    if (!this.stderrEnded) {
      await new Promise<void>((resolve) => this.target.stderr.once('end', resolve).once('close', resolve));
    }
    await (this.eofPromise ?? this.flushClient());
    if (this.clientClosed) return;
    if (this.options.forwardExit && this.exit !== undefined && this.terminating === undefined) {
      this.sendExit(this.exit);
    }
    this.endClient();
  }

  private endClient(): void {
    if (this.clientEndCalled || this.clientClosed) return;
    this.clientEndCalled = true;
    // ssh2 sends EOF (unless already sent) and CLOSE once the writable side finished.
    this.client.end();
  }

  private sendExit(exit: ExitInfo): void {
    const client = this.client as unknown as ServerChannel & ChannelInternals;
    try {
      if (!this.eofSent) {
        if (exit.code !== undefined) client.exit(exit.code);
        else if (exit.signal !== undefined) client.exit(exit.signal, exit.coreDumped, exit.description);
        return;
      }
      // After EOF ssh2's exit() is a no-op, but RFC 4254 (and sshd) send the
      // exit status after EOF: write the request through ssh2's protocol.
      const protocol = client._client?._protocol;
      if (protocol === undefined || client.outgoing.state !== 'eof') return;
      if (exit.code !== undefined) protocol.exitStatus(client.outgoing.id, exit.code);
      else if (exit.signal !== undefined) {
        protocol.exitSignal(
          client.outgoing.id,
          exit.signal,
          exit.coreDumped === true,
          exit.description ?? '',
        );
      }
    } catch {
      // An exit signal ssh2 does not know: the client sees no exit status (ssh exits 255).
    }
  }

  private finishWhenBothClosed(): void {
    if (this.clientClosed && this.targetClosed) this.complete(undefined);
  }

  private complete(detail: string | undefined): void {
    if (this.done) return;
    this.done = true;
    this.inputGate?.close();
    for (const waiter of this.closeWaiters.splice(0)) waiter();
    const close: StreamCloseOptions = {};
    if (this.exit?.code !== undefined) close.exitStatus = this.exit.code;
    if (this.exit?.signal !== undefined) close.exitSignal = this.exit.signal;
    const notes: string[] = [];
    if (this.terminating) notes.push(this.terminating);
    if (detail) notes.push(detail);
    if (notes.length > 0) close.detail = notes.join('; ');
    let ending: unknown;
    try {
      ending = this.options.tap?.end?.();
    } catch {}
    const closeStream = (): void => {
      try {
        this.options.session.closeStream(this.streamId, close);
      } catch (error) {
        if (!this.recordingFailed) {
          this.recordingFailed = true;
          this.options.onRecordingError(error);
        }
      }
      this.options.onDone(this);
    };
    if (!(ending instanceof Promise)) {
      closeStream();
      return;
    }
    // The analyzer still emits what it found up to the end (its last command): wait for it, boundedly.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ANALYZER_END_GRACE_MS);
    });
    this.completed = Promise.race([ending.then(noop, noop), grace]).then(() => {
      clearTimeout(timer);
      closeStream();
    });
  }
}
