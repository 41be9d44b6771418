// Compares the commands the extractor recorded with the shell's own log,
// command by command. Pure: two lists in, figures and mismatches out.
//
// The lists are aligned in order (a command is never matched with one run
// before an earlier match), maximising exact matches first, then near ones:
// a near match is a recorded command that is recognisably the same command
// with different text (same words, mostly), so it counts as matched but not
// exact. Everything left over is lost (in the shell's log only) or invented
// (in the recording only).
import { parseShellText } from '@tapline/terminal';

/** What both sides are compared as; the shells themselves disagree on these, so they are not errors. */
export function normalizeCommand(text: string): string {
  return (
    text
      // bash stores `a \` + `b` as "a b", zsh and busybox keep the backslash-newline.
      .replace(/\\\n/g, '')
      // Trailing blanks (a completion's trailing space) are invisible on the screen and to the shell.
      .split('\n')
      .map((line) => line.replace(/[ \t]+$/, ''))
      .join('\n')
      .trim()
  );
}

/**
 * One entry per complete command, as the bash grammar reads it: zsh logs a
 * bracketed paste of three lines as one entry (one accept-line runs all
 * three), bash as three. Either way three commands ran; a for block or a
 * heredoc with its body stays one command.
 */
function commandLines(text: string): string[] {
  const parsed = parseShellText(text);
  if (parsed.incomplete !== '' || parsed.commands.length <= 1) return [text];
  return parsed.commands.map((command) => command.text);
}

export interface Mismatch {
  kind: 'lost' | 'invented' | 'inexact';
  /** The shell's text (lost, inexact). */
  expected?: string;
  /** The recorded text (invented, inexact). */
  recorded?: string;
  /** Where it happened: the label given to `compareCommands`. */
  where: string;
}

export interface Comparison {
  /** Commands in the shell's log. */
  oracle: number;
  /** Commands the extractor recorded. */
  recorded: number;
  matched: number;
  exact: number;
  lost: number;
  invented: number;
  mismatches: Mismatch[];
}

const EXACT = 4;
const NEAR = 1;

function words(text: string): Set<string> {
  return new Set(text.split(/[\s;|&()<>'"`{}]+/).filter((word) => word.length > 0));
}

/** Same command, other text: at least half of the words shared (Jaccard). */
function near(a: string, b: string): boolean {
  const left = words(a);
  const right = words(b);
  if (left.size === 0 || right.size === 0) return false;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared) >= 0.5;
}

/** Aligns `recorded` against `oracle` (the shell's log) and counts. */
export function compareCommands(
  oracle: readonly string[],
  recorded: readonly string[],
  where = '',
): Comparison {
  const expected = oracle.flatMap(commandLines).map(normalizeCommand);
  const actual = recorded.flatMap(commandLines).map(normalizeCommand);
  const rows = expected.length + 1;
  const cols = actual.length + 1;
  // score[i][j]: best score aligning expected[i:] with actual[j:]; filled backwards.
  const score = new Float64Array(rows * cols);
  const pairScore = (i: number, j: number): number =>
    expected[i] === actual[j] ? EXACT : near(expected[i]!, actual[j]!) ? NEAR : -1;
  for (let i = expected.length - 1; i >= 0; i--) {
    for (let j = actual.length - 1; j >= 0; j--) {
      const pair = pairScore(i, j);
      const take = pair > 0 ? pair + score[(i + 1) * cols + j + 1]! : -1;
      score[i * cols + j] = Math.max(take, score[(i + 1) * cols + j]!, score[i * cols + j + 1]!);
    }
  }
  const result: Comparison = {
    oracle: expected.length,
    recorded: actual.length,
    matched: 0,
    exact: 0,
    lost: 0,
    invented: 0,
    mismatches: [],
  };
  let i = 0;
  let j = 0;
  while (i < expected.length && j < actual.length) {
    const pair = pairScore(i, j);
    const here = score[i * cols + j]!;
    if (pair > 0 && here === pair + score[(i + 1) * cols + j + 1]!) {
      result.matched++;
      if (pair === EXACT) result.exact++;
      else result.mismatches.push({ kind: 'inexact', expected: oracle[i], recorded: recorded[j], where });
      i++;
      j++;
    } else if (here === score[(i + 1) * cols + j]!) {
      result.lost++;
      result.mismatches.push({ kind: 'lost', expected: oracle[i], where });
      i++;
    } else {
      result.invented++;
      result.mismatches.push({ kind: 'invented', recorded: recorded[j], where });
      j++;
    }
  }
  for (; i < expected.length; i++) {
    result.lost++;
    result.mismatches.push({ kind: 'lost', expected: oracle[i], where });
  }
  for (; j < actual.length; j++) {
    result.invented++;
    result.mismatches.push({ kind: 'invented', recorded: recorded[j], where });
  }
  return result;
}

/** Adds comparisons up (sessions of one shell). */
export function sumComparisons(parts: readonly Comparison[]): Comparison {
  const total: Comparison = {
    oracle: 0,
    recorded: 0,
    matched: 0,
    exact: 0,
    lost: 0,
    invented: 0,
    mismatches: [],
  };
  for (const part of parts) {
    total.oracle += part.oracle;
    total.recorded += part.recorded;
    total.matched += part.matched;
    total.exact += part.exact;
    total.lost += part.lost;
    total.invented += part.invented;
    total.mismatches.push(...part.mismatches);
  }
  return total;
}

/** Exact matches as a share of the shell's commands, in percent. */
export function exactPercent(comparison: Comparison): number {
  return comparison.oracle === 0 ? 100 : (100 * comparison.exact) / comparison.oracle;
}

/** The three figures and the mismatches, for the test output. */
export function formatComparison(label: string, comparison: Comparison, maxListed = 60): string {
  const lines = [
    `${label}: shell ran ${comparison.oracle}, recorded ${comparison.recorded}; ` +
      `lost ${comparison.lost}, invented ${comparison.invented}, matched ${comparison.matched}, ` +
      `exact ${comparison.exact} (${exactPercent(comparison).toFixed(2)}%)`,
  ];
  for (const mismatch of comparison.mismatches.slice(0, maxListed)) {
    const expected = mismatch.expected === undefined ? '' : ` shell=${JSON.stringify(mismatch.expected)}`;
    const recorded = mismatch.recorded === undefined ? '' : ` recorded=${JSON.stringify(mismatch.recorded)}`;
    lines.push(`  ${mismatch.kind.padEnd(8)} [${mismatch.where}]${expected}${recorded}`);
  }
  if (comparison.mismatches.length > maxListed) {
    lines.push(`  ... and ${comparison.mismatches.length - maxListed} more`);
  }
  return lines.join('\n');
}
