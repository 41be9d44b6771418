// One SSH "session" channel: collects pty-req and env until the client asks
// for a shell, exec or subsystem, then opens the same on the target and hands
// both channels to a ChannelBridge.
import type {
  RecordedSession,
  ResolvedPolicyDecision,
  StreamKindName,
  StreamOpenOptions,
} from '@tapline/core';
import { isTaplineError, type TaplineError } from '@tapline/frames';
import type { ClientChannel, PseudoTtyOptions, ServerChannel, Session } from 'ssh2';
import { type BridgeInputGate, type BridgeInputGateIo, type BridgeTap, ChannelBridge } from './bridge.js';
import { SshErrorCode, type SshErrorCodeName, sshError } from './errors.js';
import type { PtyRequest } from './pty-request.js';
import type { ChannelScope } from './scope.js';
import { SftpPolicyGate } from './sftp-gate.js';
import { ShellLineGate } from './shell-gate.js';
import type { SftpAnalyzer, TerminalAnalyzer } from './types.js';

type Accept = (() => void) | undefined;
type Reject = (() => void) | undefined;
type StartKind = 'shell' | 'exec' | 'subsystem';

const noop = (): void => {};

function toPtyRequest(info: unknown): PtyRequest | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const candidate = info as Partial<PtyRequest>;
  if (typeof candidate.cols !== 'number' || typeof candidate.rows !== 'number') return undefined;
  return {
    term: typeof candidate.term === 'string' && candidate.term !== '' ? candidate.term : 'vt100',
    cols: candidate.cols,
    rows: candidate.rows,
    width: typeof candidate.width === 'number' ? candidate.width : 0,
    height: typeof candidate.height === 'number' ? candidate.height : 0,
    modes: typeof candidate.modes === 'object' && candidate.modes !== null ? candidate.modes : {},
    rawModes: Buffer.isBuffer(candidate.rawModes) ? candidate.rawModes : Buffer.alloc(0),
  };
}

function ptyOptions(pty: PtyRequest): PseudoTtyOptions {
  const options: PseudoTtyOptions = {
    rows: pty.rows,
    cols: pty.cols,
    width: pty.width,
    height: pty.height,
    term: pty.term,
  };
  // ssh2 forwards a Buffer of encoded modes byte for byte.
  if (pty.rawModes.length > 0) options.modes = pty.rawModes as unknown as PseudoTtyOptions['modes'];
  return options;
}

/** Tells the user why the channel cannot run, then exits 255 like ssh does on a connection error. */
export function failChannel(
  scope: ChannelScope,
  channel: ServerChannel,
  message: string,
  terminal: boolean,
): void {
  channel.on('error', noop);
  channel.stderr.on('error', noop);
  channel.once('close', () => scope.failedChannelClosed());
  const text = terminal ? `\r\ntapline: ${message}\r\n` : `tapline: ${message}\n`;
  channel.stderr.write(text, () => {
    try {
      channel.exit(255);
    } catch {}
    channel.end();
  });
}

/** The exit status of a command (or subsystem) the policy denied: "cannot execute", as shells use it. */
export const POLICY_DENIED_EXIT_STATUS = 126;

/** Tells the user the policy denied the request, then exits POLICY_DENIED_EXIT_STATUS. */
function denyChannel(scope: ChannelScope, channel: ServerChannel, message: string, terminal: boolean): void {
  channel.on('error', noop);
  channel.stderr.on('error', noop);
  channel.once('close', () => scope.failedChannelClosed());
  const text = terminal
    ? `\r\ntapline: denied by policy: ${message}\r\n`
    : `tapline: denied by policy: ${message}\n`;
  channel.stderr.write(text, () => {
    try {
      channel.exit(POLICY_DENIED_EXIT_STATUS);
    } catch {}
    channel.end();
  });
}

/** Wraps an analyzer so that a throw (or a rejected end) switches it off instead of breaking the relay. */
function guarded(scope: ChannelScope, streamId: number, name: string): (fn: () => unknown) => unknown {
  let failed = false;
  const fail = (error: unknown): void => {
    if (failed) return;
    failed = true;
    scope.channelError(
      sshError(
        isTaplineError(error) ? (error.code as SshErrorCodeName) : SshErrorCode.ANALYZER_FAILED,
        `the ${name} analyzer failed and was switched off: ${(error as Error)?.message ?? String(error)}`,
        error,
      ),
      streamId,
    );
  };
  return (fn) => {
    if (failed) return undefined;
    try {
      const result = fn();
      if (result instanceof Promise) return result.catch(fail);
      return result;
    } catch (error) {
      fail(error);
      return undefined;
    }
  };
}

/** A terminal channel's tap also reads the line being typed (for the shell line gate). */
type ChannelTap = BridgeTap & { pendingLine?: TerminalAnalyzer['pendingLine'] };

function buildTap(
  scope: ChannelScope,
  session: RecordedSession,
  streamId: number,
  kind: StreamKindName,
  pty: PtyRequest | undefined,
  command: string | undefined,
): ChannelTap | undefined {
  const { terminalAnalyzer, sftpAnalyzer } = scope.options;
  if (kind === 'ssh_sftp' && sftpAnalyzer !== undefined) {
    const run = guarded(scope, streamId, 'sftp');
    const analyzer = run(() => sftpAnalyzer({ session, streamId })) as SftpAnalyzer | undefined;
    if (analyzer === undefined) return undefined;
    return {
      clientToTarget: (chunk) => void run(() => analyzer.clientToServer(chunk)),
      targetToClient: (chunk) => void run(() => analyzer.serverToClient(chunk)),
      end: () => run(() => analyzer.end()),
    };
  }
  if ((kind === 'ssh_shell' || kind === 'ssh_exec') && pty !== undefined && terminalAnalyzer !== undefined) {
    const run = guarded(scope, streamId, 'terminal');
    const analyzer = run(() =>
      terminalAnalyzer({
        session,
        streamId,
        kind,
        term: pty.term,
        cols: pty.cols,
        rows: pty.rows,
        ...(command === undefined ? {} : { command }),
      }),
    ) as TerminalAnalyzer | undefined;
    if (analyzer === undefined) return undefined;
    return {
      clientToTarget: (chunk) => void run(() => analyzer.input(chunk, session.now())),
      targetToClient: (chunk) => void run(() => analyzer.output(chunk, session.now())),
      resize: (cols, rows) => void run(() => analyzer.resize(cols, rows, session.now())),
      end: () => run(() => analyzer.end(session.now())),
      ...(typeof analyzer.pendingLine === 'function' ? { pendingLine: () => analyzer.pendingLine!() } : {}),
    };
  }
  return undefined;
}

/** The policy gate of an interactive terminal's lines: each Enter waits for the policy's word on its line. */
function shellLineGate(
  scope: ChannelScope,
  session: RecordedSession,
  streamId: number,
  tap: ChannelTap | undefined,
): ((io: BridgeInputGateIo) => BridgeInputGate) | undefined {
  const pendingLine = tap?.pendingLine;
  if (!scope.options.policy.enabled || pendingLine === undefined) return undefined;
  return (io) =>
    new ShellLineGate({
      pendingLine,
      readWaitMs: scope.options.policy.timeoutMs,
      check: (action) => scope.checkPolicy(action, streamId),
      uncheckable: (action, reason) => scope.policyUncheckable(action, reason, streamId),
      onDenied: (command, decision) =>
        scope.options.emit({
          type: 'refused',
          sessionId: session.sessionId,
          request: 'shell line',
          error: sshError(SshErrorCode.POLICY_DENIED, decision.message, undefined, { command }),
        }),
      io,
    });
}

/** Serves one client "session" channel. */
export function attachSessionChannel(scope: ChannelScope, channel: Session): void {
  let pty: PtyRequest | undefined;
  const env: Record<string, string> = {};
  let started = false;
  let bridge: ChannelBridge | undefined;
  let tap: ChannelTap | undefined;
  let streamId = -1;
  let pendingSize: { cols: number; rows: number; width: number; height: number } | undefined;

  channel.on('pty', (accept: Accept, reject: Reject, info: unknown) => {
    const request = started ? undefined : toPtyRequest(info);
    if (request === undefined) {
      reject?.();
      return;
    }
    pty = request;
    accept?.();
  });
  channel.on('env', (accept: Accept, reject: Reject, info: { key?: unknown; val?: unknown } | undefined) => {
    if (started || typeof info?.key !== 'string') {
      reject?.();
      return;
    }
    env[info.key] = String(info.val ?? '');
    // The target's sshd applies its own AcceptEnv; the proxy passes every variable on.
    accept?.();
  });
  channel.on(
    'window-change',
    (
      accept: Accept,
      reject: Reject,
      info: { cols: number; rows: number; width: number; height: number } | undefined,
    ) => {
      if (info === undefined) {
        reject?.();
        return;
      }
      if (pty !== undefined) {
        pty.cols = info.cols;
        pty.rows = info.rows;
      }
      if (bridge !== undefined) {
        bridge.resize(info.cols, info.rows, info.width, info.height);
        try {
          scope.session?.resize(streamId, info.cols, info.rows);
        } catch (error) {
          scope.recordingError(error);
        }
        tap?.resize?.(info.cols, info.rows);
      } else {
        pendingSize = info;
      }
      accept?.();
    },
  );
  channel.on('signal', (accept: Accept, reject: Reject, info: { name?: string } | undefined) => {
    if (bridge === undefined || typeof info?.name !== 'string') {
      reject?.();
      return;
    }
    bridge.signal(info.name);
    accept?.();
  });
  channel.on('x11', (_accept: Accept, reject: Reject) => {
    scope.refuse('x11-req', 'X11 forwarding is not supported by the proxy');
    reject?.();
  });
  channel.on('auth-agent', (_accept: Accept, reject: Reject) => {
    scope.refuse('auth-agent-req@openssh.com', 'agent forwarding is not supported by the proxy');
    reject?.();
  });
  channel.on('shell', (accept: () => ServerChannel | undefined) => start(accept, 'shell', ''));
  channel.on('exec', (accept: () => ServerChannel | undefined, _reject: Reject, info: { command: string }) =>
    start(accept, 'exec', info.command),
  );
  // No 'sftp' listener on purpose: ssh2 then hands the sftp subsystem over as a raw channel.
  channel.on(
    'subsystem',
    (accept: () => ServerChannel | undefined, _reject: Reject, info: { name: string }) =>
      start(accept, 'subsystem', info.name),
  );

  function start(accept: () => ServerChannel | undefined, kind: StartKind, argument: string): void {
    if (started) return;
    started = true;
    // Accept at once: ssh2 refuses a late accept() once the client sent EOF,
    // and OpenSSH sends stdin (and its EOF) right behind the request.
    const clientChannel = accept();
    if (clientChannel === undefined) return;
    clientChannel.on('error', noop);
    let clientClosedEarly = false;
    const onEarlyClose = (): void => {
      clientClosedEarly = true;
    };
    clientChannel.once('close', onEarlyClose);

    const unavailable = scope.unavailable();
    const session = scope.session;
    const target = scope.targetClient;
    if (unavailable !== undefined || session === undefined || target === undefined) {
      failChannel(
        scope,
        clientChannel,
        unavailable?.message ?? 'the session is not available',
        pty !== undefined,
      );
      return;
    }

    const streamKind: StreamKindName =
      kind === 'shell'
        ? 'ssh_shell'
        : kind === 'exec'
          ? 'ssh_exec'
          : argument === 'sftp'
            ? 'ssh_sftp'
            : 'ssh_subsystem';
    const details: Record<string, string> = {};
    if (kind === 'exec') details.command = argument;
    if (kind === 'subsystem') details.subsystem = argument;
    if (pty !== undefined) details.term = pty.term;
    for (const [key, value] of Object.entries(env)) details[`env.${key}`] = value;
    const openOptions: StreamOpenOptions = { details };
    if (pty !== undefined) {
      openOptions.cols = pty.cols;
      openOptions.rows = pty.rows;
    }
    if (streamKind === 'ssh_sftp') openOptions.contentRecorded = scope.options.recordSftpContent;
    try {
      streamId = session.openStream(streamKind, openOptions);
      if (kind === 'exec') {
        session.command({ streamId, text: argument, source: 'exec', startedOffsetNs: session.now() });
      }
    } catch (error) {
      scope.recordingError(error);
    }

    const onTargetChannel = (error: Error | undefined, targetChannel: ClientChannel | undefined): void => {
      clientChannel.removeListener('close', onEarlyClose);
      if (error !== undefined || targetChannel === undefined) {
        const what = kind === 'subsystem' ? `"${argument}" subsystem` : kind;
        const refused: TaplineError = sshError(
          SshErrorCode.CHANNEL_REFUSED,
          `the target refused the ${what} request${error ? ` (${error.message})` : ''}`,
          error,
        );
        scope.channelError(refused, streamId);
        try {
          session.closeStream(streamId, { detail: refused.message });
        } catch (recordError) {
          scope.recordingError(recordError);
        }
        if (!clientClosedEarly) failChannel(scope, clientChannel, refused.message, pty !== undefined);
        return;
      }
      tap = buildTap(scope, session, streamId, streamKind, pty, kind === 'exec' ? argument : undefined);
      const interceptor =
        streamKind === 'ssh_sftp' && scope.options.policy.enabled
          ? new SftpPolicyGate(
              (action) => {
                const told = (decision: ResolvedPolicyDecision): ResolvedPolicyDecision => {
                  if (!decision.allow) {
                    scope.options.emit({
                      type: 'refused',
                      sessionId: session.sessionId,
                      request: `sftp ${action.operation ?? ''}`.trim(),
                      error: sshError(SshErrorCode.POLICY_DENIED, decision.message, undefined, {
                        path: action.path ?? '',
                      }),
                    });
                  }
                  return decision;
                };
                const pending = scope.checkPolicy(action, streamId);
                return pending instanceof Promise ? pending.then(told) : told(pending);
              },
              {
                toTarget: (chunk) => {
                  if (!targetChannel.write(chunk)) clientChannel.pause();
                },
                toClient: (chunk) => {
                  if (!clientChannel.write(chunk)) targetChannel.pause();
                },
                pauseClient: () => clientChannel.pause(),
                resumeClient: () => clientChannel.resume(),
              },
            )
          : undefined;
      const inputGate = pty === undefined ? undefined : shellLineGate(scope, session, streamId, tap);
      const created = new ChannelBridge({
        session,
        streamId,
        client: clientChannel,
        target: targetChannel,
        forwardExit: true,
        terminal: pty !== undefined,
        notifyUser: true,
        ...(tap === undefined ? {} : { tap }),
        ...(interceptor === undefined ? {} : { interceptor }),
        ...(inputGate === undefined ? {} : { inputGate }),
        onRecordingError: (recordError) => scope.recordingError(recordError),
        onDone: (done) => scope.bridgeDone(done),
      });
      bridge = created;
      scope.addBridge(created);
      created.start();
      if (clientClosedEarly) {
        created.destroy('the client closed the channel before the target opened it');
        return;
      }
      if (pendingSize !== undefined) {
        created.resize(pendingSize.cols, pendingSize.rows, pendingSize.width, pendingSize.height);
        try {
          session.resize(streamId, pendingSize.cols, pendingSize.rows);
        } catch (recordError) {
          scope.recordingError(recordError);
        }
        tap?.resize?.(pendingSize.cols, pendingSize.rows);
      }
    };

    const open = (): void => {
      try {
        if (kind === 'shell') {
          target.shell(pty === undefined ? false : ptyOptions(pty), { env }, onTargetChannel);
        } else if (kind === 'exec') {
          target.exec(argument, pty === undefined ? { env } : { env, pty: ptyOptions(pty) }, onTargetChannel);
        } else {
          target.subsys(argument, onTargetChannel);
        }
      } catch (error) {
        onTargetChannel(error as Error, undefined);
      }
    };
    if (kind === 'shell' || !scope.options.policy.enabled) {
      open();
      return;
    }
    const pending = scope.checkPolicy(
      kind === 'exec' ? { type: 'exec', command: argument } : { type: 'subsystem', subsystem: argument },
      streamId,
    );
    const decided = (decision: { allow: boolean; message: string }): void => {
      if (decision.allow) {
        open();
        return;
      }
      clientChannel.removeListener('close', onEarlyClose);
      scope.options.emit({
        type: 'refused',
        sessionId: session.sessionId,
        request: kind,
        error: sshError(SshErrorCode.POLICY_DENIED, decision.message, undefined, {
          [kind === 'exec' ? 'command' : 'subsystem']: argument,
        }),
      });
      try {
        session.closeStream(streamId, { detail: `denied by policy: ${decision.message}` });
      } catch (recordError) {
        scope.recordingError(recordError);
      }
      if (!clientClosedEarly) denyChannel(scope, clientChannel, decision.message, pty !== undefined);
    };
    if (pending instanceof Promise) void pending.then(decided);
    else decided(pending);
  }
}
