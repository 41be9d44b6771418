// One client connection to the proxy: authentication, the grant, the
// recording, the target connection, and the end of the session.
import {
  type EndReasonName,
  type PolicyAction,
  type PolicySessionContext,
  policyContextOf,
  type RecordedSession,
  type ResolvedPolicyDecision,
  type SessionContext,
} from '@tapline/core';
import { isTaplineError, TaplineError } from '@tapline/frames';
import type {
  AuthContext,
  ClientChannel,
  ClientInfo,
  Connection,
  KeyboardAuthContext,
  NegotiatedAlgorithms,
  PublicKeyAuthContext,
  ServerChannel,
  Session,
  TcpipRequestInfo,
} from 'ssh2';
import { ChannelBridge } from './bridge.js';
import { SshErrorCode, sshError } from './errors.js';
import { fingerprintOf } from './host-key.js';
import type { ChannelScope, LoginGate, ResolvedOptions } from './scope.js';
import { attachSessionChannel } from './session-channel.js';
import { ssh2 } from './ssh2-runtime.js';
import { connectTarget, type TargetConnection } from './target.js';
import type { SshAuthMethod, SshAuthRequest, SshClientPublicKey, SshGrant, SshSessionInfo } from './types.js';

type Phase = 'auth' | 'starting' | 'live' | 'failed' | 'ending';

const END_REASONS: ReadonlySet<string> = new Set([
  'client_closed',
  'target_closed',
  'grant_expired',
  'revoked',
  'error',
  'shutdown',
  'quota_exceeded',
  'recording_failed',
]);

const ABORT_MESSAGES: Record<string, string> = {
  grant_expired: 'your access grant has expired; the session is closed',
  revoked: 'your access was revoked; the session is closed',
  quota_exceeded: 'the session exceeded its quota; the session is closed',
  recording_failed: 'the session can no longer be recorded; the session is closed',
};

/** Errors that are a normal part of a connection ending. */
/** A stream id to record a decision on: none for the connection itself (-1 or absent). */
function streamOf(streamId: number | undefined): number | undefined {
  return streamId !== undefined && streamId >= 0 ? streamId : undefined;
}

function isHangupError(error: Error & { code?: string }): boolean {
  return error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'ERR_STREAM_WRITE_AFTER_END';
}

export class ProxyConnection implements ChannelScope {
  readonly options: ResolvedOptions;
  readonly clientAddress: string;
  session: RecordedSession | undefined;
  username = '';
  targetLabel = '';

  private readonly connection: Connection;
  private phase: Phase = 'auth';
  private target: TargetConnection | undefined;
  private failure: TaplineError | undefined;
  private failureReason: EndReasonName | undefined;
  private readonly bridges = new Set<ChannelBridge>();
  private clientCipher: string | undefined;
  private clientGone = false;
  private lastTargetError: Error | undefined;
  private startPromise: Promise<void> | undefined;
  private endPromise: Promise<void> | undefined;
  private failureTimer: NodeJS.Timeout | undefined;
  private readonly connectAbort = new AbortController();
  private recordingErrorReported = false;
  private failedAuths = 0;
  private readonly gate: LoginGate;
  private policyContext: PolicySessionContext | undefined;

  constructor(options: ResolvedOptions, connection: Connection, info: ClientInfo, gate: LoginGate) {
    this.options = options;
    this.connection = connection;
    this.gate = gate;
    this.clientAddress = `${info.ip}:${info.port}`;
    (connection as Connection & { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
    connection.on('handshake', (negotiated: NegotiatedAlgorithms) => {
      this.clientCipher = negotiated.cs.cipher;
    });
    connection.on('authentication', (context: AuthContext) => this.onAuthentication(context));
    connection.on('ready', () => this.onReady());
    connection.on('error', (error: Error & { code?: string; level?: string }) => this.onClientError(error));
    connection.on('close', () => this.onClientClose());
  }

  // ChannelScope ---------------------------------------------------------------

  get targetClient(): TargetConnection['client'] | undefined {
    return this.phase === 'live' ? this.target?.client : undefined;
  }

  unavailable(): TaplineError | undefined {
    if (this.phase === 'live') return undefined;
    if (this.failure !== undefined) return this.failure;
    return sshError(SshErrorCode.SHUTDOWN, 'the session is closing');
  }

  addBridge(bridge: ChannelBridge): void {
    this.bridges.add(bridge);
  }

  bridgeDone(bridge: ChannelBridge): void {
    this.bridges.delete(bridge);
  }

  refuse(request: string, message: string, details: Record<string, string> = {}): void {
    const error = sshError(SshErrorCode.REQUEST_REFUSED, message, undefined, { request, ...details });
    this.annotate({ kind: 'refused', code: error.code, message, details: { request, ...details } });
    this.options.emit({ type: 'refused', sessionId: this.session?.sessionId ?? '', request, error });
  }

  /** The action as the policy sees it: this session's protocol and context filled in. */
  #policyAction(session: RecordedSession, action: Omit<PolicyAction, 'protocol' | 'context'>): PolicyAction {
    this.policyContext ??= policyContextOf(session.context);
    return { ...action, protocol: session.context.protocol, context: this.policyContext } as PolicyAction;
  }

  checkPolicy(
    action: Omit<PolicyAction, 'protocol' | 'context'>,
    streamId?: number,
  ): ResolvedPolicyDecision | Promise<ResolvedPolicyDecision> {
    const session = this.session;
    if (session === undefined) return { allow: false, message: 'the session is not available' };
    return this.options.policy.check(this.#policyAction(session, action), session, streamOf(streamId));
  }

  policyUncheckable(
    action: Omit<PolicyAction, 'protocol' | 'context'>,
    reason: string,
    streamId?: number,
  ): ResolvedPolicyDecision {
    const session = this.session;
    if (session === undefined) return { allow: false, message: 'the session is not available' };
    return this.options.policy.uncheckable(
      this.#policyAction(session, action),
      reason,
      session,
      streamOf(streamId),
    );
  }

  channelError(error: TaplineError, streamId?: number): void {
    this.annotate({
      kind: 'error',
      code: error.code,
      message: error.message,
      ...(streamId === undefined || streamId < 0 ? {} : { streamId }),
    });
    this.options.emit({
      type: 'error',
      sessionId: this.session?.sessionId,
      clientAddress: this.clientAddress,
      error,
    });
  }

  recordingError(error: unknown): void {
    if (this.recordingErrorReported) return;
    this.recordingErrorReported = true;
    this.options.emit({
      type: 'error',
      sessionId: this.session?.sessionId,
      clientAddress: this.clientAddress,
      error: error instanceof Error ? error : new Error(String(error)),
    });
  }

  failedChannelClosed(): void {
    if (this.phase === 'failed') void this.finish(this.failureReason ?? 'error');
  }

  // Authentication --------------------------------------------------------------

  private onAuthentication(context: AuthContext): void {
    const methods = this.options.authMethods;
    const rejectWith = (): void => context.reject([...methods] as AuthContext['method'][]);
    if (this.phase !== 'auth') {
      context.reject();
      return;
    }
    if (this.gate.throttled()) {
      // Too many failed logins from this address: no more guesses reach authorize().
      this.gate.refuseThrottled();
      this.hangUp();
      return;
    }
    const method = context.method;
    if (method !== 'password' && method !== 'publickey' && method !== 'keyboard-interactive') {
      rejectWith();
      return;
    }
    if (!methods.includes(method)) {
      rejectWith();
      return;
    }
    this.username = context.username;
    if (context.method === 'password') {
      void this.decide(context, {
        username: context.username,
        method,
        password: context.password,
        clientAddress: this.clientAddress,
      });
      return;
    }
    if (context.method === 'publickey') {
      const publicKey = this.verifyPublicKey(context);
      if (publicKey === 'query') {
        // The client asks whether this key would do; the signature comes next.
        context.accept();
        return;
      }
      if (publicKey === undefined) {
        this.options.emit({
          type: 'auth_failed',
          clientAddress: this.clientAddress,
          username: context.username,
          method,
        });
        this.refuseAuth(context);
        return;
      }
      void this.decide(context, {
        username: context.username,
        method,
        publicKey,
        clientAddress: this.clientAddress,
      });
      return;
    }
    const keyboard = context as KeyboardAuthContext;
    keyboard.prompt(
      [{ prompt: this.options.keyboardInteractivePrompt, echo: false }],
      '',
      '',
      (answers: string[] | Error) => {
        if (!Array.isArray(answers)) return;
        void this.decide(keyboard, {
          username: keyboard.username,
          method: 'keyboard-interactive',
          password: answers[0] ?? '',
          clientAddress: this.clientAddress,
        });
      },
    );
  }

  /**
   * Rejects an authentication attempt; too many failures end the connection,
   * as sshd's MaxAuthTries does, and so does the source address going over
   * its failed-login limit.
   */
  private refuseAuth(context: AuthContext): void {
    this.failedAuths += 1;
    if (this.gate.failedLogin()) {
      this.gate.refuseThrottled();
      this.hangUp();
      return;
    }
    if (this.failedAuths >= this.options.maxAuthTries) {
      this.hangUp();
      return;
    }
    context.reject([...this.options.authMethods] as AuthContext['method'][]);
  }

  /** 'query' for a key offered without signature; the key when its signature verifies; else undefined. */
  private verifyPublicKey(context: PublicKeyAuthContext): SshClientPublicKey | 'query' | undefined {
    const parsed = ssh2.utils.parseKey(context.key.data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key === undefined || key instanceof Error) return undefined;
    if (context.signature === undefined || context.blob === undefined) return 'query';
    // The signature over the session identifier proves the client holds the private key.
    if (key.verify(context.blob, context.signature, context.hashAlgo) !== true) return undefined;
    const data = Buffer.from(context.key.data);
    return {
      algorithm: key.type,
      data,
      fingerprint: fingerprintOf(data),
      openssh: `${key.type} ${data.toString('base64')}`,
    };
  }

  private async decide(context: AuthContext, request: SshAuthRequest): Promise<void> {
    let grant: SshGrant | null | undefined;
    try {
      grant = await this.options.authorize(request);
    } catch (cause) {
      const error = sshError(
        SshErrorCode.AUTHORIZE_FAILED,
        'authorize() failed; the user was refused',
        cause,
      );
      this.options.emit({
        type: 'auth_failed',
        clientAddress: this.clientAddress,
        username: request.username,
        method: request.method,
        error,
      });
      if (!this.clientGone) this.refuseAuth(context);
      return;
    }
    if (this.clientGone || this.phase !== 'auth') return;
    if (grant === null || grant === undefined) {
      this.options.emit({
        type: 'auth_failed',
        clientAddress: this.clientAddress,
        username: request.username,
        method: request.method,
      });
      this.refuseAuth(context);
      return;
    }
    this.gate.loggedIn();
    this.phase = 'starting';
    this.startPromise = this.startSession(grant, request);
    await this.startPromise;
    if (this.clientGone) return;
    // Accept even when the target failed: the user then reads why on the first channel.
    context.accept();
  }

  private async startSession(grant: SshGrant, request: SshAuthRequest): Promise<void> {
    const target = grant.target;
    this.targetLabel = `${target.host}:${target.port ?? 22}`;
    const context: SessionContext = {
      ...grant.context,
      protocol: grant.context.protocol ?? 'ssh',
      clientAddress: grant.context.clientAddress ?? this.clientAddress,
      target: grant.context.target ?? this.targetLabel,
    };
    let session: RecordedSession;
    try {
      session = await this.options.recorder.start(context);
    } catch (cause) {
      // The code names the real cause (an invalid grant, a full spool, ...);
      // TAPLINE_ERR_SSH_RECORDING_UNAVAILABLE only when the recorder gave none.
      const message = 'the session cannot be recorded, so it was refused';
      this.fail(
        isTaplineError(cause)
          ? new TaplineError(cause.code, `${message}: ${cause.message}`, {
              component: 'ssh',
              cause,
              ...(cause.details ? { details: cause.details } : {}),
            })
          : sshError(SshErrorCode.RECORDING_UNAVAILABLE, message, cause),
        'error',
      );
      return;
    }
    this.session = session;
    const details: Record<string, string> = { method: request.method, username: request.username };
    if (request.publicKey !== undefined) details.publicKeyFingerprint = request.publicKey.fingerprint;
    if (this.clientCipher !== undefined) details.clientCipher = this.clientCipher;
    this.annotate({
      kind: 'auth',
      message: `the user authenticated to the proxy with ${request.method}`,
      details,
    });
    session.signal.addEventListener('abort', () => this.onAbort(), { once: true });
    if (this.clientGone) return;

    try {
      this.target = await connectTarget(target, {
        timeoutMs: this.options.targetConnectTimeoutMs,
        keepaliveIntervalMs: this.options.targetKeepaliveIntervalMs,
        signal: this.connectAbort.signal,
        ...(this.options.targetAlgorithms === undefined ? {} : { algorithms: this.options.targetAlgorithms }),
      });
    } catch (cause) {
      const error = isTaplineError(cause)
        ? cause
        : sshError(
            SshErrorCode.TARGET_HANDSHAKE_FAILED,
            `the connection to the target ${this.targetLabel} failed`,
            cause,
          );
      if (!this.clientGone) this.fail(error, 'error');
      return;
    }
    const client = this.target.client;
    client.on('error', (error: Error) => {
      this.lastTargetError = error;
    });
    client.on('end', () => this.onTargetGone());
    client.on('tcp connection', (info, accept, reject) => this.onForwardedConnection(info, accept, reject));
    client.on('close', () => this.onTargetGone());
    if (this.clientGone || this.phase !== 'starting') {
      client.end();
      return;
    }
    this.phase = 'live';
    this.annotate({
      kind: 'note',
      message: `connected to the target ${this.targetLabel}`,
      details: {
        targetHostKey: this.target.hostKeyFingerprint,
        ...(this.target.cipher === undefined ? {} : { targetCipher: this.target.cipher }),
      },
    });
    this.options.emit({
      type: 'session_started',
      sessionId: session.sessionId,
      username: request.username,
      clientAddress: this.clientAddress,
      target: this.targetLabel,
      ...(this.clientCipher === undefined ? {} : { clientCipher: this.clientCipher }),
      ...(this.target.cipher === undefined ? {} : { targetCipher: this.target.cipher }),
    });
    if (session.signal.aborted) this.onAbort();
  }

  /** The session cannot proceed: the user is told on the first channel, then disconnected. */
  private fail(error: TaplineError, reason: EndReasonName): void {
    this.failure = error;
    this.failureReason = reason;
    if (this.phase !== 'ending') this.phase = 'failed';
    this.annotate({ kind: 'error', code: error.code, message: error.message });
    this.options.emit({
      type: 'session_failed',
      ...(this.session === undefined ? {} : { sessionId: this.session.sessionId }),
      clientAddress: this.clientAddress,
      error,
    });
  }

  // Channels ---------------------------------------------------------------------

  private onReady(): void {
    const connection = this.connection;
    connection.on('session', (accept: () => Session, _reject: () => void) => {
      attachSessionChannel(this, accept());
    });
    connection.on('tcpip', (accept: () => ServerChannel, reject: () => void, info: TcpipRequestInfo) => {
      void this.onDirectTcpip(accept, reject, info);
    });
    connection.on(
      'request',
      (
        accept: ((port?: number) => void) | undefined,
        reject: (() => void) | undefined,
        name: string,
        info: { bindAddr?: string; bindPort?: number; socketPath?: string },
      ) => {
        if (name === 'tcpip-forward' || name === 'cancel-tcpip-forward') {
          void this.onRemoteForward(name, accept, reject, info?.bindAddr ?? '', info?.bindPort ?? 0);
          return;
        }
        if (!name.startsWith('cancel-')) {
          const where = info?.socketPath ?? '';
          this.refuse(
            name,
            `${name} is not supported by the proxy`,
            where === '' ? {} : { socketPath: where },
          );
        }
        reject?.();
      },
    );
    connection.on(
      'openssh.streamlocal',
      (_accept: unknown, reject: () => void, info: { socketPath?: string }) => {
        this.refuse(
          'direct-streamlocal@openssh.com',
          'forwarding to a Unix socket is not supported by the proxy',
          {
            socketPath: info?.socketPath ?? '',
          },
        );
        reject();
      },
    );
    if (this.phase === 'failed') {
      this.failureTimer = setTimeout(
        () => void this.finish(this.failureReason ?? 'error'),
        this.options.failedSessionGraceMs,
      );
      this.failureTimer.unref();
    }
  }

  private async onDirectTcpip(
    accept: () => ServerChannel,
    reject: () => void,
    info: TcpipRequestInfo,
  ): Promise<void> {
    const session = this.session;
    const target = this.targetClient;
    if (session === undefined || target === undefined) {
      reject();
      return;
    }
    const destination = `${info.destIP}:${info.destPort}`;
    const details = {
      direction: 'local',
      destinationHost: info.destIP,
      destinationPort: String(info.destPort),
      originAddress: info.srcIP,
      originPort: String(info.srcPort),
    };
    const policy = this.options.localForwarding;
    let allowed = false;
    try {
      allowed =
        typeof policy === 'function'
          ? await policy({
              destinationHost: info.destIP,
              destinationPort: info.destPort,
              originAddress: info.srcIP,
              originPort: info.srcPort,
              session,
            })
          : policy;
    } catch (error) {
      this.options.emit({
        type: 'error',
        sessionId: session.sessionId,
        clientAddress: this.clientAddress,
        error: error as Error,
      });
      allowed = false;
    }
    if (!allowed) {
      this.refuse('direct-tcpip', `local forwarding to ${destination} is not allowed`, details);
      reject();
      return;
    }
    if (this.options.policy.enabled) {
      const pending = this.checkPolicy({ type: 'forward', host: info.destIP, port: info.destPort });
      const decision = pending instanceof Promise ? await pending : pending;
      if (!decision.allow) {
        this.options.emit({
          type: 'refused',
          sessionId: session.sessionId,
          request: 'direct-tcpip',
          error: sshError(SshErrorCode.POLICY_DENIED, decision.message, undefined, details),
        });
        reject();
        return;
      }
    }
    if (this.phase !== 'live') {
      reject();
      return;
    }
    try {
      target.forwardOut(
        info.srcIP,
        info.srcPort,
        info.destIP,
        info.destPort,
        (error, targetChannel: ClientChannel) => {
          if (error !== undefined || targetChannel === undefined) {
            this.channelError(
              sshError(
                SshErrorCode.CHANNEL_REFUSED,
                `the target could not open the forward to ${destination}${error ? ` (${error.message})` : ''}`,
                error,
                details,
              ),
            );
            reject();
            return;
          }
          if (this.phase !== 'live') {
            targetChannel.on('error', () => {});
            targetChannel.close();
            reject();
            return;
          }
          this.startForwardBridge(session, accept(), targetChannel, details);
        },
      );
    } catch (error) {
      this.channelError(
        sshError(SshErrorCode.CHANNEL_REFUSED, `cannot open the forward to ${destination}`, error, details),
      );
      reject();
    }
  }

  private async onRemoteForward(
    name: string,
    accept: ((port?: number) => void) | undefined,
    reject: (() => void) | undefined,
    bindAddress: string,
    bindPort: number,
  ): Promise<void> {
    const session = this.session;
    const target = this.targetClient;
    if (session === undefined || target === undefined) {
      reject?.();
      return;
    }
    const bind = `${bindAddress}:${bindPort}`;
    if (name === 'cancel-tcpip-forward') {
      try {
        target.unforwardIn(bindAddress, bindPort, (error) => (error ? reject?.() : accept?.()));
      } catch {
        reject?.();
      }
      return;
    }
    const policy = this.options.remoteForwarding;
    let allowed = false;
    try {
      allowed = typeof policy === 'function' ? await policy({ bindAddress, bindPort, session }) : policy;
    } catch (error) {
      this.options.emit({
        type: 'error',
        sessionId: session.sessionId,
        clientAddress: this.clientAddress,
        error: error as Error,
      });
    }
    if (!allowed || this.phase !== 'live') {
      this.refuse('tcpip-forward', `remote port forwarding (ssh -R ${bind}) is not allowed by the proxy`, {
        bind,
      });
      reject?.();
      return;
    }
    try {
      target.forwardIn(bindAddress, bindPort, (error, port) => {
        if (error !== undefined) {
          this.channelError(
            sshError(
              SshErrorCode.CHANNEL_REFUSED,
              `the target could not listen on ${bind} (${error.message})`,
              error,
              { bind },
            ),
          );
          reject?.();
          return;
        }
        this.annotate({
          kind: 'note',
          message: `remote forward: the target listens on ${bindAddress}:${port}`,
          details: { bindAddress, bindPort: String(port) },
        });
        accept?.(port);
      });
    } catch (error) {
      this.channelError(
        sshError(SshErrorCode.CHANNEL_REFUSED, `cannot ask the target to listen on ${bind}`, error),
      );
      reject?.();
    }
  }

  /** The target accepted a connection on a remote forward: relay it to the user as forwarded-tcpip. */
  private onForwardedConnection(
    info: { destIP: string; destPort: number; srcIP: string; srcPort: number },
    accept: () => ClientChannel,
    reject: () => void,
  ): void {
    const session = this.session;
    if (session === undefined || this.phase !== 'live') {
      reject();
      return;
    }
    const details = {
      direction: 'remote',
      bindAddress: info.destIP,
      bindPort: String(info.destPort),
      originAddress: info.srcIP,
      originPort: String(info.srcPort),
    };
    this.connection.forwardOut(
      info.destIP,
      info.destPort,
      info.srcIP,
      info.srcPort,
      (error, clientChannel) => {
        if (error !== undefined || this.phase !== 'live') {
          if (error !== undefined) {
            this.channelError(
              sshError(
                SshErrorCode.CHANNEL_REFUSED,
                `the client refused the forwarded connection (${error.message})`,
                error,
                details,
              ),
            );
          } else {
            clientChannel.on('error', () => {});
            clientChannel.close();
          }
          reject();
          return;
        }
        this.startForwardBridge(session, clientChannel, accept(), details);
      },
    );
  }

  private startForwardBridge(
    session: RecordedSession,
    clientChannel: ServerChannel,
    targetChannel: ClientChannel,
    details: Record<string, string>,
  ): void {
    let streamId = -1;
    try {
      streamId = session.openStream('ssh_forward', {
        details,
        contentRecorded: this.options.recordForwardContent,
      });
    } catch (recordError) {
      this.recordingError(recordError);
    }
    const bridge = new ChannelBridge({
      session,
      streamId,
      client: clientChannel,
      target: targetChannel,
      forwardExit: false,
      terminal: false,
      notifyUser: false,
      onRecordingError: (recordError) => this.recordingError(recordError),
      onDone: (done) => this.bridgeDone(done),
    });
    this.addBridge(bridge);
    bridge.start();
  }

  // Ending ------------------------------------------------------------------------

  private onAbort(): void {
    const session = this.session;
    if (session === undefined || this.phase === 'starting' || this.phase === 'auth') return;
    const reason = session.signal.reason as
      | { endReason?: unknown; details?: { endReason?: unknown } }
      | undefined;
    const candidate = reason?.endReason ?? reason?.details?.endReason;
    const endReason = (
      typeof candidate === 'string' && END_REASONS.has(candidate) ? candidate : 'error'
    ) as EndReasonName;
    const message = ABORT_MESSAGES[endReason] ?? 'the session was ended by the access policy';
    void this.finish(endReason, sshError(SshErrorCode.SESSION_ABORTED, message, reason, { endReason }));
  }

  private onTargetGone(): void {
    if (this.phase !== 'live') return;
    const cause = this.lastTargetError as (Error & { code?: string }) | undefined;
    const why = cause === undefined ? '' : ` (${cause.code ?? cause.message})`;
    void this.finish(
      'target_closed',
      sshError(
        SshErrorCode.TARGET_CLOSED,
        `the target ${this.targetLabel} closed the connection${why}`,
        cause,
      ),
    );
  }

  private onClientError(error: Error & { code?: string; level?: string }): void {
    if (isHangupError(error) || this.phase === 'ending') return;
    if (this.session !== undefined) {
      this.annotate({
        kind: 'error',
        code: SshErrorCode.CLIENT_ERROR,
        message: `client connection: ${error.message}`,
      });
    }
  }

  private onClientClose(): void {
    this.clientGone = true;
    this.connectAbort.abort();
    void this.finish(this.phase === 'failed' ? (this.failureReason ?? 'error') : 'client_closed');
  }

  /** Ends the session once: tells the user (when `error` says why), closes both legs, ends the recording. */
  finish(reason: EndReasonName, error?: TaplineError): Promise<void> {
    if (this.endPromise !== undefined) return this.endPromise;
    this.phase = 'ending';
    clearTimeout(this.failureTimer);
    this.connectAbort.abort();
    // Synchronously, before ssh2 tears down the channels of a dead target
    // connection: each bridge now ends with the message instead of as usual.
    let annotated = false;
    if (error !== undefined && this.session !== undefined) {
      this.annotate({ kind: 'error', code: error.code, message: error.message });
      annotated = true;
    }
    const notice = reason === 'client_closed' ? undefined : error?.message;
    const told = this.clientGone
      ? []
      : [...this.bridges].map((bridge) => bridge.terminate(notice, this.options.notifyGraceMs));
    this.endPromise = (async () => {
      if (this.startPromise !== undefined) await this.startPromise;
      if (error !== undefined && !annotated)
        this.annotate({ kind: 'error', code: error.code, message: error.message });
      await Promise.all(told);
      for (const bridge of [...this.bridges]) bridge.destroy('the connection closed');
      // Analyzers may still be recording their last events for streams that closed.
      await Promise.all([...this.bridges].map((bridge) => bridge.completed));
      try {
        this.target?.client.end();
      } catch {}
      if (!this.clientGone) {
        try {
          this.connection.end();
        } catch {}
      }
      const session = this.session;
      if (session === undefined) return;
      try {
        const summary = await session.end(reason, error?.message ?? this.failure?.message);
        this.options.emit({ type: 'session_ended', sessionId: session.sessionId, reason, summary });
      } catch (endError) {
        this.options.emit({
          type: 'error',
          sessionId: session.sessionId,
          clientAddress: this.clientAddress,
          error: endError as Error,
        });
        this.options.emit({ type: 'session_ended', sessionId: session.sessionId, reason });
      }
    })();
    return this.endPromise;
  }

  /** Ends a connection that has not authenticated yet (proxy shutdown). */
  hangUp(): void {
    if (this.phase === 'auth') {
      try {
        this.connection.end();
      } catch {}
    }
  }

  hasSession(): boolean {
    return this.session !== undefined || this.startPromise !== undefined;
  }

  info(): SshSessionInfo | undefined {
    const session = this.session;
    if (session === undefined || this.phase !== 'live') return undefined;
    let bytesClientToTarget = 0;
    let bytesTargetToClient = 0;
    let bufferedBytes = 0;
    for (const bridge of this.bridges) {
      bytesClientToTarget += bridge.bytesClientToTarget;
      bytesTargetToClient += bridge.bytesTargetToClient;
      bufferedBytes += bridge.bufferedBytes();
    }
    return {
      sessionId: session.sessionId,
      username: this.username,
      clientAddress: this.clientAddress,
      target: this.targetLabel,
      channels: this.bridges.size,
      bytesClientToTarget,
      bytesTargetToClient,
      bufferedBytes,
    };
  }

  private annotate(event: Parameters<RecordedSession['annotation']>[0]): void {
    const session = this.session;
    if (session === undefined) return;
    try {
      session.annotation(event);
    } catch (error) {
      this.recordingError(error);
    }
  }
}

export type { SshAuthMethod };
