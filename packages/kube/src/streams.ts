// Relays an upgraded WebSocket between the client and the API server byte for
// byte, and feeds a copy of each direction to the parsers: exec/attach
// channels, port-forward (SPDY tunnel or channels), or byte counts only.
import type { Socket } from 'node:net';
import type { CommandEvent, Direction, RecordedSession } from '@tapline/core';
import { isTaplineError, type TaplineError } from '@tapline/frames';
import {
  encodeChannelMessage,
  PortForwardDecoder,
  RemoteCommandDecoder,
  type RemoteCommandMessage,
  remoteCommandProtocols,
} from './channel.js';
import { KubeErrorCode, kubeError } from './errors.js';
import type { LiveSession, TerminalCommandExtractor, TerminalCommandExtractorFactory } from './proxy.js';
import type { KubeRequestInfo } from './request-info.js';
import { type SpdyFrame, SpdyParser } from './spdy.js';
import {
  closePayload,
  serializeFrame,
  type WebSocketFrame,
  WebSocketOpcode,
  WebSocketParser,
} from './websocket.js';

export interface RelayOptions {
  session: LiveSession;
  info: KubeRequestInfo;
  query: URLSearchParams;
  /** The subprotocol the API server chose. */
  protocol: string;
  client: Socket;
  clientHead: Buffer;
  upstream: Socket;
  upstreamHead: Buffer;
  maxFramePayload: number | undefined;
  recordForwardContent: boolean;
  commandExtractor: TerminalCommandExtractorFactory | undefined;
  track: (close: (error: TaplineError) => void) => () => void;
  onError: (error: TaplineError) => void;
}

/** What watches one upgraded connection's frames. */
interface Inspector {
  frame(direction: Direction, frame: WebSocketFrame): void;
  /** Stream ids opened, for error annotations. */
  readonly streamId: number | undefined;
  finish(detail: string | undefined): void;
  /** A message for the user's terminal, as the payload of one frame to the client, when the stream has a place to show it. */
  notice?(text: string): Buffer | undefined;
}

export function relayWebSocket(options: RelayOptions): void {
  const { client, upstream, session } = options;
  const recorded = session.recorded;
  const inspector = createInspector(options);
  const fromClient = new WebSocketParser({
    from: 'client',
    maxFramePayload: options.maxFramePayload,
  });
  const fromUpstream = new WebSocketParser({
    from: 'server',
    maxFramePayload: options.maxFramePayload,
  });
  // Whether each receiver has only whole frames so far, so a close frame may be injected.
  let clientAtBoundary = true;
  let upstreamAtBoundary = true;
  let failed = false;
  let finished = false;
  let failureDetail: string | undefined;
  let socketsClosed = 0;

  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.setTimeout(0);

  const finish = (): void => {
    if (finished) return;
    finished = true;
    release();
    if (!session.finalized) inspector.finish(failureDetail);
  };

  const stop = (error: TaplineError, closeCode: number, tell = false): void => {
    if (failed) return;
    failed = true;
    failureDetail = error.code;
    if (!session.finalized) {
      recorded.annotation({
        kind: 'error',
        streamId: inspector.streamId,
        code: error.code,
        message: error.message,
      });
    }
    if (clientAtBoundary && !client.destroyed) {
      // The session was ended (shutdown, revoke, expiry): say why where the user reads output.
      const notice = tell ? inspector.notice?.(`tapline: ${error.message}`) : undefined;
      if (notice !== undefined)
        client.write(serializeFrame({ opcode: WebSocketOpcode.binary, payload: notice }));
      client.end(
        serializeFrame({
          opcode: WebSocketOpcode.close,
          payload: closePayload(closeCode, `tapline: ${error.code}`),
        }),
      );
      client.destroySoon();
    } else client.destroy();
    if (upstreamAtBoundary && !upstream.destroyed) {
      upstream.end(
        serializeFrame({
          opcode: WebSocketOpcode.close,
          payload: closePayload(1001, 'proxy closed the stream'),
          mask: true,
        }),
      );
      upstream.destroySoon();
    } else upstream.destroy();
    finish();
  };

  // 1001 "going away" when the proxy shuts down; 1008 when the session was ended by policy (revoke, expiry).
  const release = options.track((error) =>
    stop(error, error.details?.reason === 'shutdown' ? 1001 : 1008, true),
  );

  const pump = (
    source: Socket,
    target: Socket,
    parser: WebSocketParser,
    direction: Direction,
    head: Buffer,
  ): void => {
    const onChunk = (chunk: Buffer): void => {
      if (failed) return;
      try {
        parser.parse(chunk, (frame) => inspector.frame(direction, frame));
      } catch (error) {
        const coded = asTaplineError(error);
        options.onError(coded);
        const tooBig =
          coded.code === KubeErrorCode.WS_FRAME_TOO_LARGE || coded.code === KubeErrorCode.SPDY_HEADER_LIMIT;
        stop(coded, tooBig ? 1009 : 1002);
        return;
      }
      if (direction === 'client_to_target') upstreamAtBoundary = parser.pendingBytes === 0;
      else clientAtBoundary = parser.pendingBytes === 0;
      if (!target.write(chunk)) source.pause();
    };
    if (head.byteLength > 0) onChunk(head);
    source.on('data', onChunk);
    target.on('drain', () => source.resume());
    source.on('end', () => {
      if (!failed) target.end();
    });
    source.on('close', () => {
      if (!failed && !target.destroyed) target.end();
      socketsClosed++;
      if (socketsClosed === 2) finish();
    });
  };
  pump(client, upstream, fromClient, 'client_to_target', options.clientHead);
  pump(upstream, client, fromUpstream, 'target_to_client', options.upstreamHead);
}

function createInspector(options: RelayOptions): Inspector {
  const { info, protocol } = options;
  if (
    (info.subresource === 'exec' || info.subresource === 'attach') &&
    remoteCommandProtocols.includes(protocol)
  ) {
    return remoteCommandInspector(options);
  }
  if (info.subresource === 'portforward' && protocol.toLowerCase() === 'spdy/3.1+portforward.k8s.io') {
    return spdyPortForwardInspector(options);
  }
  if (
    info.subresource === 'portforward' &&
    (protocol === 'portforward.k8s.io' || protocol === 'v4.channel.k8s.io')
  ) {
    return channelPortForwardInspector(options);
  }
  return countingInspector(options);
}

function isDataFrame(frame: WebSocketFrame): boolean {
  return (
    frame.opcode === WebSocketOpcode.binary ||
    frame.opcode === WebSocketOpcode.text ||
    frame.opcode === WebSocketOpcode.continuation
  );
}

function baseDetails(options: RelayOptions): Record<string, string> {
  const details: Record<string, string> = { protocol: options.protocol };
  if (options.info.namespace) details.namespace = options.info.namespace;
  if (options.info.name) details.pod = options.info.name;
  return details;
}

const truthy = (value: string | null): boolean => value === 'true' || value === '1';

function remoteCommandInspector(options: RelayOptions): Inspector {
  const recorded = options.session.recorded;
  const { query } = options;
  const kind = options.info.subresource === 'attach' ? 'kube_attach' : 'kube_exec';
  const command = query.getAll('command');
  const tty = truthy(query.get('tty'));
  const details = baseDetails(options);
  const container = query.get('container');
  if (container) details.container = container;
  if (command.length > 0) details.command = command.map(shellQuote).join(' ');
  details.tty = String(tty);
  details.stdin = String(truthy(query.get('stdin')));
  const streamId = recorded.openStream(kind, { details });
  if (kind === 'kube_exec' && command.length > 0 && !tty) {
    const now = recorded.now();
    recorded.command({ streamId, text: details.command!, source: 'exec', startedOffsetNs: now });
  }
  const fromClient = new RemoteCommandDecoder({ protocol: options.protocol });
  const fromUpstream = new RemoteCommandDecoder({ protocol: options.protocol });
  let exitStatus: number | undefined;
  let statusText: string | undefined;
  let extractor: TerminalCommandExtractor | undefined;
  let cols = 80;
  let rows = 24;
  const terminal = (): TerminalCommandExtractor | undefined => {
    if (!tty || !options.commandExtractor) return undefined;
    if (!extractor) {
      extractor = options.commandExtractor({
        cols,
        rows,
        onEvent: (event) => {
          if (options.session.finalized) return;
          if (event.kind === 'command' || event.kind === 'fullscreen') {
            const command: CommandEvent = {
              streamId,
              text: event.text,
              source: event.kind === 'command' ? 'terminal' : 'fullscreen',
            };
            if (event.startedOffsetNs !== undefined) command.startedOffsetNs = event.startedOffsetNs;
            if (event.endedOffsetNs !== undefined) command.endedOffsetNs = event.endedOffsetNs;
            if (event.kind === 'fullscreen' && event.program) command.program = event.program;
            recorded.command(command);
          } else if (event.kind === 'gap') {
            recorded.annotation({
              kind: 'gap',
              streamId,
              message: `command extraction fell behind and skipped ${event.droppedBytes} bytes`,
            });
          }
        },
      });
    }
    return extractor;
  };

  const onClient = (message: RemoteCommandMessage): void => {
    if (message.name === 'data') {
      recorded.data(streamId, 'client_to_target', message.data, message.channel);
      if (message.channel === 0) terminal()?.input(message.data, recorded.now());
    } else if (message.name === 'resize') {
      cols = message.cols;
      rows = message.rows;
      recorded.resize(streamId, message.cols, message.rows);
      extractor?.resize(message.cols, message.rows, recorded.now());
    }
  };
  const onUpstream = (message: RemoteCommandMessage): void => {
    if (message.name === 'data') {
      recorded.data(streamId, 'target_to_client', message.data, message.channel);
      if (message.channel === 1 || message.channel === 2) terminal()?.output(message.data, recorded.now());
    } else if (message.name === 'status') {
      if (message.exitCode !== undefined) exitStatus = message.exitCode;
      if (message.status !== 'Success') statusText = message.message ?? message.reason;
    }
  };
  return {
    streamId,
    frame(direction, frame) {
      if (!isDataFrame(frame)) return;
      if (direction === 'client_to_target') fromClient.frame(frame, onClient);
      else fromUpstream.frame(frame, onUpstream);
    },
    notice(text) {
      // stderr when the client asked for it; with a tty, stderr is merged into the terminal (stdout).
      if (tty && truthy(query.get('stdout'))) return encodeChannelMessage(1, `\r\n${text}\r\n`);
      if (!tty && truthy(query.get('stderr'))) return encodeChannelMessage(2, `${text}\n`);
      return undefined;
    },
    finish(detail) {
      const close: { exitStatus?: number; detail?: string } = {};
      if (exitStatus !== undefined) close.exitStatus = exitStatus;
      const text = detail ?? statusText;
      if (text) close.detail = text;
      let closed = false;
      const closeStream = (): void => {
        if (closed || options.session.finalized) return;
        closed = true;
        recorded.closeStream(streamId, close);
      };
      if (!extractor) return closeStream();
      const ending = extractor.end(recorded.now());
      if (options.session.ended) {
        // The whole session is ending now: no time to wait for the emulator.
        closeStream();
        extractor.dispose?.();
      } else {
        Promise.resolve(ending).then(closeStream, closeStream);
      }
    },
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

interface ForwardedConnection {
  streamId: number;
  port: string;
  requestId: string;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  finClient: boolean;
  finTarget: boolean;
  closed: boolean;
}

function spdyPortForwardInspector(options: RelayOptions): Inspector {
  const recorded = options.session.recorded;
  const parsers = {
    client_to_target: new SpdyParser(),
    target_to_client: new SpdyParser(),
  };
  const bySpdyStream = new Map<number, { connection: ForwardedConnection; type: string }>();
  const byRequest = new Map<string, ForwardedConnection>();
  let firstStreamId: number | undefined;

  const closeConnection = (connection: ForwardedConnection, detail?: string): void => {
    if (connection.closed) return;
    connection.closed = true;
    recorded.closeStream(connection.streamId, {
      detail:
        detail ??
        `port ${connection.port}: ${connection.bytesClientToTarget} bytes client→target, ${connection.bytesTargetToClient} bytes target→client`,
    });
  };

  const onSpdy = (direction: Direction, frame: SpdyFrame): void => {
    switch (frame.name) {
      case 'syn_stream': {
        const headers = frame.headers;
        const type = headers.streamtype?.[0] ?? 'unknown';
        const port = headers.port?.[0] ?? '?';
        const requestId = headers.requestid?.[0] ?? `stream-${frame.streamId}`;
        let connection = byRequest.get(requestId);
        if (!connection) {
          const details = { ...baseDetails(options), port, requestId };
          const streamId = recorded.openStream('kube_port_forward', {
            details,
            contentRecorded: options.recordForwardContent,
          });
          firstStreamId ??= streamId;
          connection = {
            streamId,
            port,
            requestId,
            bytesClientToTarget: 0,
            bytesTargetToClient: 0,
            finClient: false,
            finTarget: false,
            closed: false,
          };
          byRequest.set(requestId, connection);
        }
        bySpdyStream.set(frame.streamId, { connection, type });
        return;
      }
      case 'data': {
        const entry = bySpdyStream.get(frame.streamId);
        if (!entry) return;
        const { connection, type } = entry;
        if (type === 'data') {
          if (frame.data.byteLength > 0) {
            if (direction === 'client_to_target') connection.bytesClientToTarget += frame.data.byteLength;
            else connection.bytesTargetToClient += frame.data.byteLength;
            if (!connection.closed) recorded.data(connection.streamId, direction, frame.data);
          }
          if (frame.fin) {
            if (direction === 'client_to_target') connection.finClient = true;
            else connection.finTarget = true;
            if (connection.finClient && connection.finTarget) closeConnection(connection);
          }
        } else if (type === 'error' && direction === 'target_to_client' && frame.data.byteLength > 0) {
          recorded.annotation({
            kind: 'error',
            streamId: connection.streamId,
            code: KubeErrorCode.PORT_FORWARD_PROTOCOL,
            message: Buffer.from(frame.data).toString('utf8').slice(0, 1024),
          });
        }
        return;
      }
      case 'rst_stream': {
        const entry = bySpdyStream.get(frame.streamId);
        if (entry?.type === 'data') closeConnection(entry.connection);
        return;
      }
      default:
        return;
    }
  };
  return {
    get streamId() {
      return firstStreamId;
    },
    frame(direction, frame) {
      if (!isDataFrame(frame) || frame.payload.byteLength === 0) return;
      parsers[direction].parse(frame.payload, (spdy) => onSpdy(direction, spdy));
    },
    finish(detail) {
      for (const connection of byRequest.values()) closeConnection(connection, detail);
    },
  };
}

function channelPortForwardInspector(options: RelayOptions): Inspector {
  const recorded = options.session.recorded;
  const ports = options.query
    .getAll('ports')
    .flatMap((value) => value.split(','))
    .filter((port) => port !== '');
  const streams = ports.map((port) =>
    recorded.openStream('kube_port_forward', {
      details: { ...baseDetails(options), port },
      contentRecorded: options.recordForwardContent,
    }),
  );
  const bytes = ports.map(() => ({ client_to_target: 0, target_to_client: 0 }));
  const decoders = {
    client_to_target: new PortForwardDecoder({ portPrefix: false }),
    target_to_client: new PortForwardDecoder({ portPrefix: true }),
  };
  return {
    streamId: streams[0],
    frame(direction, frame) {
      if (!isDataFrame(frame)) return;
      decoders[direction].frame(frame, (message) => {
        const streamId = streams[message.portIndex];
        if (streamId === undefined) {
          throw kubeError(
            KubeErrorCode.PORT_FORWARD_PROTOCOL,
            `channel for port index ${message.portIndex} beyond ?ports=`,
          );
        }
        if (message.name === 'data') {
          bytes[message.portIndex]![direction] += message.data.byteLength;
          recorded.data(streamId, direction, message.data);
        } else if (message.name === 'error') {
          recorded.annotation({
            kind: 'error',
            streamId,
            code: KubeErrorCode.PORT_FORWARD_PROTOCOL,
            message: Buffer.from(message.data).toString('utf8').slice(0, 1024),
          });
        }
      });
    },
    finish(detail) {
      streams.forEach((streamId, index) => {
        const counted = bytes[index]!;
        recorded.closeStream(streamId, {
          detail:
            detail ??
            `port ${ports[index]}: ${counted.client_to_target} bytes client→target, ${counted.target_to_client} bytes target→client`,
        });
      });
    },
  };
}

function countingInspector(options: RelayOptions): Inspector {
  const recorded = options.session.recorded;
  const counted = { client_to_target: 0, target_to_client: 0 };
  return {
    streamId: options.session.apiStreamId,
    frame(direction, frame) {
      if (isDataFrame(frame)) counted[direction] += frame.payload.byteLength;
    },
    finish(detail) {
      recorded.annotation({
        kind: 'note',
        streamId: options.session.apiStreamId,
        message: `WebSocket ${options.info.path} (${options.protocol || 'no subprotocol'}) closed: ${counted.client_to_target} bytes client→target, ${counted.target_to_client} bytes target→client${detail ? `; ${detail}` : ''}`,
      });
    },
  };
}

function asTaplineError(error: unknown): TaplineError {
  if (isTaplineError(error)) return error;
  return kubeError(KubeErrorCode.WS_PROTOCOL, (error as Error)?.message ?? String(error), undefined, error);
}

export type { RecordedSession };
