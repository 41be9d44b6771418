// Which stream of a recording is "the terminal", and which of its Data
// channels are what the person saw and typed.
import { type DecodedFrame, TaplineError, tapline } from '@tapline/frames';
import { bodyOf } from './bodies.js';

const Kind = tapline.v1.StreamKind;

export interface TerminalStream {
  streamId: number;
  kind: number;
  openOffsetNs: number;
  cols: number;
  rows: number;
  details: Record<string, string>;
}

const isKube = (kind: number) => kind === Kind.STREAM_KIND_KUBE_EXEC || kind === Kind.STREAM_KIND_KUBE_ATTACH;

/**
 * A stream with a terminal: an SSH shell, an SSH exec with a pty, or a
 * Kubernetes exec/attach with `tty=true`.
 */
export function isTerminalStream(open: tapline.v1.IStreamOpen): boolean {
  const kind = open.kind ?? 0;
  if (kind === Kind.STREAM_KIND_SSH_SHELL) return true;
  if (kind === Kind.STREAM_KIND_SSH_EXEC) return Boolean(open.details?.term) || (open.cols ?? 0) > 0;
  return isKube(kind) && open.details?.tty === 'true';
}

/**
 * Data channels shown as terminal output: Kubernetes' remotecommand channels
 * 1 (stdout) and 2 (stderr), never 3 (status) or 4 (resize); SSH's 0 (the
 * channel) and 1 (extended data: stderr).
 */
export function isOutputChannel(kind: number, channel: number): boolean {
  return isKube(kind) ? channel === 1 || channel === 2 : channel === 0 || channel === 1;
}

/** Keystrokes: channel 0 (SSH channel data, Kubernetes stdin). */
export function isInputChannel(_kind: number, channel: number): boolean {
  return channel === 0;
}

/**
 * Picks the stream to replay as frames go by: the one asked for, or the first
 * terminal stream. Returns it when `frame` opens it.
 */
export function streamSelector(
  wanted: number | undefined,
): (frame: DecodedFrame) => TerminalStream | undefined {
  return (frame) => {
    const open = bodyOf(frame, 'streamOpen');
    if (!open) return undefined;
    if (wanted !== undefined ? open.streamId !== wanted : !isTerminalStream(open)) return undefined;
    return {
      streamId: open.streamId,
      kind: open.kind,
      openOffsetNs: frame.offsetNs,
      cols: open.cols,
      rows: open.rows,
      details: { ...open.details },
    };
  };
}

export function noTerminalStream(wanted: number | undefined): TaplineError {
  return new TaplineError(
    'TAPLINE_ERR_CLI_NO_TERMINAL_STREAM',
    wanted === undefined
      ? 'the recording has no terminal stream (ssh shell, ssh exec with a pty, kube exec/attach with a tty): pick one with --stream; ' +
          'a database session has none, its statements are in `tapline inspect` and `tapline export --format jsonl`'
      : `the recording has no stream ${wanted}`,
    { component: 'cli' },
  );
}
