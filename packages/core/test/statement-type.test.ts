import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statementTypeOf } from '../src/index.js';

describe('statementTypeOf', () => {
  it.each([
    ['select 1', 'SELECT'],
    ['  \n\tDROP TABLE t', 'DROP'],
    ['-- why\n-- more\nupdate t set a = 1', 'UPDATE'],
    ['/* hint */ /* two */ insert into t values (1)', 'INSERT'],
    ['((select 1))', 'SELECT'],
    ['with x as (delete from t returning *) select * from x', 'WITH'],
    ['', ''],
    [';', ''],
    ['42', ''],
    ['/* unterminated comment select 1', ''],
    ['-- only a comment', ''],
  ])('%j → %j', (text, expected) => {
    expect(statementTypeOf(text)).toBe(expected);
  });

  it('looks at most at the first 4 KiB, so a huge statement costs nothing', () => {
    expect(statementTypeOf(`${' '.repeat(5000)}select 1`)).toBe('');
    expect(statementTypeOf(`delete from t where id in (${'1,'.repeat(1_000_000)}1)`)).toBe('DELETE');
  });

  it('never throws and returns an upper-case word or nothing (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const type = statementTypeOf(text);
        expect(type).toMatch(/^[A-Z_]*$/);
      }),
      { numRuns: 2000 },
    );
  });
});
