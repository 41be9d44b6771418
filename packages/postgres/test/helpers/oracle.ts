// Compares recorded Query events with the statements the server logged
// (log_statement=all): same statements, same order, same parameter values,
// per target backend. Counts matched, lost (logged, not recorded) and
// invented (recorded, not logged).
import type { QueryEvent } from '@tapline/core';
import type { LoggedStatement } from './postgres.js';

export interface RecordedSessionQueries {
  processId: number;
  queries: QueryEvent[];
}

export interface OracleFigures {
  matched: number;
  lost: number;
  invented: number;
  mismatches: string[];
}

/** A recorded parameter: its value, null, or (bytea, unstated binary) its size on the wire and format. */
type RecordedParameter = string | null | { length: number; format: 'text' | 'binary' };

interface Unit {
  kind: 'statement' | 'execute';
  texts: string[];
  parameters: RecordedParameter[];
}

/** Recorded events as the server logs them: a simple query's statements grouped, one unit per Execute. */
function units(queries: QueryEvent[]): Unit[] {
  const out: Unit[] = [];
  let groupStart: number | undefined;
  for (const query of queries) {
    if (
      query.kind !== undefined &&
      query.kind !== 'query' &&
      query.kind !== 'copy_in' &&
      query.kind !== 'copy_out'
    )
      continue;
    if (query.mode === 'simple') {
      const last = out.at(-1);
      if (last !== undefined && last.kind === 'statement' && groupStart === query.startedOffsetNs) {
        last.texts.push(query.text);
        continue;
      }
      groupStart = query.startedOffsetNs;
      out.push({ kind: 'statement', texts: [query.text], parameters: [] });
    } else {
      groupStart = undefined;
      out.push({
        kind: 'execute',
        texts: [query.text],
        parameters: (query.parameters ?? []).map((parameter): RecordedParameter => {
          if (parameter.isNull) return null;
          if (parameter.value !== undefined) return parameter.value;
          return { length: parameter.length ?? 0, format: parameter.format ?? 'text' };
        }),
      });
    }
  }
  return out;
}

function matches(logged: LoggedStatement, unit: Unit): boolean {
  if (logged.kind !== unit.kind) return false;
  if (unit.kind === 'execute') {
    return (
      logged.text === unit.texts[0] &&
      logged.parameters.length === unit.parameters.length &&
      logged.parameters.every((value, index) => {
        const recorded = unit.parameters[index];
        if (recorded === undefined || recorded === null || typeof recorded === 'string')
          return value === recorded;
        // A value recorded by length only (bytea) matches the logged hex of that many bytes when it came
        // in binary; in text it came as hex ("\\x0102", as logged) or escaped: at least a character a byte.
        if (value === null || !value.startsWith('\\x')) return false;
        const bytes = (value.length - 2) / 2;
        return recorded.format === 'binary' ? bytes === recorded.length : bytes <= recorded.length;
      })
    );
  }
  let at = 0;
  for (const text of unit.texts) {
    const found = logged.text.indexOf(text, at);
    if (found < 0) return false;
    at = found + text.length;
  }
  return true;
}

export function compareWithLog(logged: LoggedStatement[], sessions: RecordedSessionQueries[]): OracleFigures {
  const figures: OracleFigures = { matched: 0, lost: 0, invented: 0, mismatches: [] };
  for (const session of sessions) {
    const expected = logged.filter((entry) => entry.pid === session.processId);
    const recorded = units(session.queries);
    let i = 0;
    let j = 0;
    while (i < expected.length || j < recorded.length) {
      const log = expected[i];
      const unit = recorded[j];
      if (log !== undefined && unit !== undefined && matches(log, unit)) {
        figures.matched++;
        i++;
        j++;
        continue;
      }
      // Resynchronise: a logged entry the recording lacks, or a recorded one the log lacks.
      const nextRecorded =
        unit === undefined ? -1 : expected.slice(i).findIndex((entry) => matches(entry, unit));
      if (log !== undefined && (unit === undefined || nextRecorded > 0)) {
        figures.lost++;
        figures.mismatches.push(
          `lost (pid ${session.processId}): ${log.kind} ${log.text} ${JSON.stringify(log.parameters)}`,
        );
        i++;
      } else {
        figures.invented++;
        figures.mismatches.push(
          `invented (pid ${session.processId}): ${JSON.stringify(unit)} vs log ${JSON.stringify(log)}`,
        );
        j++;
      }
    }
  }
  return figures;
}
