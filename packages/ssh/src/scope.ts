import type {
  PolicyAction,
  PolicyGate,
  RecordedSession,
  ResolvedFrontLimits,
  ResolvedPolicyDecision,
} from '@tapline/core';
import type { TaplineError } from '@tapline/frames';
import type { Algorithms, Client } from 'ssh2';
import type { ChannelBridge } from './bridge.js';
import type {
  SessionRecorder,
  SftpAnalyzerFactory,
  SshAuthMethod,
  SshAuthRequest,
  SshForwardRequest,
  SshGrant,
  SshProxyEvent,
  SshRemoteForwardRequest,
  TerminalAnalyzerFactory,
} from './types.js';

/** Options with their defaults applied. */
export interface ResolvedOptions {
  authorize(request: SshAuthRequest): SshGrant | null | undefined | Promise<SshGrant | null | undefined>;
  recorder: SessionRecorder;
  authMethods: readonly SshAuthMethod[];
  keyboardInteractivePrompt: string;
  limits: ResolvedFrontLimits;
  maxAuthTries: number;
  targetConnectTimeoutMs: number;
  targetKeepaliveIntervalMs: number;
  localForwarding: boolean | ((request: SshForwardRequest) => boolean | Promise<boolean>);
  remoteForwarding: boolean | ((request: SshRemoteForwardRequest) => boolean | Promise<boolean>);
  recordForwardContent: boolean;
  recordSftpContent: boolean;
  terminalAnalyzer: TerminalAnalyzerFactory | undefined;
  sftpAnalyzer: SftpAnalyzerFactory | undefined;
  notifyGraceMs: number;
  failedSessionGraceMs: number;
  targetAlgorithms: Algorithms | undefined;
  /** The `policy` option, its timeout and error handling applied. */
  policy: PolicyGate;
  emit(event: SshProxyEvent): void;
}

/** The source-address limits as one connection sees them (the proxy counts per address). */
export interface LoginGate {
  /** The client authenticated: the login deadline no longer applies. */
  loggedIn(): void;
  /** Counts a failed login of this connection's address; true when the address is now over its limit. */
  failedLogin(): boolean;
  /** True while this connection's address is over its failed-login limit. */
  throttled(): boolean;
  /** Reports that the connection is being refused for the address's failed logins. */
  refuseThrottled(): void;
}

/** What a channel handler needs from its connection. */
export interface ChannelScope {
  readonly options: ResolvedOptions;
  /** The recording, once the session is live. */
  readonly session: RecordedSession | undefined;
  /** The target connection, once the session is live. */
  readonly targetClient: Client | undefined;
  /** Why new channels cannot be served (target failed, session ending), if so. */
  unavailable(): TaplineError | undefined;
  addBridge(bridge: ChannelBridge): void;
  bridgeDone(bridge: ChannelBridge): void;
  /** A request refused by policy: logged, and recorded as a "refused" annotation. */
  refuse(request: string, message: string, details?: Record<string, string>): void;
  /** A channel-level failure: recorded as an "error" annotation and reported. */
  channelError(error: TaplineError, streamId?: number): void;
  /** A recording call threw. */
  recordingError(error: unknown): void;
  /**
   * Asks the policy about an action of this session (protocol and context
   * filled in); a denial, an error or an allow with a rule is recorded.
   * Synchronous when the policy is.
   */
  checkPolicy(
    action: Omit<PolicyAction, 'protocol' | 'context'>,
    streamId?: number,
  ): ResolvedPolicyDecision | Promise<ResolvedPolicyDecision>;
  /** An action the proxy could not read in time: `onPolicyError` decides; recorded. */
  policyUncheckable(
    action: Omit<PolicyAction, 'protocol' | 'context'>,
    reason: string,
    streamId?: number,
  ): ResolvedPolicyDecision;
  /** A channel that only carried a failure message closed. */
  failedChannelClosed(): void;
}
