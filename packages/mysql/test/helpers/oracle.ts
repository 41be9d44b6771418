// Compares the recorded statements with the server's general query log.

import { isKill, splitStatements } from '../../src/statements.js';
import type { GeneralLogEntry } from './mariadb.js';

export interface OracleFigures {
  matched: number;
  lost: number;
  invented: number;
  mismatches: string[];
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Stands for a value the recording keeps only the length of (long data, elided): matches any quoted text. */
const ELIDED = '\u0001';

const NUMERIC = /^(TINY|SHORT|LONG|LONGLONG|INT24|FLOAT|DOUBLE|YEAR|NEWDECIMAL|DECIMAL)( UNSIGNED)?$/;

/** The statement text with its bound parameters substituted, as the general log shows an Execute. */
export function substitute(text: string, parameters: Array<Record<string, unknown>> = []): string {
  let index = 0;
  let out = '';
  let quoteChar: string | undefined;
  for (let position = 0; position < text.length; position++) {
    const char = text[position]!;
    if (quoteChar !== undefined) {
      out += char;
      if (char === '\\') {
        out += text[++position] ?? '';
      } else if (char === quoteChar) quoteChar = undefined;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') {
      quoteChar = char;
      out += char;
      continue;
    }
    if (char === '?' && index < parameters.length) {
      const parameter = parameters[index++]!;
      const type = String(parameter.type ?? '');
      if (parameter.isNull) out += 'NULL';
      else if (parameter.value === undefined && parameter.length !== undefined) out += ELIDED;
      else if (/^(DATETIME|TIMESTAMP)$/.test(type)) out += `TIMESTAMP${quote(String(parameter.value))}`;
      else if (/^(DATE|NEWDATE)$/.test(type)) out += `DATE${quote(String(parameter.value))}`;
      else if (type === 'TIME') out += `TIME${quote(String(parameter.value))}`;
      else if (NUMERIC.test(type)) out += String(parameter.value);
      else out += quote(String(parameter.value ?? ''));
      continue;
    }
    out += char;
  }
  return out;
}

/** What the general log would show for one recorded Query (undefined: nothing is logged for it). */
export function expectedLogLines(
  query: Record<string, unknown>,
): Array<{ command: string; argument: string }> | undefined {
  const kind = String(query.kind ?? 'query');
  const text = String(query.text ?? '');
  if (query.errorCode === '1148' || query.errorCode === '1047') return undefined; // refused by the proxy
  // The server logs a Prepare only once it has prepared it.
  if (kind === 'prepare' && query.errorCode !== undefined) return undefined;
  // A KILL the proxy refused (as a query, or as a statement to prepare).
  if ((query.errorCode === '1094' || query.errorCode === '1295') && isKill(text)) return undefined;
  switch (kind) {
    case 'query':
      return [{ command: 'Query', argument: text }];
    case 'prepare':
      return [{ command: 'Prepare', argument: text }];
    case 'execute':
      return [
        {
          command: 'Execute',
          argument: substitute(text, query.parameters as Array<Record<string, unknown>>),
        },
      ];
    case 'close':
      return [{ command: 'Close stmt', argument: '' }];
    case 'reset':
      return [{ command: 'Reset stmt', argument: '' }];
    case 'init_db':
      return [{ command: 'Init DB', argument: text }];
    // COM_PROCESS_KILL: MariaDB 10.11 writes no general-log line for it.
    case 'field_list':
      return [{ command: 'Field List', argument: text }];
    default:
      return undefined;
  }
}

function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Aligns recorded statements with the log entries of the target connection,
 * in order. A multi-statement Query in the log matches consecutive recorded
 * statements. KILL ids differ by design (the proxy rewrites them): compared without the id.
 */
export function compareWithGeneralLog(
  queries: Array<Record<string, unknown>>,
  log: GeneralLogEntry[],
): OracleFigures {
  const logged = log.filter((entry) =>
    ['Query', 'Prepare', 'Execute', 'Close stmt', 'Reset stmt', 'Init DB', 'Field List'].includes(
      entry.command,
    ),
  );
  // Expand multi-statement log lines into statements; `rest`: statements after this one in the same line.
  const expanded: Array<{ command: string; argument: string; rest: number }> = [];
  for (const entry of logged) {
    if (entry.command === 'Query') {
      const statements = splitStatements(entry.argument);
      for (const [index, statement] of statements.entries())
        expanded.push({ command: 'Query', argument: statement, rest: statements.length - 1 - index });
    } else expanded.push({ command: entry.command, argument: entry.argument, rest: 0 });
  }
  const expected: Array<{ command: string; argument: string; failed: boolean }> = [];
  for (const query of queries)
    for (const line of expectedLogLines(query) ?? [])
      expected.push({ ...line, failed: query.errorCode !== undefined });
  const key = (line: { command: string; argument: string }): string =>
    `${line.command}\u0000${normalize(line.argument).replace(/^(KILL\s+(?:QUERY\s+|CONNECTION\s+)?)\d+/i, '$1#')}`;
  const same = (
    entry: { command: string; argument: string },
    line: { command: string; argument: string },
  ) => {
    if (!line.argument.includes(ELIDED)) return key(entry) === key(line);
    const pattern = key(line)
      .split(ELIDED)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]*');
    return new RegExp(`^${pattern}$`).test(key(entry));
  };
  let matched = 0;
  let invented = 0;
  const mismatches: string[] = [];
  let cursor = 0;
  for (const line of expected) {
    const found = expanded.slice(cursor).findIndex((entry) => same(entry, line));
    if (found === -1) {
      invented++;
      mismatches.push(`recorded, not in the log: ${line.command} ${line.argument.slice(0, 200)}`);
      continue;
    }
    for (const skipped of expanded.slice(cursor, cursor + found))
      mismatches.push(`in the log, not recorded: ${skipped.command} ${skipped.argument.slice(0, 200)}`);
    cursor += found + 1;
    matched++;
    // The server stops a multi-statement query at its first error: the statements after it never ran.
    if (line.failed && line.command === 'Query') cursor += expanded[cursor - 1]!.rest;
  }
  for (const skipped of expanded.slice(cursor))
    mismatches.push(`in the log, not recorded: ${skipped.command} ${skipped.argument.slice(0, 200)}`);
  const lost = mismatches.filter((line) => line.startsWith('in the log')).length;
  return { matched, lost, invented, mismatches };
}

/**
 * The target's connection id a recording's login annotation names: the
 * thread id of that session's lines in the general log. Undefined for a
 * session that never logged in to the target.
 */
export function targetThreadOf(frames: ReadonlyArray<Record<string, unknown>>): number | undefined {
  const auth = frames.find(
    (frame) => (frame.annotation as { kind?: string } | undefined)?.kind === 'ANNOTATION_KIND_AUTH',
  );
  if (auth === undefined) return undefined;
  return Number((auth.annotation as { details: Record<string, string> }).details.targetConnectionId);
}
