import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { Parser } from 'web-tree-sitter';
import { showsKeysWithTabs } from '../src/extractor.js';
import { programOf, programsOf } from '../src/index.js';
import { InputByte, InputScanner } from '../src/input-scanner.js';

function scan(text: string, scanner = new InputScanner()): InputByte[] {
  return Array.from(new TextEncoder().encode(text), (byte) => scanner.step(byte));
}

describe('InputScanner', () => {
  test('CR, LF and CR LF are each one Enter', () => {
    expect(scan('a\r')).toEqual([InputByte.Key, InputByte.Enter]);
    expect(scan('a\n')).toEqual([InputByte.Key, InputByte.Enter]);
    expect(scan('a\r\n')).toEqual([InputByte.Key, InputByte.Enter, InputByte.None]);
    expect(scan('\r\r')).toEqual([InputByte.Enter, InputByte.Enter]);
  });

  test("the terminal's own reports (cursor position, focus) are not keys and leave the typed keys intact", () => {
    const scanner = new InputScanner();
    expect(scan('\x1b[40;3R\x1b[I\x1b[O', scanner).every((meaning) => meaning === InputByte.None)).toBe(true);
    expect(scanner.lineHasKeys).toBe(false);
    scan('ls\x1b[12;5R -l', scanner);
    expect(scanner.takeKeys()).toBe('ls -l');
    // A real cursor key is a key, and an edit.
    expect(scan('a\x1b[D', scanner).at(-1)).toBe(InputByte.Key);
    expect(scanner.takeKeys()).toBe('');
  });

  test('inside a bracketed paste CR and LF are text, and the state survives any split', () => {
    const text = 'x\x1b[200~a\rb\nc\x1b[201~\r';
    const whole = scan(text);
    expect(whole.filter((meaning) => meaning === InputByte.Enter)).toHaveLength(1);
    expect(whole.at(-1)).toBe(InputByte.Enter);
    for (let at = 0; at <= text.length; at++) {
      const scanner = new InputScanner();
      expect([...scan(text.slice(0, at), scanner), ...scan(text.slice(at), scanner)]).toEqual(whole);
    }
  });

  test('a paste marker spread over random noise is still found (the 6-byte window stays exact)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (noise) => {
        const scanner = new InputScanner();
        for (const byte of noise) scanner.step(byte);
        scan('\x1b[201~', scanner); // whatever the noise did, leave any paste
        const meanings = scan('\x1b[200~\r\x1b[201~\r', scanner);
        expect(meanings[6]).toBe(InputByte.Key);
        expect(meanings.at(-1)).toBe(InputByte.Enter);
      }),
    );
  });
});

describe('showsKeysWithTabs', () => {
  test('a run of blanks with tabs matches 1 to 8 columns per tab; everything else must be equal', () => {
    expect(showsKeysWithTabs('        body', '\tbody')).toBe(true);
    expect(showsKeysWithTabs('a       b', 'a\tb')).toBe(true);
    expect(showsKeysWithTabs('a b', 'a\tb')).toBe(true);
    expect(showsKeysWithTabs('ab', 'a\tb')).toBe(false);
    expect(showsKeysWithTabs('a         b', 'a\tb')).toBe(false);
    expect(showsKeysWithTabs('a  b', 'a b')).toBe(false);
    expect(showsKeysWithTabs('x\n  y', 'x\n\ty')).toBe(true);
    expect(showsKeysWithTabs('x\n  z', 'x\n\ty')).toBe(false);
    expect(showsKeysWithTabs('body', 'body\t')).toBe(false);
  });

  test('fast-check: text with tabs expanded to the next 8-column stop always matches', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '\t', '\n'), { maxLength: 60 }), (chars) => {
        const keys = chars.join('');
        let column = 0;
        let screen = '';
        for (const char of keys) {
          if (char === '\t') {
            const width = 8 - (column % 8);
            screen += ' '.repeat(width);
            column += width;
          } else {
            screen += char;
            column = char === '\n' ? 0 : column + 1;
          }
        }
        expect(showsKeysWithTabs(screen, keys)).toBe(true);
      }),
    );
  });
});

describe('programOf', () => {
  test.each([
    ['vi /etc/hosts', 'vi'],
    ['/usr/bin/vim -R x', 'vim'],
    ['EDITOR=vi LANG=C less file', 'less'],
    ['sudo -u root vim /etc/hosts', 'vim'],
    ['sudo -E -- top', 'top'],
    ['sudo -i', 'sudo'],
    ['nice -n 5 htop', 'htop'],
    ['env TERM=xterm tmux attach', 'tmux'],
    ['exec tmux', 'tmux'],
    ["'vim' x", 'vim'],
    ['   ', ''],
    ['', ''],
  ])('%j runs %j', (line, program) => {
    expect(programOf(line)).toBe(program);
  });

  test('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => typeof programOf(text) === 'string'));
  });
});

describe('programsOf (tree-sitter-bash)', () => {
  const names = (text: string) => programsOf(text).map((program) => program.name);

  test.each([
    ['time (cat f)', ['cat']],
    ['sudo -n true; whoami', ['true', 'whoami']],
    ['ls -l | grep x && echo ok || echo no', ['ls', 'grep', 'echo', 'echo']],
    ['(cd /tmp && rm -rf x)', ['cd', 'rm']],
    ['{ a; b; }', ['a', 'b']],
    ['echo $(date) `hostname`', ['echo', 'date', 'hostname']],
    ['diff <(sort a) <(sort b)', ['diff', 'sort', 'sort']],
    ['nohup ./server.sh --port 8 &', ['server.sh']],
    ['exec -a name /bin/bash', ['bash']],
    ['command -v git', ['git']],
    ['find . -name x | xargs -n 1 rm', ['find', 'rm']],
    ['timeout 5 curl -s x', ['curl']],
    ['! grep -q x f', ['grep']],
    ['cat <<EOF | sh\nrm -rf /\nEOF', ['cat', 'sh']],
    ['f() { rm -rf /; }', []],
    ['X=1', []],
    ['for f in *; do gzip "$f"; done', ['gzip']],
    // `[ … ]` and `[[ … ]]` are test expressions in the grammar (builtins), not programs.
    ['if [ -f x ]; then cat x; fi', ['cat']],
  ])('%j runs %j', (text, programs) => {
    expect(names(text)).toEqual(programs);
  });

  test('assignments and wrappers go with their program', () => {
    expect(programsOf('FOO=1 BAR="a b" sudo -u root env -i TZ=UTC nohup ls -l')).toEqual([
      { name: 'ls', assignments: ['FOO=1', 'BAR="a b"', 'TZ=UTC'], wrappers: ['sudo', 'env', 'nohup'] },
    ]);
    expect(programsOf('time (cat f)')).toEqual([{ name: 'cat', assignments: [], wrappers: [] }]);
  });

  test('never throws on arbitrary text, and parses are cached (same result object)', () => {
    fc.assert(fc.property(fc.string(), (text) => Array.isArray(programsOf(text))));
    expect(programsOf('ls -la')[0]).toBe(programsOf('ls -la')[0]);
  });
});

describe('the shell grammar, loaded twice in one process', () => {
  // Two copies initialising web-tree-sitter at once leave one of them with no
  // trees at all (every line one command, no programs): each copy must reuse
  // the first init instead of starting its own.
  test('a second copy of the module (source beside dist, two bundles) does not initialise web-tree-sitter again', async () => {
    await import('../src/grammar.js');
    const init = vi.spyOn(Parser, 'init');
    try {
      // A query makes the module loader evaluate a second, separate copy of the file.
      const secondCopy = '../src/grammar.js?second-copy';
      const copy = (await import(/* @vite-ignore */ secondCopy)) as typeof import('../src/grammar.js');
      expect(init).not.toHaveBeenCalled();
      expect(copy.parseShellText('echo a\necho b; ls').commands.map((command) => command.text)).toEqual([
        'echo a',
        'echo b; ls',
      ]);
    } finally {
      init.mockRestore();
    }
  });
});
