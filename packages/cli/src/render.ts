// Human-readable output of `tapline inspect`.
import type { QueryEventFields, TimelineEvent } from './events.js';
import { formatBytes, formatDuration, formatOffset } from './format.js';
import type { InspectReport } from './inspect.js';

/** Continuation lines of a multi-line command line up under the timeline's text column, then 4 more. */
const CONTINUATION_INDENT = ' '.repeat(2 + 10 + 2 + 4);

const oneLine = (value: string, max = 200): string => {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** A continuation line of a command: its indentation kept, control characters as spaces. */
const indentedLine = (value: string, max = 200): string => {
  const flat = value.replace(/\s/g, ' ').trimEnd();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function person(value: { id: string; name: string | null; email: string | null } | null): string {
  if (!value) return '-';
  const name = value.name ?? value.id;
  const email = value.email ? ` <${value.email}>` : '';
  return value.name ? `${name}${email} (${value.id})` : `${name}${email}`;
}

function recordingStatus(report: InspectReport): string {
  const { recording } = report;
  if (recording.complete) return 'complete, intact';
  const error = recording.error!;
  if (error.code === 'TAPLINE_ERR_INCOMPLETE') {
    const reason = recording.incompleteReason ? `, reason ${recording.incompleteReason}` : '';
    return `INCOMPLETE (no end marker after segment ${error.segmentIndex - 1}${reason})`;
  }
  return `DAMAGED at segment ${error.segmentIndex}: ${error.code}: ${error.message}`;
}

/** The status word of a directory listing. */
export function shortStatus(report: InspectReport): string {
  const { recording } = report;
  if (recording.complete) return 'complete';
  const error = recording.error!;
  if (error.code === 'TAPLINE_ERR_INCOMPLETE') {
    return recording.incompleteReason ? `incomplete (${recording.incompleteReason})` : 'incomplete';
  }
  return `DAMAGED (segment ${error.segmentIndex}: ${error.code})`;
}

/** The header block of `inspect`. */
export function renderHeader(report: InspectReport): string {
  const rows: Array<[string, string]> = [];
  const add = (label: string, value: string | null | undefined) => rows.push([label, value ?? '-']);
  add('Session', report.sessionId);
  add('User', person(report.user));
  add(
    'Approvers',
    report.approvers.length === 0
      ? '-'
      : report.approvers
          .map((approver) => `${person(approver)}${approver.approvedAt ? ` at ${approver.approvedAt}` : ''}`)
          .join('; '),
  );
  add(
    'Access flow',
    report.accessFlow ? `${report.accessFlow.name ?? report.accessFlow.id} (${report.accessFlow.id})` : '-',
  );
  add(
    'Request',
    report.accessRequestId
      ? `${report.accessRequestId}${report.accessRequestStatus ? ` (${report.accessRequestStatus})` : ''}`
      : '-',
  );
  const resource = report.resource;
  add(
    'Resource',
    resource
      ? `${resource.name ?? resource.id} (${[resource.type, resource.id, resource.integration && `integration ${resource.integration}`].filter(Boolean).join(', ')})`
      : '-',
  );
  add('Protocol', report.protocol);
  add('Client', report.clientAddress);
  add('Target', report.target);
  if (report.permissions.length > 0) add('Permissions', report.permissions.join(', '));
  const labels = Object.entries(report.labels);
  if (labels.length > 0) add('Labels', labels.map(([key, value]) => `${key}=${value}`).join(', '));
  add('Started', report.startedAt);
  add(
    'Ended',
    report.endedAt
      ? `${report.endedAt} (after ${formatDuration(report.durationMs)})`
      : `- (last frame after ${formatDuration(report.durationMs)})`,
  );
  add(
    'End reason',
    report.endReason === null
      ? '-'
      : `${report.endReason}${report.endErrorCode ? ` ${report.endErrorCode}` : ''}${report.endDetail ? `: ${report.endDetail}` : ''}`,
  );
  if (report.expiresAt) add('Grant until', report.expiresAt);
  const { recording, totals } = report;
  add('Recording', recordingStatus(report));
  add(
    'Container',
    `${plural(recording.segments, 'segment')}, ${plural(recording.frames, 'frame')}, ${formatBytes(recording.bytes)}, ${recording.encrypted ? 'encrypted' : 'not encrypted'}`,
  );
  add('Chain hash', recording.chainHash);
  add(
    'Signature',
    recording.signature
      ? `${recording.signature.algorithm}, key ${recording.signature.keyId} (check it: tapline verify --public-key)`
      : 'none',
  );
  add(
    'Activity',
    `${formatBytes(totals.bytesClientToTarget)} client→target, ${formatBytes(totals.bytesTargetToClient)} target→client; ` +
      `${plural(totals.streams, 'stream')}, ${plural(totals.commands, 'command')}, ${plural(totals.queries, 'query', 'queries')}, ` +
      `${plural(totals.apiCalls, 'API call')}, ${plural(totals.fileOperations, 'file operation')}` +
      (totals.bytesNotRecorded > 0 ? `; ${formatBytes(totals.bytesNotRecorded)} not recorded` : ''),
  );
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${label.padEnd(width)}${value}`).join('\n');
}

function streamTag(streamId: number | null): string {
  return streamId ? `[${streamId}] ` : '';
}

function details(values: Record<string, string>): string {
  const entries = Object.entries(values);
  return entries.length === 0
    ? ''
    : ` ${entries.map(([key, value]) => `${key}=${oneLine(value, 80)}`).join(' ')}`;
}

const plural = (count: number, word: string, words = `${word}s`) => `${count} ${count === 1 ? word : words}`;

/** One timeline line's text (without the time), or undefined for events not shown. */
export function describeEvent(event: TimelineEvent, options: { resizes?: boolean } = {}): string | undefined {
  switch (event.type) {
    case 'session_start': {
      const who = event.user.name ?? event.user.id;
      const where = event.resource ? (event.resource.name ?? event.resource.id) : (event.target ?? '?');
      return `session started: ${event.protocol ?? '?'} by ${who} to ${where}`;
    }
    case 'session_end':
      return `session ended: ${event.reason}${event.errorCode ? ` ${event.errorCode}` : ''}${event.detail ? ` (${oneLine(event.detail)})` : ''}`;
    case 'stream_open': {
      const size = event.cols > 0 ? ` ${event.cols}x${event.rows}` : '';
      const counted = event.contentRecorded ? '' : ' (content not recorded, only counted)';
      return `${streamTag(event.streamId)}open ${event.kind}${size}${details(event.details)}${counted}`;
    }
    case 'stream_close': {
      const exit =
        event.exitStatus !== null
          ? `exit ${event.exitStatus}, `
          : event.exitSignal
            ? `killed by SIG${event.exitSignal}, `
            : '';
      const detail = event.detail ? ` (${oneLine(event.detail)})` : '';
      return `${streamTag(event.streamId)}close ${exit}${formatBytes(event.bytesClientToTarget)} client→target, ${formatBytes(event.bytesTargetToClient)} target→client${detail}`;
    }
    case 'resize':
      return options.resizes ? `${streamTag(event.streamId)}resize ${event.cols}x${event.rows}` : undefined;
    case 'command': {
      const how = event.program
        ? ` (${event.source ?? ''} ${event.program})`
        : event.source && event.source !== 'terminal'
          ? ` (${event.source})`
          : '';
      const pasted = event.inputSource === 'pasted' ? '[pasted] ' : '';
      const exit = event.exitCode !== null && event.exitCode !== undefined ? ` → exit ${event.exitCode}` : '';
      // A multi-line command (a for block, a heredoc with its body) keeps its
      // lines: the first after "$ ", the others indented below it, never
      // joined with spaces into what would read as one command.
      const [first = '', ...rest] = event.text.split('\n');
      const continuation = rest.map((line) => `\n${CONTINUATION_INDENT}${indentedLine(line)}`).join('');
      return `${streamTag(event.streamId)}$ ${pasted}${oneLine(first)}${how}${exit}${continuation}`;
    }
    case 'query': {
      const outcome = event.errorCode
        ? `ERROR ${event.errorCode}${event.errorMessage ? ` ${oneLine(event.errorMessage, 120)}` : ''}`
        : [event.commandTag, event.rows !== null ? plural(event.rows, 'row') : null]
            .filter(Boolean)
            .join(', ') || 'ok';
      const duration = event.durationNs ? `, ${formatDuration(event.durationNs / 1e6)}` : '';
      const parameters =
        event.parameters.length > 0 ? ` [${event.parameters.map(parameterText).join(', ')}]` : '';
      const copied = event.copyBytes !== null ? `, ${event.copyBytes} bytes copied` : '';
      if (event.kind === 'notification') {
        return `${streamTag(event.streamId)}NOTIFY ${event.channel ?? ''} ${oneLine(event.text)}`;
      }
      const kind = event.kind === 'query' || event.kind === 'execute' ? '' : `${event.kind} `;
      return `${streamTag(event.streamId)}SQL ${kind}${oneLine(event.text)}${parameters} → ${outcome}${copied}${duration}`;
    }
    case 'api_call': {
      const object = [event.namespace, event.name].filter(Boolean).join('/');
      const target = event.resource
        ? `${event.resource}${event.subresource ? `/${event.subresource}` : ''}${object ? ` ${object}` : ''}`
        : (event.path ?? '');
      return `${streamTag(event.streamId)}API ${event.verb ?? event.method ?? '?'} ${target} → ${event.statusCode}`;
    }
    case 'file_operation': {
      const target = event.targetPath ? ` → ${event.targetPath}` : '';
      const flags = event.flags.length > 0 ? ` (${event.flags.join(',')})` : '';
      const transferred =
        event.bytesRead > 0 || event.bytesWritten > 0
          ? `, read ${formatBytes(event.bytesRead)}, written ${formatBytes(event.bytesWritten)}`
          : '';
      const status = event.status
        ? ` → ${event.status}${event.statusMessage ? ` (${oneLine(event.statusMessage, 80)})` : ''}`
        : '';
      return `${streamTag(event.streamId)}file ${event.kind} ${event.path}${target}${flags}${transferred}${status}`;
    }
    case 'annotation': {
      const lost = event.bytesNotRecorded > 0 ? ` (${formatBytes(event.bytesNotRecorded)} not recorded)` : '';
      const code = event.code ? ` ${event.code}` : '';
      return `${streamTag(event.streamId)}! ${event.kind}${code}${event.message ? `: ${oneLine(event.message)}` : ''}${lost}`;
    }
    case 'data':
      return undefined;
    default:
      return '(a frame of a kind this reader does not know)';
  }
}

/** The timeline block of `inspect`: one line per event, time relative to the session start. */
export function renderTimeline(report: InspectReport, options: { resizes?: boolean } = {}): string {
  const lines: string[] = [];
  for (const event of report.timeline) {
    const text = describeEvent(event, options);
    if (text !== undefined) lines.push(`  ${formatOffset(event.offsetNs).padStart(10)}  ${text}`);
  }
  if (report.timelineOmitted > 0) {
    lines.push(
      `  ${''.padStart(10)}  … ${report.timelineOmitted} more events not shown (tapline export --format jsonl lists every one)`,
    );
  }
  const { error } = report.recording;
  if (error && error.code !== 'TAPLINE_ERR_INCOMPLETE') {
    lines.push(
      `  ${''.padStart(10)}  !! read stopped: segment ${error.segmentIndex} is damaged (${error.code})`,
    );
  }
  return lines.join('\n');
}

/** One line of a directory listing. */
export function renderSummaryLine(report: InspectReport): string {
  return [
    report.sessionId ?? '-',
    report.startedAt ?? '-',
    formatDuration(report.durationMs).padStart(8),
    (report.protocol ?? '-').padEnd(10),
    report.user?.name ?? report.user?.id ?? '-',
    '→',
    report.resource?.name ?? report.resource?.id ?? '-',
    shortStatus(report),
    report.location,
  ].join('  ');
}

function parameterText(parameter: QueryEventFields['parameters'][number]): string {
  if (parameter.value === null) return 'NULL';
  if (parameter.redacted) return '[redacted]';
  if (parameter.value === '' && parameter.length !== null) return `<${parameter.length} bytes>`;
  return oneLine(parameter.value, 40);
}
