import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { programOf } from '../src/index.js';
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
