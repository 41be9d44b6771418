// Splitting a multi-statement COM_QUERY into its statements. The server
// answers each statement with its own result; the text is split on `;`
// outside quotes and comments so each result gets its statement's text.

/** The statements of a query text, trimmed, empty ones dropped; `[text]` when there is only one. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text[index]!;
    if (char === "'" || char === '"' || char === '`') {
      index++;
      while (index < length && text[index] !== char) {
        if (text[index] === '\\' && char !== '`') index++;
        index++;
      }
      index++;
    } else if (
      char === '#' ||
      (char === '-' && text[index + 1] === '-' && /\s/.test(text[index + 2] ?? ' '))
    ) {
      while (index < length && text[index] !== '\n') index++;
    } else if (char === '/' && text[index + 1] === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end === -1 ? length : end + 2;
    } else if (char === ';') {
      const statement = text.slice(start, index).trim();
      if (statement !== '') statements.push(statement);
      index++;
      start = index;
    } else {
      index++;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') statements.push(last);
  if (statements.length <= 1) return [text.trim()];
  return statements;
}

const KILL = /^\s*KILL\s+(?:(?:HARD|SOFT)\s+)?(?:(QUERY|CONNECTION)\s+)?(ID\s+)?(\d+)\s*;?\s*$/i;

/**
 * `KILL [QUERY|CONNECTION] <id>`: the id and the text with another id in its
 * place. `queryId` is set for MariaDB's `KILL QUERY ID <query id>`, whose id
 * names a query, not a connection.
 */
export function parseKill(
  text: string,
): { id: number; queryId: boolean; withId(id: number): string } | undefined {
  const match = KILL.exec(text);
  if (match === null) return undefined;
  const digits = match[3]!;
  const at = match.index + match[0].lastIndexOf(digits);
  return {
    id: Number(digits),
    queryId: match[2] !== undefined,
    withId: (id: number) => `${text.slice(0, at)}${id}${text.slice(at + digits.length)}`,
  };
}

const KILL_ANY = /^\s*(?:\/\*.*?\*\/\s*)*KILL\b/is;

/** True for any statement that starts with KILL (after comments), whatever follows. */
export function isKill(text: string): boolean {
  return KILL_ANY.test(text);
}

const LOAD_LOCAL =
  /^\s*(?:\/\*.*?\*\/\s*)*LOAD\s+(?:DATA|XML)\s+(?:(?:LOW_PRIORITY|CONCURRENT)\s+)?LOCAL\s+INFILE/is;

/** True for `LOAD DATA [LOW_PRIORITY|CONCURRENT] LOCAL INFILE ...` (and LOAD XML). */
export function isLoadLocal(text: string): boolean {
  return LOAD_LOCAL.test(text);
}

const USE = /^\s*USE\s+`?([^`;\s]+)`?\s*;?\s*$/i;

/** The database of a `USE db` statement. */
export function useDatabase(text: string): string | undefined {
  return USE.exec(text)?.[1];
}
