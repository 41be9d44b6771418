import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrames, verifyRecording } from '@tapline/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connector, startConnector } from '../src/connector.js';

describe('the example PostgreSQL connector', () => {
  let connector: Connector;
  beforeAll(async () => {
    connector = await startConnector();
  });
  afterAll(async () => {
    await connector?.close();
  });

  it('lets psql in with the printed token and records the statements', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        'psql',
        ['-X', '-A', '-t', '-d', connector.dsn, '-c', "select 'hello from ' || current_user"],
        { env: { ...process.env, PGPASSWORD: connector.token } },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
      );
    });
    expect(output.trim()).toBe('hello from postgres');
    expect(connector.psqlCommand).toContain(connector.token);
    await connector.recorder.idle();
    const directory = join(connector.directory, 'recordings');
    const file = readdirSync(directory).find((name) => name.endsWith('.tapline')) as string;
    const bytes = readFileSync(join(directory, file));
    expect(await verifyRecording(bytes)).toMatchObject({ complete: true });
    const texts: string[] = [];
    for await (const frame of readFrames(bytes)) if (frame.query) texts.push(frame.query.text ?? '');
    expect(texts).toEqual(["select 'hello from ' || current_user"]);
  });
});
