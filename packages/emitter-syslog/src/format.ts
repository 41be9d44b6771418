// Metadata events as RFC 5424 messages, framed by octet counting (RFC 6587 3.4.1).
import { createHash } from 'node:crypto';
import type { MetadataEvent } from '@tapline/core';

/** RFC 5612's documentation enterprise number, the default for the SD-IDs. */
export const DEFAULT_ENTERPRISE_ID = '32473';
/** Facility 13, "log audit". */
export const DEFAULT_FACILITY = 13;

export interface SyslogFormatOptions {
  /** @default os.hostname() */
  hostname: string;
  /** @default 'tapline' */
  appName: string;
  /** @default String(process.pid) */
  procId: string;
  /** 0..23. @default 13 (log audit) */
  facility: number;
  /** The private enterprise number in the SD-IDs (`tapline@<id>`, `data@<id>`). @default '32473' */
  enterpriseId: string;
  /** A message longer than this loses its JSON body, then long values, to fit. @default 8192 */
  maxMessageBytes: number;
}

const BOM = '\u{feff}';
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/** Severity (RFC 5424 6.2.1) of an event: failures are errors, alerts carry their own. */
export function severityOf(event: MetadataEvent): number {
  if (event.type === 'recording.failed') return 3;
  if (event.type === 'alert') {
    const severity = (event.data as { severity?: unknown }).severity;
    return severity === 'critical' ? 2 : severity === 'warning' ? 4 : 5;
  }
  return 6;
}

/** PRINTUSASCII only, at most `max` characters; NILVALUE when empty. */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** An SD-NAME: PRINTUSASCII except '=', ' ', ']', '"', at most 32; a longer one keeps its start and a hash. */
export function sdName(name: string): string {
  const clean = name.replace(/[^\x21-\x7e]|[=\]"]/g, '_');
  if (clean.length <= 32 && clean.length > 0) return clean;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${clean.slice(0, 23)}~${hash}`;
}

/** A PARAM-VALUE: '"', '\' and ']' escaped with a backslash (RFC 5424 6.3.3). */
function escapeValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** The event's data as dotted paths and text values (arrays by index). */
export function flatten(
  value: unknown,
  prefix = '',
  out: Array<[string, string]> = [],
  depth = 0,
): Array<[string, string]> {
  if (value === undefined) return out;
  if (value === null || typeof value !== 'object' || depth > 8) {
    out.push([prefix, typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))]);
    return out;
  }
  const entries = Array.isArray(value)
    ? value.map((item, i) => [String(i), item] as const)
    : Object.entries(value);
  for (const [key, item] of entries) flatten(item, prefix ? `${prefix}.${key}` : key, out, depth + 1);
  return out;
}

function element(id: string, params: Array<[string, string]>): string {
  let text = `[${id}`;
  for (const [name, value] of params) text += ` ${sdName(name)}="${escapeValue(value)}"`;
  return `${text}]`;
}

/**
 * The RFC 5424 message for one event:
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [tapline@…][data@…] BOM{json}`.
 * `tapline@…` holds the envelope (id, type, version, sessionId, sequence,
 * time), `data@…` every field of `data` as a dotted path, and MSG the whole
 * event as JSON. Too long: the JSON goes first, then values are cut.
 */
export function formatSyslogMessage(event: MetadataEvent, options: SyslogFormatOptions): Buffer {
  const pri = options.facility * 8 + severityOf(event);
  const timestamp = RFC3339.test(event.time) ? event.time : '-';
  const header = `<${pri}>1 ${timestamp} ${headerField(options.hostname, 255)} ${headerField(options.appName, 48)} ${headerField(options.procId, 128)} ${headerField(event.type, 32)} `;
  const envelope = element(`tapline@${options.enterpriseId}`, [
    ['id', event.id],
    ['type', event.type],
    ['version', String(event.version)],
    ['sessionId', event.sessionId],
    ['sequence', String(event.sequence)],
    ['time', event.time],
  ]);
  const fields = flatten(event.data);
  const dataId = `data@${options.enterpriseId}`;
  const full = `${header}${envelope}${fields.length ? element(dataId, fields) : ''} ${BOM}${JSON.stringify(event)}`;
  const max = options.maxMessageBytes;
  if (Buffer.byteLength(full) <= max) return Buffer.from(full);
  // Without the JSON body, then with values cut, then the envelope alone.
  const withoutBody = `${header}${envelope}${fields.length ? element(dataId, fields) : ''}`;
  if (Buffer.byteLength(withoutBody) <= max) return Buffer.from(withoutBody);
  const cut = fields.map(
    ([name, value]) => [name, value.length > 256 ? `${value.slice(0, 256)}…` : value] as [string, string],
  );
  const withCut = `${header}${envelope}${element(dataId, [...cut, ['truncated', 'true']])}`;
  if (Buffer.byteLength(withCut) <= max) return Buffer.from(withCut);
  return Buffer.from(`${header}${envelope}${element(dataId, [['truncated', 'true']])}`);
}

/** Octet-counted framing (RFC 6587 3.4.1): `MSG-LEN SP SYSLOG-MSG`. */
export function frameOctetCounted(message: Uint8Array): Buffer {
  const prefix = Buffer.from(`${message.byteLength} `);
  return Buffer.concat([prefix, message]);
}
