// The shell grammar: tree-sitter-bash (its .wasm, shipped in the npm package)
// run by web-tree-sitter. It answers two questions about an accepted line:
// is the command complete (or does the shell want more lines: an open
// for/if/case, a heredoc body, an unclosed quote, a trailing backslash or
// pipe), and which programs does it run.
//
// web-tree-sitter can only be initialised asynchronously (it compiles its
// WebAssembly), so this module does it once with a top-level await: importing
// @tapline/terminal resolves when the grammar is ready, and every parse after
// that is synchronous, as the extractor needs inside xterm's parser callbacks.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, type Node, Parser } from 'web-tree-sitter';
import type { CommandProgram } from './types.js';

const require = createRequire(import.meta.url);

/**
 * One init per web-tree-sitter module: a second `Parser.init()` replaces its
 * WebAssembly instance, and every parser made before then returns no tree.
 * Two copies of this module in one process (a bundle beside node_modules,
 * source beside dist) share one web-tree-sitter, so the promise is kept on
 * its Parser class, where each copy of web-tree-sitter has its own.
 */
const INIT = Symbol.for('tapline.terminal.treeSitterInit');
const parserClass = Parser as unknown as Record<symbol, Promise<void> | undefined>;
parserClass[INIT] ??= Parser.init();
await parserClass[INIT];
const bash = await Language.load(readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
const parser = new Parser();
parser.setLanguage(bash);

/** Longer text is not parsed (a megabyte paste): it counts as complete and names no program. */
const MAX_PARSED_CHARS = 64 * 1024;
/** Recent parses by text: people repeat commands, and a repeat costs a lookup. */
const CACHE_SIZE = 512;

/** One complete command of a text, by its line range in that text. */
export interface ParsedCommand {
  /** The command's lines (a heredoc body and continuation lines included), joined with "\n". */
  text: string;
  programs: CommandProgram[];
}

export interface ParsedText {
  /** The complete commands, one per line unless a command spans several (a for block, a heredoc). */
  commands: ParsedCommand[];
  /**
   * The lines after the last complete command when they are not a complete
   * command yet: the shell asks for more (its PS2 prompt). "" when none.
   */
  incomplete: string;
}

/**
 * Wrappers that run the program named after their options, with the short
 * options of theirs that take a separate argument and how many operands come
 * before the program (timeout's duration, chroot's directory).
 */
const WRAPPERS: ReadonlyMap<string, { withArgument: string; operands: number }> = new Map([
  ['sudo', { withArgument: 'CDghprRTUu', operands: 0 }],
  ['doas', { withArgument: 'Cu', operands: 0 }],
  ['env', { withArgument: 'CSu', operands: 0 }],
  ['exec', { withArgument: 'a', operands: 0 }],
  ['command', { withArgument: '', operands: 0 }],
  ['builtin', { withArgument: '', operands: 0 }],
  ['nohup', { withArgument: '', operands: 0 }],
  ['time', { withArgument: 'fo', operands: 0 }],
  ['nice', { withArgument: 'n', operands: 0 }],
  ['ionice', { withArgument: 'cnp', operands: 0 }],
  ['stdbuf', { withArgument: 'ioe', operands: 0 }],
  ['setsid', { withArgument: '', operands: 0 }],
  ['xargs', { withArgument: 'aEeIiLlnPsd', operands: 0 }],
  ['timeout', { withArgument: 'ks', operands: 1 }],
  ['chroot', { withArgument: '', operands: 1 }],
]);

const ASSIGNMENT_WORD = /^[A-Za-z_][A-Za-z0-9_]*=/;

const cache = new Map<string, ParsedText>();

/** Splits `text` (one or more accepted lines joined with "\n") into complete commands and a rest. */
export function parseShellText(text: string): ParsedText {
  const cached = cache.get(text);
  if (cached !== undefined) {
    // Refresh its place: the oldest entry goes first when full.
    cache.delete(text);
    cache.set(text, cached);
    return cached;
  }
  const parsed = parseUncached(text);
  if (cache.size === CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): ParsedText {
  if (text.length > MAX_PARSED_CHARS || text.trim() === '') {
    return { commands: text.trim() === '' ? [] : [{ text, programs: [] }], incomplete: '' };
  }
  const tree = parser.parse(text);
  if (tree === null) return { commands: [{ text, programs: [] }], incomplete: '' };
  try {
    const root = tree.rootNode;
    const lines = text.split('\n');
    const commands: ParsedCommand[] = [];
    // Top-level statements, grouped by the lines they cover: statements on one
    // line (`a; b`) are one command line; a statement over several lines (a
    // for block, a heredoc with its body) is one command.
    let groupFirstRow = -1;
    let groupLastRow = -1;
    let groupNodes: Node[] = [];
    let errorRow = -1;
    const flush = (): void => {
      if (groupNodes.length === 0) return;
      const programs: CommandProgram[] = [];
      for (const node of groupNodes) collectPrograms(node, programs);
      commands.push({ text: lines.slice(groupFirstRow, groupLastRow + 1).join('\n'), programs });
      groupNodes = [];
    };
    // tree-sitter accepts a heredoc that is cut off at the end of the text
    // (no terminator line yet): the shell is still reading its body.
    const openHeredocRow = unterminatedHeredocRow(root, lines);
    for (const child of root.namedChildren) {
      if (child === null || child.type === 'comment') continue;
      const first = child.startPosition.row;
      const last = lastRowOf(child);
      if (child.type === 'ERROR' || child.hasError || (openHeredocRow >= 0 && last >= openHeredocRow)) {
        errorRow = first;
        break;
      }
      if (groupNodes.length > 0 && first > groupLastRow) flush();
      if (groupNodes.length === 0) groupFirstRow = first;
      groupLastRow = Math.max(groupLastRow, last);
      groupNodes.push(child);
    }
    if (errorRow === -1) {
      flush();
      return { commands, incomplete: '' };
    }
    // The error's line belongs with the statements already on it.
    if (groupNodes.length > 0 && errorRow <= groupLastRow) errorRow = groupFirstRow;
    else flush();
    return { commands, incomplete: lines.slice(errorRow).join('\n') };
  } finally {
    tree.delete();
  }
}

/**
 * The row of the first heredoc whose delimiter line has not come yet, or -1.
 * The delimiter is the word after `<<` with its quotes removed; `<<-` allows
 * leading tabs on the terminator line.
 */
function unterminatedHeredocRow(root: Node, lines: readonly string[]): number {
  for (const start of root.descendantsOfType('heredoc_start')) {
    if (start === null) continue;
    const row = start.startPosition.row;
    const before = lines[row]?.slice(0, start.startPosition.column) ?? '';
    const stripTabs = /<<-\s*$/.test(before);
    const delimiter = start.text.replace(/["'\\]/g, '');
    let terminated = false;
    for (let next = row + 1; next < lines.length && !terminated; next++) {
      const line = lines[next]!;
      // Lines come from the screen, where a tab shows as spaces and trailing blanks are lost.
      terminated = (stripTabs ? line.replace(/^[\t ]+/, '') : line).trimEnd() === delimiter;
    }
    if (!terminated) return row;
  }
  return -1;
}

/** The last row a node covers; a node ending at column 0 ends on the row before. */
function lastRowOf(node: Node): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** The word as the shell reads it: quotes removed, escapes resolved (expansions kept as written). */
function wordValue(node: Node): string {
  switch (node.type) {
    case 'raw_string':
      return node.text.slice(1, -1);
    case 'string':
      return node.text.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1');
    case 'concatenation': {
      let value = '';
      for (const part of node.namedChildren) if (part !== null) value += wordValue(part);
      return value;
    }
    default:
      return node.text.replace(/\\(.)/g, '$1');
  }
}

/** Every program `node` runs, in order; function bodies are skipped (defining runs nothing). */
function collectPrograms(node: Node, programs: CommandProgram[]): void {
  if (node.type === 'function_definition') return;
  if (node.type === 'command') {
    collectCommand(node, programs);
    return;
  }
  for (const child of node.namedChildren) if (child !== null) collectPrograms(child, programs);
}

function collectCommand(node: Node, programs: CommandProgram[]): void {
  const assignments: string[] = [];
  const words: Node[] = [];
  for (const child of node.namedChildren) {
    if (child === null) continue;
    if (child.type === 'variable_assignment') assignments.push(child.text);
    else if (child.type === 'command_name' || node.childForFieldName('name') === child) words.push(child);
    else if (child.type.endsWith('redirect')) collectNested(child, programs);
    else words.push(child);
  }
  const wrappers: string[] = [];
  let index = 0;
  let program = '';
  while (index < words.length) {
    const word = words[index]!;
    const inner = word.type === 'command_name' ? word.firstNamedChild : word;
    if (inner !== null && (inner.type === 'subshell' || inner.type === 'compound_statement')) {
      // `time (cat f)`: the wrapper runs a subshell; its programs are the ones that ran.
      collectPrograms(inner, programs);
      index++;
      wrappers.length = 0;
      break;
    }
    const value = inner === null ? '' : wordValue(inner);
    const name = value.slice(value.lastIndexOf('/') + 1);
    const wrapper = WRAPPERS.get(name);
    if (wrapper === undefined) {
      program = name;
      index++;
      break;
    }
    wrappers.push(name);
    index++;
    // The wrapper's options ("-u root", "-uroot", "--user=root", "--"), env's
    // NAME=value words, then its operands before the program.
    while (index < words.length) {
      const option = wordValue(words[index]!);
      if (name === 'env' && ASSIGNMENT_WORD.test(option)) {
        assignments.push(option);
        index++;
        continue;
      }
      if (!option.startsWith('-') || option === '-') break;
      index++;
      if (option === '--') break;
      if (!option.startsWith('--') && option.length === 2 && wrapper.withArgument.includes(option[1]!))
        index++;
    }
    index += wrapper.operands;
  }
  // Only a wrapper and its options (`sudo -i`): the wrapper is the program.
  if (program === '' && wrappers.length > 0) program = wrappers.pop()!;
  if (program !== '') programs.push({ name: program, assignments, wrappers });
  // Programs inside the arguments: $(…), `…`, <(…).
  for (; index < words.length; index++) collectNested(words[index]!, programs);
}

function collectNested(node: Node, programs: CommandProgram[]): void {
  if (
    node.type === 'command_substitution' ||
    node.type === 'process_substitution' ||
    node.type === 'subshell'
  ) {
    collectPrograms(node, programs);
    return;
  }
  for (const child of node.namedChildren) if (child !== null) collectNested(child, programs);
}

/** The first program a command line runs ("sudo -u root vim /etc/hosts" → "vim"), or "". */
export function programOf(commandLine: string): string {
  const parsed = parseShellText(commandLine.trim());
  const first = parsed.commands[0]?.programs[0];
  if (first !== undefined) return first.name;
  return '';
}

/** Every program of a command's text. */
export function programsOf(commandText: string): CommandProgram[] {
  const parsed = parseShellText(commandText);
  const programs: CommandProgram[] = [];
  for (const command of parsed.commands) programs.push(...command.programs);
  return programs;
}
