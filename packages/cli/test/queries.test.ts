import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tapline } from './helpers.js';

// The database vector of docs/format.md: every Query field, written by the
// frames package's golden test. Older recordings (without these fields) are
// covered by inspect.golden.json.
const vector = join(import.meta.dirname, '../../frames/test/fixtures/golden-query.tapline');

describe('database sessions', () => {
  it('inspect shows statements with parameters, row counts, COPY sizes, errors and notifications', async () => {
    const result = await tapline(['inspect', vector]);
    expect(result.code, result.stderr).toBe(0);
    const stdout = result.stdout.toString('utf8');
    expect(stdout).toContain('1 stream, 0 commands, 6 queries');
    expect(stdout).toContain('SQL select 1 → SELECT 1, 1 row');
    expect(stdout).toContain(
      'SQL insert into files (id, body, meta) values ($1, $2, $3) [7, <1048576 bytes>, NULL] → INSERT 0 1, 1 row',
    );
    expect(stdout).toContain('SQL drop table audit_log → ERROR 42501 permission denied for table audit_log');
    expect(stdout).toContain('SQL copy_out copy files to stdout → COPY 3, 3 rows, 3145728 bytes copied');
    expect(stdout).toContain('NOTIFY events deploy done');
  });

  it('export --format jsonl carries every query field', async () => {
    const result = await tapline(['export', vector, '-f', 'jsonl']);
    expect(result.code, result.stderr).toBe(0);
    const queries = result.stdout
      .toString('utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.type === 'query');
    expect(queries).toHaveLength(6);
    expect(queries[1]).toMatchObject({
      mode: 'extended',
      kind: 'execute',
      statement: 'ins_file',
      transactionStatus: 'transaction',
      warnings: 1,
      statementType: 'INSERT',
      startedOffsetNs: 5_000_000,
      parameters: [
        { value: '7', type: 'int4', format: 'binary', length: null },
        { value: '', type: 'bytea', format: 'binary', length: 1_048_576 },
        { value: null, type: 'jsonb', format: 'text' },
      ],
    });
    expect(queries[2]).toMatchObject({
      errorCode: '42501',
      errorSeverity: 'ERROR',
      transactionStatus: 'failed',
    });
    expect(queries[3]).toMatchObject({ kind: 'copy_out', copyBytes: 3_145_728, rows: 3 });
    expect(queries[4]).toMatchObject({ kind: 'notification', channel: 'events', text: 'deploy done' });
    expect(queries[5]).toMatchObject({ lastInsertId: 4242, mode: 'text' });
  });

  it('asciicast export of a session without a terminal stream says so', async () => {
    const result = await tapline(['export', vector, '-f', 'asciicast']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('TAPLINE_ERR_CLI_NO_TERMINAL_STREAM');
    expect(result.stderr).toContain('a database session has none');
  });
});
