// The pure parts of the ground-truth harness: alignment and counting, the
// busybox history diff, and the generator's reproducibility and coverage.
import { describe, expect, it } from 'vitest';
import { compareCommands, exactPercent, normalizeCommand, sumComparisons } from './compare.js';
import { generateSessions, type ShellName } from './generator.js';
import { linesAdded } from './shells.js';

describe('compareCommands', () => {
  it('counts exact, near, lost and invented commands in order', () => {
    const result = compareCommands(
      ['echo a t1', 'for i in 1 2; do\necho $i\ndone', 'echo lost t3', 'echo b t4'],
      ['echo a t1', 'for i in 1 2; do', 'echo $i', 'done', 'echo b t4', 'EOF'],
      'case',
    );
    expect(result).toMatchObject({ oracle: 4, recorded: 6, matched: 3, exact: 2, lost: 1, invented: 3 });
    expect(result.mismatches.map((m) => m.kind).sort()).toEqual([
      'inexact',
      'invented',
      'invented',
      'invented',
      'lost',
    ]);
    expect(result.mismatches.find((m) => m.kind === 'lost')).toEqual({
      kind: 'lost',
      expected: 'echo lost t3',
      where: 'case',
    });
    expect(exactPercent(result)).toBe(50);
  });

  it('never matches out of order, and a perfect recording shows nothing', () => {
    expect(compareCommands(['echo x t1', 'echo y t2'], ['echo y t2', 'echo x t1'])).toMatchObject({
      matched: 1,
      lost: 1,
      invented: 1,
    });
    const perfect = compareCommands(['a t1', 'b t2'], ['a t1', 'b t2']);
    expect(perfect).toMatchObject({ matched: 2, exact: 2, lost: 0, invented: 0, mismatches: [] });
    expect(sumComparisons([perfect, perfect])).toMatchObject({ oracle: 4, exact: 4 });
  });

  it('normalizes what the shells themselves disagree on, and nothing else', () => {
    expect(normalizeCommand('echo a \\\nb  ')).toBe('echo a b');
    expect(normalizeCommand('cat alpha.txt ')).toBe('cat alpha.txt');
    expect(normalizeCommand('cat <<-EOF\n\tbody\n\tEOF')).toBe('cat <<-EOF\n\tbody\n\tEOF');
    expect(compareCommands(['echo a\necho b'], ['echo a echo b']).exact).toBe(0);
  });
});

describe('linesAdded (busybox history dumps)', () => {
  it('finds the new lines of a bounded history, before and after it is full', () => {
    expect(linesAdded([], ['a', 'b'])).toEqual(['a', 'b']);
    expect(linesAdded(['a', 'b'], ['a', 'b'])).toEqual([]);
    expect(linesAdded(['a', 'b'], ['a', 'b', 'c', 'd'])).toEqual(['c', 'd']);
    expect(linesAdded(['a', 'b', 'c'], ['b', 'c', 'd'])).toEqual(['d']);
    expect(linesAdded(['a', 'b', 'c'], ['c', 'x', 'y'])).toEqual(['x', 'y']);
    expect(linesAdded(['a', 'b', 'c'], ['x', 'y', 'z'])).toEqual(['x', 'y', 'z']);
  });
});

describe('generateSessions', () => {
  const shells: ShellName[] = ['bash', 'zsh', 'busybox'];

  it('is reproducible from its seed and differs across seeds', () => {
    const once = JSON.stringify(generateSessions({ shell: 'bash', seed: 7, sequences: 300 }), replacer);
    const twice = JSON.stringify(generateSessions({ shell: 'bash', seed: 7, sequences: 300 }), replacer);
    const other = JSON.stringify(generateSessions({ shell: 'bash', seed: 8, sequences: 300 }), replacer);
    expect(once).toBe(twice);
    expect(once).not.toBe(other);
  });

  for (const shell of shells) {
    it(`${shell}: 500 sequences in sessions that each end with an exit, covering every feature`, () => {
      const sessions = generateSessions({ shell, seed: 13, sequences: 500, perSession: 40 });
      const sequences = sessions.flatMap((session) => session.sequences);
      expect(sequences).toHaveLength(500);
      expect(sequences.map((s) => s.index)).toEqual([...Array(500).keys()]);
      for (const session of sessions) {
        expect(session.sequences.at(-1)?.exits).toBe(true);
        expect(session.sequences.slice(0, -1).some((s) => s.exits)).toBe(false);
      }
      const features = new Set(sequences.map((s) => s.feature));
      const everywhere = [
        'typed',
        'backspace',
        'ctrl-a/home',
        'ctrl-e/end',
        'ctrl-k',
        'ctrl-u',
        'ctrl-w',
        'arrows',
        'alt-b/alt-f',
        'tab-completion',
        'paste-bracketed',
        'paste-unbracketed',
        'several-in-one-write',
        'paste-20-commands',
        'type-ahead',
        'for-loop',
        'while-loop',
        'if-else',
        'case',
        'function',
        'backslash-continuation',
        'unclosed-quote',
        'heredoc',
        'heredoc-quoted',
        'ctrl-c-half-typed',
        'no-echo-read',
        'full-screen-vi',
        'full-screen-less',
      ];
      // busybox's build has no Ctrl-R and no vi mode (its `set -o vi` does nothing).
      const bashAndZsh = ['ctrl-r', 'set-o-vi', 'history-up', 'heredoc-dash-pasted'];
      for (const feature of [...everywhere, ...(shell === 'busybox' ? [] : bashAndZsh)]) {
        expect(features, feature).toContain(feature);
      }
      expect(features).toContain(shell === 'busybox' ? 'history-up+edit' : 'history-up');
    });
  }
});

function replacer(_key: string, value: unknown): unknown {
  return value instanceof RegExp ? value.source : value;
}
