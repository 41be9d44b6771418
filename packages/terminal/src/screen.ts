// Reading command lines off the emulator's screen. Rows are absolute indexes
// into the active buffer (scrollback included); a "logical line" is a row
// plus the rows that auto-wrap continued it (isWrapped).
import type { IBuffer } from './xterm.js';

// readline's incremental search replaces the prompt: "(reverse-i-search)`ls': ".
const ISEARCH_PROMPT = /^\((?:failed )?(?:reverse|bck|fwd|forward)?-?i-search\)`[^']*': /;

/** The most rows read for one command line, to bound the work on a huge paste. */
const MAX_COMMAND_ROWS = 400;

export function cursorRow(buffer: IBuffer): number {
  return buffer.baseY + buffer.cursorY;
}

export function logicalStart(buffer: IBuffer, row: number): number {
  let first = row;
  while (first > 0 && row - first < MAX_COMMAND_ROWS && buffer.getLine(first)?.isWrapped) first--;
  return first;
}

export function logicalEnd(buffer: IBuffer, row: number): number {
  let last = row;
  while (last - row < MAX_COMMAND_ROWS && buffer.getLine(last + 1)?.isWrapped) last++;
  return last;
}

/**
 * The text of rows first..last: wrapped rows joined as they are, other rows
 * with "\n" — except after a row filled to its last column, which zsh and
 * busybox continue with an explicit newline (or an erase that clears xterm's
 * wrap flag) instead of letting the terminal wrap.
 */
export function rowsText(buffer: IBuffer, first: number, last: number, cols: number): string {
  let text = '';
  let previousFull = false;
  for (let row = first; row <= last; row++) {
    const line = buffer.getLine(row);
    if (line === undefined) break;
    if (row > first && !line.isWrapped && !previousFull) text += '\n';
    previousFull = (line.getCell(cols - 1)?.getChars() ?? '') !== '';
    // A row continued by the next keeps its trailing blanks: they are part of the line.
    text += line.translateToString(!buffer.getLine(row + 1)?.isWrapped);
  }
  return text;
}

/** The logical line at the cursor, up to the cursor: the prompt the person types after. */
export function promptAtCursor(buffer: IBuffer): { firstRow: number; prompt: string } {
  const row = cursorRow(buffer);
  const firstRow = logicalStart(buffer, row);
  // The rows before the cursor row are wrapped ones: keep their trailing blanks.
  const before = firstRow < row ? untrimmedRows(buffer, firstRow, row - 1) : '';
  const prompt = before + (buffer.getLine(row)?.translateToString(false, 0, buffer.cursorX) ?? '');
  return { firstRow, prompt };
}

function untrimmedRows(buffer: IBuffer, first: number, last: number): string {
  let text = '';
  for (let row = first; row <= last; row++) text += buffer.getLine(row)?.translateToString(false) ?? '';
  return text;
}

function stripPrompt(line: string, prompt: string): string {
  if (line.startsWith(prompt)) return line.slice(prompt.length);
  const search = ISEARCH_PROMPT.exec(line);
  if (search !== null) return line.slice(search[0].length);
  // The prompt row was redrawn (trimmed, recoloured, changed): cut at the same place.
  return line.slice(prompt.length);
}

function afterKnownPrompt(line: string, prompt: string, knownPrompts: readonly string[]): string | undefined {
  if (prompt !== '' && line.startsWith(prompt)) return line.slice(prompt.length);
  for (const known of knownPrompts) if (line.startsWith(known)) return line.slice(known.length);
  return undefined;
}

function isBlank(buffer: IBuffer, row: number): boolean {
  return (buffer.getLine(row)?.translateToString(true) ?? '') === '';
}

/**
 * The command line typed after `prompt` on the logical line starting at
 * `startRow` (-1 when that row is gone), as the screen shows it now.
 * `afterLineFeed`: the cursor has just moved down off the line (the shell's
 * newline after Enter), so the line ends on the row above the cursor.
 * `knownPrompts`: prompts earlier lines were typed after, to recognise a
 * fresh prompt below the start (after Ctrl-C, or a program that ended).
 */
export function readCommandLine(
  buffer: IBuffer,
  cols: number,
  startRow: number,
  prompt: string,
  afterLineFeed: boolean,
  knownPrompts: readonly string[],
  /** The row the line ended on when that was noted earlier (a line feed after Enter), else -1: the cursor's. */
  endRow = -1,
): string {
  const cursor = endRow >= 0 ? endRow + 1 : cursorRow(buffer);
  let lastRow = afterLineFeed || endRow >= 0 ? cursor - 1 : cursor;
  // Bash's "\r\n" after Enter leaves the cursor on a blank row below the line.
  if (!afterLineFeed && endRow < 0 && lastRow > startRow && buffer.cursorX === 0 && isBlank(buffer, lastRow))
    lastRow--;
  if (lastRow < 0) return '';
  const ownFirst = logicalStart(buffer, lastRow);
  const ownLast = logicalEnd(buffer, lastRow);
  if (startRow >= 0 && ownFirst === startRow)
    return stripPrompt(rowsText(buffer, startRow, ownLast, cols), prompt);
  const own = rowsText(buffer, ownFirst, ownLast, cols);
  if (startRow >= 0 && ownFirst > startRow && ownFirst - startRow <= MAX_COMMAND_ROWS) {
    // Either the shell printed a fresh prompt below (Ctrl-C, a job notice) and
    // the line is the one at the cursor, or the line spans several rows that
    // are not wraps (a pasted multi-line command).
    const fresh = afterKnownPrompt(own, prompt, knownPrompts);
    if (fresh !== undefined) return fresh;
    return stripPrompt(rowsText(buffer, startRow, ownLast, cols), prompt);
  }
  // The start is gone (scrolled out, screen cleared and redrawn above it).
  const fresh = afterKnownPrompt(own, prompt, knownPrompts);
  if (fresh !== undefined) return fresh;
  const search = ISEARCH_PROMPT.exec(own);
  return search === null ? own : own.slice(search[0].length);
}
