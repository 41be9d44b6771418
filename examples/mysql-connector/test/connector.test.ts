// The example connector on its embedded defaults, driven by the real mariadb client.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameToJson, readFrames, verifyRecording } from '@tapline/frames';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Connector, startConnector } from '../src/connector.js';

let directory: string;
let connector: Connector;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tapline-mysql-example-'));
  // Run as root, MariaDB runs as the mysql user, which must reach its datadir below this one.
  chmodSync(directory, 0o755);
  connector = await startConnector({ directory });
});

afterAll(async () => {
  await connector?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

it('records a mariadb session through the connector, and the recording verifies', async () => {
  // Asynchronous: the proxy runs in this process.
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      'mariadb',
      [
        '--no-defaults',
        '-h',
        '127.0.0.1',
        '-P',
        String(connector.address.port),
        '-u',
        'alice',
        `--password=${connector.token}`,
        '--ssl',
        `--ssl-ca=${connector.proxyCaPath}`,
        '--batch',
        'demo',
      ],
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(stdout)),
    );
    child.stdin?.end(
      "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT);\nINSERT INTO notes VALUES (1, 'hello');\nSELECT body FROM notes;\n",
    );
  });
  expect(output).toBe('body\nhello\n');
  await connector.recorder.idle();
  const files = readdirSync(connector.recordingsDirectory).filter((name) => name.endsWith('.tapline'));
  expect(files).toHaveLength(1);
  const bytes = readFileSync(join(connector.recordingsDirectory, files[0]!));
  const report = await verifyRecording(bytes);
  expect(report).toMatchObject({ intact: true, complete: true });
  const queries: string[] = [];
  for await (const frame of readFrames(bytes)) {
    const json = frameToJson(frame) as { query?: { text: string } };
    if (json.query) queries.push(json.query.text);
  }
  expect(readFileSync(join(connector.recordingsDirectory, 'events.jsonl'), 'utf8')).toContain('session');
  expect(queries).toEqual([
    'CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)',
    "INSERT INTO notes VALUES (1, 'hello')",
    'SELECT body FROM notes',
  ]);
});
