// Splits a simple-protocol query string into its statements at top-level
// semicolons, the way the server will run them: not inside '…', E'…', "…",
// $tag$…$tag$, -- comments or (nested) /* */ comments. Best effort: the
// server, not this function, is the authority, and the recorder pairs the
// pieces with the server's own CommandComplete/ErrorResponse messages.

/** The statements of `text`, trimmed, empty ones (only blanks and comments) left out. */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let index = 0;
  let meaningful = false;
  const length = text.length;
  const push = (end: number): void => {
    const statement = text.slice(start, end).trim();
    if (meaningful && statement !== '') statements.push(statement);
    meaningful = false;
  };
  while (index < length) {
    const char = text[index] as string;
    const next = text[index + 1];
    if (char === '-' && next === '-') {
      const newline = text.indexOf('\n', index + 2);
      index = newline < 0 ? length : newline + 1;
      continue;
    }
    if (char === '/' && next === '*') {
      let depth = 1;
      index += 2;
      while (index < length && depth > 0) {
        if (text[index] === '/' && text[index + 1] === '*') {
          depth++;
          index += 2;
        } else if (text[index] === '*' && text[index + 1] === '/') {
          depth--;
          index += 2;
        } else index++;
      }
      continue;
    }
    if (char === ';') {
      push(index);
      start = index + 1;
      index++;
      continue;
    }
    if (!/\s/.test(char)) meaningful = true;
    if (char === "'") {
      // E'…' (and e'…') take backslash escapes; '' is a quote in both.
      const previous = text[index - 1];
      const escapes = (previous === 'E' || previous === 'e') && !/[\w$]/.test(text[index - 2] ?? ' ');
      index++;
      while (index < length) {
        const c = text[index];
        if (escapes && c === '\\') index += 2;
        else if (c === "'" && text[index + 1] === "'") index += 2;
        else if (c === "'") break;
        else index++;
      }
      index++;
      continue;
    }
    if (char === '"') {
      index++;
      while (index < length) {
        if (text[index] === '"' && text[index + 1] === '"') index += 2;
        else if (text[index] === '"') break;
        else index++;
      }
      index++;
      continue;
    }
    if (char === '$') {
      // $tag$ starts a dollar quote unless the $ continues an identifier or is a $1 parameter.
      const match = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(index, index + 64));
      const previous = text[index - 1];
      if (match !== null && (previous === undefined || !/[\w$]/.test(previous))) {
        const tag = match[0];
        const close = text.indexOf(tag, index + tag.length);
        index = close < 0 ? length : close + tag.length;
        continue;
      }
    }
    index++;
  }
  push(length);
  return statements;
}
