import type { AddressInfo } from 'node:net';
import type {
  EndReasonName,
  FrontLimits,
  PolicyOptions,
  RecordedSession,
  SessionContext,
  SessionSummary,
  SourceRefusalReason,
  TaplineLogger,
} from '@tapline/core';
import type { TaplineError } from '@tapline/frames';
import type { PendingCommandLine } from '@tapline/terminal';
import type { Algorithms } from 'ssh2';
import type { HostKeyPin } from './host-key.js';
import type { SshCryptoInfo } from './ssh2-runtime.js';

/** How the user authenticated to the proxy. */
export type SshAuthMethod = 'publickey' | 'password' | 'keyboard-interactive';

/** The user's public key, after the proxy verified the user's signature with it. */
export interface SshClientPublicKey {
  /** Key type: "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ... */
  algorithm: string;
  /** The SSH public key blob. */
  data: Buffer;
  /** "SHA256:..." as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** The key as an authorized_keys line without comment: "ssh-ed25519 AAAA...". */
  openssh: string;
}

/** What `authorize()` is asked to decide. Secrets in it are never recorded. */
export interface SshAuthRequest {
  /** The user name the client sent (`ssh USER@proxy`). */
  username: string;
  method: SshAuthMethod;
  /** The password or token typed, for "password" and "keyboard-interactive". */
  password?: string;
  /** For "publickey": the key whose signature the proxy has verified. */
  publicKey?: SshClientPublicKey;
  /** "203.0.113.7:51234" */
  clientAddress: string;
}

/** The target the session goes to, with credentials the user never sees. */
export interface SshTarget {
  host: string;
  /** @default 22 */
  port?: number;
  /** The account on the target. */
  username: string;
  password?: string;
  /** A private key in OpenSSH, PKCS#1/#8 or PuTTY format. */
  privateKey?: string | Buffer;
  passphrase?: string;
  /**
   * The target's host key, always verified: an OpenSSH public key line, a
   * "SHA256:..." fingerprint, the key blob, or several of them (any matches).
   * A mismatch ends the connection with TAPLINE_ERR_SSH_TARGET_HOST_KEY_MISMATCH.
   */
  hostKey: HostKeyPin | readonly HostKeyPin[];
}

/** A granted session: the grant to record and where to connect. */
export interface SshGrant {
  /** `protocol` defaults to "ssh", `clientAddress` and `target` to what the proxy sees. */
  context: Omit<SessionContext, 'protocol'> & { protocol?: string };
  target: SshTarget;
}

/** The recorder the proxy starts a recording with (`createRecorder()` from @tapline/core fits). */
export interface SessionRecorder {
  start(context: SessionContext): Promise<RecordedSession>;
}

/**
 * A live terminal analyzer: `createCommandExtractor()` of @tapline/terminal is
 * one (the default). Calls must not block; the relay never waits for them.
 */
export interface TerminalAnalyzer {
  /** Keystrokes, client to target. */
  input(bytes: Uint8Array, offsetNs: number): unknown;
  /** Terminal output, target to client. */
  output(bytes: Uint8Array, offsetNs: number): unknown;
  resize(cols: number, rows: number, offsetNs: number): void;
  /** The channel closed. The stream is closed in the recording when the returned promise settles (5 s at most). */
  end(offsetNs: number): unknown;
  /**
   * The line being typed, once the analyzer caught up (`@tapline/terminal`'s
   * extractor has it). With a `policy`, the proxy checks each interactive
   * line with it before the Enter is sent; an analyzer without it leaves
   * interactive lines unchecked.
   */
  pendingLine?(): Promise<PendingCommandLine | undefined>;
}

export interface TerminalAnalyzerContext {
  session: RecordedSession;
  streamId: number;
  kind: 'ssh_shell' | 'ssh_exec';
  term: string;
  cols: number;
  rows: number;
  /** The exec command, for a command run with a pty (`ssh -t host top`). */
  command?: string;
}

/** Builds a terminal analyzer for each shell (and exec with a pty). */
export type TerminalAnalyzerFactory = (context: TerminalAnalyzerContext) => TerminalAnalyzer;

/** A live SFTP analyzer: `createSftpTracker()` of @tapline/sftp is one (the default). */
export interface SftpAnalyzer {
  clientToServer(chunk: Uint8Array): unknown;
  serverToClient(chunk: Uint8Array): unknown;
  /** The channel closed; a returned promise is awaited like `TerminalAnalyzer.end()`. */
  end(): unknown;
}

export interface SftpAnalyzerContext {
  session: RecordedSession;
  streamId: number;
}

/** Builds an SFTP analyzer for each sftp subsystem channel. */
export type SftpAnalyzerFactory = (context: SftpAnalyzerContext) => SftpAnalyzer;

/** A local forward (`ssh -L`) the client asks for. */
export interface SshForwardRequest {
  destinationHost: string;
  destinationPort: number;
  originAddress: string;
  originPort: number;
  session: RecordedSession;
}

/** A remote forward (`ssh -R`) the client asks for: the target would listen on `bindAddress:bindPort`. */
export interface SshRemoteForwardRequest {
  /** As the client sent it ("localhost", "", "0.0.0.0", ...): the target's sshd interprets it (GatewayPorts). */
  bindAddress: string;
  /** 0 lets the target pick. */
  bindPort: number;
  session: RecordedSession;
}

/** Something the proxy reports; also published on diagnostics_channel `tapline:ssh:<type>`. */
export type SshProxyEvent =
  | { type: 'listening'; address: AddressInfo; crypto: SshCryptoInfo }
  | { type: 'auth_failed'; clientAddress: string; username: string; method: string; error?: TaplineError }
  | {
      type: 'session_started';
      sessionId: string;
      username: string;
      clientAddress: string;
      target: string;
      clientCipher?: string;
      targetCipher?: string;
    }
  | { type: 'session_failed'; sessionId?: string; clientAddress: string; error: TaplineError }
  | { type: 'refused'; sessionId: string; request: string; error: TaplineError }
  /**
   * A client turned away before it logged in, so there is no grant and no
   * recording: over the login deadline, too many connections or too many
   * failed logins from its address (`limits`).
   */
  | { type: 'connection_refused'; clientAddress: string; reason: SourceRefusalReason; error: TaplineError }
  | { type: 'session_ended'; sessionId: string; reason: EndReasonName; summary?: SessionSummary }
  | { type: 'error'; sessionId?: string; clientAddress?: string; error: Error };

/**
 * The payload of each diagnostics channel `tapline:ssh:<type>`: the event of
 * that type. Importing `@tapline/ssh` adds these to `@tapline/core`'s
 * `TaplineChannelMessages`, so `subscribeTapline('tapline:ssh:session_started', …)` is typed.
 */
export type SshChannelMessages = {
  [T in SshProxyEvent['type'] as `tapline:ssh:${T}`]: Extract<SshProxyEvent, { type: T }>;
};

declare module '@tapline/core' {
  interface TaplineChannelMessages extends SshChannelMessages {}
}

/** A live session, as `proxy.sessions()` reports it. */
export interface SshSessionInfo {
  sessionId: string;
  username: string;
  clientAddress: string;
  target: string;
  /** Open channels (shell, exec, sftp, forwards). */
  channels: number;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  /** Bytes held in the proxy's stream buffers right now: bounded by flow control. */
  bufferedBytes: number;
}

export interface SshProxyOptions extends PolicyOptions {
  /** The proxy's own host keys (private keys, OpenSSH or PEM), at most one per type. */
  hostKeys: ReadonlyArray<string | Buffer | { key: string | Buffer; passphrase?: string }>;
  /**
   * Decides who may connect and where to. Resolve to a grant, or to null /
   * undefined (or reject) to refuse; the client then sees "Permission denied".
   * Called once per authentication attempt, after the proxy verified the
   * signature for public keys.
   */
  authorize(request: SshAuthRequest): SshGrant | null | undefined | Promise<SshGrant | null | undefined>;
  recorder: SessionRecorder;
  /** @default ['publickey', 'password', 'keyboard-interactive'] */
  authMethods?: readonly SshAuthMethod[];
  /** The prompt of the keyboard-interactive method. @default 'Password: ' */
  keyboardInteractivePrompt?: string;
  /**
   * Login deadline, connections and failed logins per source address (the
   * same `limits` as every Tapline front; see `FrontLimits`). The deadline
   * runs from TCP accept, so a client that never sends its identification
   * string is disconnected too.
   * @default { loginTimeoutMs: 120000, maxConnectionsPerSource: 100, maxFailedLoginsPerSource: 20, failedLoginWindowMs: 60000 }
   */
  limits?: FrontLimits;
  /** @deprecated `limits.loginTimeoutMs` (which wins when both are set). */
  loginGraceMs?: number;
  /** Failed authentication attempts before the proxy hangs up (sshd's MaxAuthTries). @default 6 */
  maxAuthTries?: number;
  /** A notice shown before authentication ("This session is recorded."). @default undefined */
  banner?: string;
  /** Time to connect, verify and authenticate to the target. @default 15000 */
  targetConnectTimeoutMs?: number;
  /** Keepalive towards the target; a target silent for 3 intervals ends the session. 0 turns it off. @default 15000 */
  targetKeepaliveIntervalMs?: number;
  /** Keepalive towards the client; a client silent for 3 intervals ends the session. @default 15000 */
  clientKeepaliveIntervalMs?: number;
  /**
   * Local port forwarding (`ssh -L`, direct-tcpip): true, false, or a policy
   * deciding per request. X11 and agent forwarding are always refused and
   * recorded as "refused" annotations (see `remoteForwarding` for `ssh -R`).
   * @default true
   */
  localForwarding?: boolean | ((request: SshForwardRequest) => boolean | Promise<boolean>);
  /**
   * Remote port forwarding (`ssh -R`, tcpip-forward): the target listens, and
   * each connection it accepts is relayed back to the user as an
   * `ssh_forward` stream (details.direction "remote"). Off by default:
   * it lets the target reach into the user's network.
   * @default false
   */
  remoteForwarding?: boolean | ((request: SshRemoteForwardRequest) => boolean | Promise<boolean>);
  /** Record the bytes of forwarded connections (false: open, close and byte counts only). @default false */
  recordForwardContent?: boolean;
  /** Record the raw bytes of SFTP channels (file contents). @default true */
  recordSftpContent?: boolean;
  /**
   * Live analyzers fed with a copy of the traffic; they never slow the relay.
   * A throwing analyzer is switched off for its channel and recorded as an
   * "error" annotation. `false` turns one off.
   * @default { terminal: terminalCommands(), sftp: sftpOperations() }
   */
  analyzers?: { terminal?: TerminalAnalyzerFactory | false; sftp?: SftpAnalyzerFactory | false };
  /** Grace before the proxy hangs up on a client it has told the session is over. @default 2000 */
  notifyGraceMs?: number;
  /** Algorithm overrides per leg (ssh2 `algorithms`). @default ssh2's defaults */
  algorithms?: { client?: Algorithms; target?: Algorithms };
  /** Receives what the proxy reports. Must not throw. */
  onEvent?: (event: SshProxyEvent) => void;
  /** A pino-compatible logger for what the proxy reports (refusals and failures at warn/error). */
  logger?: TaplineLogger;
}

export interface SshProxy {
  /** Starts listening. @default port 0 (the OS picks), host "127.0.0.1" */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** The bound address, or null before `listen()`. */
  address(): AddressInfo | null;
  /**
   * Stops accepting; with `drainMs`, lets live sessions end on their own for
   * up to that long; then tells every remaining user, ends their sessions
   * with end reason "shutdown" and resolves when every recording is ended.
   */
  close(options?: { drainMs?: number }): Promise<void>;
  /** Which crypto path ssh2 uses in this process (native binding or JavaScript). */
  readonly crypto: SshCryptoInfo;
  /** A snapshot of the live sessions. */
  sessions(): SshSessionInfo[];
}
