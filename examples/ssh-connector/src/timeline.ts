// A small reader over a recording: the grant, then what happened (streams,
// commands, file operations, refusals), read with @tapline/frames. The
// `tapline inspect` command of @tapline/cli does this (and more) for any
// recording; this keeps the example standalone.
import { createReadStream } from 'node:fs';
import { frameToJson, readFrames, type VerifyReport, verifyRecording } from '@tapline/frames';

export interface Timeline {
  report: VerifyReport;
  header: Record<string, unknown> | undefined;
  end: Record<string, unknown> | undefined;
  /** Command lines as the recorder extracted them, in order. */
  commands: string[];
  /** The printable timeline, one line per entry. */
  lines: string[];
}

type Json = Record<string, unknown>;

function seconds(offsetNs: unknown): string {
  return `+${(Number(offsetNs ?? 0) / 1e9).toFixed(3)}s`.padStart(10);
}

function enumName(value: unknown, prefix: string): string {
  return String(value ?? '')
    .replace(prefix, '')
    .toLowerCase();
}

function person(value: unknown): string {
  const p = (value ?? {}) as Json;
  const name = p.name ? `${p.name} ` : '';
  return `${name}(${p.id ?? '?'})${p.email ? ` <${p.email}>` : ''}`;
}

function isoTime(ms: unknown): string {
  return ms ? new Date(Number(ms)).toISOString() : '—';
}

/** Verifies a recording file and reads its timeline. */
export async function readTimeline(path: string): Promise<Timeline> {
  const report = await verifyRecording(createReadStream(path));
  let header: Json | undefined;
  let end: Json | undefined;
  const commands: string[] = [];
  const entries: string[] = [];
  const streams = new Map<number, string>();
  for await (const frame of readFrames(createReadStream(path))) {
    const json = frameToJson(frame) as Json;
    const at = seconds(json.offsetNs);
    if (json.sessionStart) header = json.sessionStart as Json;
    else if (json.sessionEnd) end = json.sessionEnd as Json;
    else if (json.streamOpen) {
      const open = json.streamOpen as Json;
      const kind = enumName(open.kind, 'STREAM_KIND_');
      const details = (open.details ?? {}) as Json;
      streams.set(Number(open.streamId ?? 0), kind);
      const what =
        kind === 'ssh_shell'
          ? `shell opened (${details.term ?? 'no pty'} ${open.cols ?? 0}x${open.rows ?? 0})`
          : kind === 'ssh_exec'
            ? `exec opened`
            : `${kind.replace('ssh_', '')} opened${details.subsystem ? ` (${details.subsystem})` : ''}`;
      entries.push(`${at}  ${what}`);
    } else if (json.command) {
      const command = json.command as Json;
      const text = String(command.text ?? '');
      commands.push(text);
      const source = String(command.source ?? '');
      entries.push(`${at}  ${source === 'fullscreen' ? '[full screen] ' : '$ '}${text}`);
    } else if (json.fileOperation) {
      const op = json.fileOperation as Json;
      const kind = enumName(op.kind, 'FILE_OPERATION_KIND_');
      if (kind === 'read' || kind === 'write' || kind === 'stat' || kind === 'realpath' || kind === 'opendir')
        continue;
      const bytes = op.bytesWritten
        ? ` ${op.bytesWritten} bytes written`
        : op.bytesRead
          ? ` ${op.bytesRead} bytes read`
          : '';
      entries.push(
        `${at}  sftp ${kind} ${op.path ?? ''}${op.targetPath ? ` -> ${op.targetPath}` : ''}${bytes} (${op.status ?? 'ok'})`,
      );
    } else if (json.annotation) {
      const annotation = json.annotation as Json;
      const kind = enumName(annotation.kind, 'ANNOTATION_KIND_');
      if (kind === 'refused' || kind === 'error' || kind === 'gap') {
        entries.push(`${at}  [${kind}] ${annotation.code ?? ''} ${annotation.message ?? ''}`.trimEnd());
      }
    } else if (json.streamClose) {
      const close = json.streamClose as Json;
      const kind = streams.get(Number(close.streamId ?? 0)) ?? 'stream';
      const status =
        close.exitStatus !== undefined
          ? `, exit ${close.exitStatus}`
          : close.exitSignal
            ? `, killed by SIG${close.exitSignal}`
            : '';
      entries.push(`${at}  ${kind.replace('ssh_', '')} closed${status}`);
    }
  }

  const lines: string[] = [];
  if (header) {
    const grant = (header.grant ?? {}) as Json;
    const flow = (grant.accessFlow ?? {}) as Json;
    const resource = (grant.resource ?? {}) as Json;
    const approvers = ((grant.approvers ?? []) as unknown[]).map(person).join(', ') || '—';
    lines.push(
      `session     ${header.sessionId}  (${header.protocol}, started ${isoTime(header.startedAtUnixMs)})`,
      `user        ${person(grant.user)} from ${header.clientAddress ?? '?'}`,
      `approved by ${approvers}`,
      `access      request ${grant.accessRequestId ?? '?'} (${grant.accessRequestStatus ?? '?'}) via flow "${flow.name ?? flow.id ?? '?'}", expires ${isoTime(grant.expiresAtUnixMs)}`,
      `resource    ${resource.name ?? resource.id ?? '?'} [${resource.type ?? '?'}] at ${header.target ?? '?'}`,
    );
  }
  if (end) {
    lines.push(
      `ended       ${enumName(end.reason, 'END_REASON_')} after ${(report.lastOffsetNs / 1e9).toFixed(1)} s: ` +
        `${end.commands ?? 0} commands, ${end.streams ?? 0} streams, ` +
        `${end.bytesClientToTarget ?? 0} bytes in, ${end.bytesTargetToClient ?? 0} bytes out`,
    );
  }
  lines.push(
    `integrity   ${report.intact ? 'intact' : 'DAMAGED'}, ${report.complete ? 'complete' : 'incomplete'}: ` +
      `${report.segments} segments, ${report.frames} frames, chain sha256 ${report.chainHash?.slice(0, 16) ?? '—'}…` +
      (report.error ? ` (${report.error.code}: ${report.error.message})` : ''),
    '',
    'timeline',
    ...entries,
  );
  return { report, header, end, commands, lines };
}
