import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKill, isLoadLocal, parseKill, splitStatements, useDatabase } from '../src/statements.js';

describe('statement helpers', () => {
  it('splits on ; outside quotes and comments', () => {
    expect(splitStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitStatements('SELECT \'a;b\'; SELECT "c;"; SELECT `d;e`')).toEqual([
      "SELECT 'a;b'",
      'SELECT "c;"',
      'SELECT `d;e`',
    ]);
    expect(splitStatements("SELECT 'it\\'s;'; SELECT 2 -- x;y\n; /* ; */ SELECT 3 # ;\n")).toEqual([
      "SELECT 'it\\'s;'",
      'SELECT 2 -- x;y',
      '/* ; */ SELECT 3 # ;',
    ]);
    expect(splitStatements('SELECT 1;')).toEqual(['SELECT 1;']);
    expect(splitStatements('  SELECT 1  ')).toEqual(['SELECT 1']);
  });

  it('finds KILL ids and replaces them', () => {
    expect(parseKill('KILL QUERY 1073741830')?.withId(12)).toBe('KILL QUERY 12');
    expect(parseKill('kill 7;')?.id).toBe(7);
    expect(parseKill('KILL HARD CONNECTION 9')?.withId(3)).toBe('KILL HARD CONNECTION 3');
    expect(parseKill('KILL QUERY ID 5')).toMatchObject({ id: 5, queryId: true });
    expect(parseKill('KILL QUERY 5')).toMatchObject({ id: 5, queryId: false });
    expect(parseKill('SELECT 1')).toBeUndefined();
    expect(parseKill('KILL USER bob')).toBeUndefined();
    expect(isKill('KILL USER bob')).toBe(true);
    expect(isKill('/* why */ kill 5 + 1')).toBe(true);
    expect(isKill('SELECT killer FROM t')).toBe(false);
    expect(isKill('KILLALL')).toBe(false);
  });

  it('recognises LOAD DATA LOCAL and USE', () => {
    expect(isLoadLocal("LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t")).toBe(true);
    expect(isLoadLocal("/* x */ load data low_priority local infile 'f' into table t")).toBe(true);
    expect(isLoadLocal("LOAD DATA INFILE '/srv/f' INTO TABLE t")).toBe(false);
    expect(useDatabase('USE `shop`;')).toBe('shop');
    expect(useDatabase('USE shop')).toBe('shop');
    expect(useDatabase('SELECT 1')).toBeUndefined();
  });

  it('fuzz: any text splits without throwing, and the pieces keep every statement character', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const pieces = splitStatements(text);
        expect(pieces.length).toBeGreaterThan(0);
        for (const piece of pieces) expect(text.includes(piece)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
