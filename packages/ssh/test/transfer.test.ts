import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFile, sha256File, userDirectory } from './helpers/files.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { run } from './helpers/processes.js';

const MiB = 1024 * 1024;

describe('bulk transfer and concurrency through the proxy', () => {
  let fixture: Fixture;
  let directory: string;
  beforeAll(async () => {
    fixture = await startFixture();
    directory = userDirectory('tapline-transfer-');
  });
  afterAll(async () => {
    await fixture?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('downloads 100 MiB with a matching checksum, recorded byte for byte', async () => {
    const source = join(directory, 'download.bin');
    const expected = randomFile(source, 100 * MiB);
    const result = await run('ssh', [...fixture.sshArgs(), `cat ${source}`], {
      keepStdout: 0,
      timeoutMs: 90_000,
    });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdoutBytes).toBe(100 * MiB);
    expect(result.stdoutSha256).toBe(expected);
    const session = await fixture.recorder.waitFor((s) => s.commands.some((c) => c.text === `cat ${source}`));
    await session.ended;
    const [stream] = session.streamsOf('ssh_exec');
    expect(stream?.bytes.target_to_client).toBe(100 * MiB);
    expect(stream?.hashes.target_to_client.digest('hex')).toBe(expected);
    expect(stream?.closed?.exitStatus).toBe(0);
  }, 120_000);

  it('uploads 64 MiB through stdin with a matching checksum', async () => {
    const source = join(directory, 'upload-source.bin');
    const destination = join(directory, 'upload.bin');
    const expected = randomFile(source, 64 * MiB);
    const result = await run('ssh', [...fixture.sshArgs(), `cat > ${destination}`], {
      stdinFile: source,
      timeoutMs: 90_000,
    });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(sha256File(destination)).toBe(expected);
    const session = await fixture.recorder.waitFor((s) =>
      s.commands.some((c) => c.text === `cat > ${destination}`),
    );
    await session.ended;
    expect(session.streamsOf('ssh_exec')[0]?.hashes.client_to_target.digest('hex')).toBe(expected);
  }, 120_000);

  it('runs 50 concurrent sessions, every one succeeds and is recorded on its own', async () => {
    const before = fixture.recorder.sessions.length;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        run('ssh', [...fixture.sshArgs(), `echo $((${index} * ${index})); exit ${index % 7}`], {
          timeoutMs: 90_000,
        }),
      ),
    );
    results.forEach((result, index) => {
      expect({
        index,
        stderr: result.stderr.toString(),
        stdout: result.stdout.toString(),
        code: result.code,
      }).toEqual({
        index,
        stderr: '',
        stdout: `${index * index}\n`,
        code: index % 7,
      });
    });
    const sessions = fixture.recorder.sessions.slice(before);
    expect(sessions).toHaveLength(50);
    const reasons = await Promise.all(sessions.map((session) => session.ended));
    expect(new Set(reasons)).toEqual(new Set(['client_closed']));
    expect(new Set(sessions.map((session) => session.sessionId)).size).toBe(50);
  }, 120_000);
});
