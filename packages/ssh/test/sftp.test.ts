import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SftpAnalyzerContext, sftpOperations } from '../src/index.js';
import { randomFile, sha256File, userDirectory } from './helpers/files.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { run } from './helpers/processes.js';
import { TEST_USER } from './helpers/sshd.js';

const MiB = 1024 * 1024;

interface SftpLog {
  context: SftpAnalyzerContext;
  up: number;
  down: number;
  ended: boolean;
}

describe('sftp and scp through the proxy (real OpenSSH clients)', () => {
  let fixture: Fixture;
  let remote: string;
  let local: string;
  const analyzers: SftpLog[] = [];
  beforeAll(async () => {
    fixture = await startFixture({
      analyzers: {
        // The default analyzer (@tapline/sftp), observed through the hook.
        sftp(context) {
          const real = sftpOperations()(context);
          const log: SftpLog = { context, up: 0, down: 0, ended: false };
          analyzers.push(log);
          return {
            clientToServer: (chunk) => {
              log.up += chunk.length;
              return real.clientToServer(chunk);
            },
            serverToClient: (chunk) => {
              log.down += chunk.length;
              return real.serverToClient(chunk);
            },
            end: () => {
              log.ended = true;
              return real.end();
            },
          };
        },
      },
    });
    remote = userDirectory('tapline-sftp-remote-');
    local = userDirectory('tapline-sftp-local-');
  });
  afterAll(async () => {
    await fixture?.close();
    for (const directory of [remote, local])
      if (directory) rmSync(directory, { recursive: true, force: true });
  });

  function clientArgs(portFlag: string): string[] {
    return [
      ...fixture.clientOptions(),
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      fixture.userKeyPath,
      portFlag,
      String(fixture.port),
    ];
  }

  it('sftp -b: put, get, rename, ls, rm, with the channel recorded as ssh_sftp', async () => {
    const source = join(local, 'put.bin');
    const expected = randomFile(source, 3 * MiB + 123);
    const fetched = join(local, 'got.bin');
    const batch = join(local, 'batch.txt');
    writeFileSync(
      batch,
      [
        `put ${source} ${remote}/a.bin`,
        `get ${remote}/a.bin ${fetched}`,
        `rename ${remote}/a.bin ${remote}/b.bin`,
        `ls -l ${remote}`,
        `rm ${remote}/b.bin`,
        '',
      ].join('\n'),
    );
    const result = await run('sftp', [...clientArgs('-P'), '-b', batch, `${TEST_USER}@127.0.0.1`], {
      timeoutMs: 60_000,
    });
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/b\.bin/);
    expect(sha256File(fetched)).toBe(expected);
    expect(existsSync(join(remote, 'a.bin'))).toBe(false);
    expect(existsSync(join(remote, 'b.bin'))).toBe(false);

    const session = await fixture.recorder.waitFor((s) => s.streamsOf('ssh_sftp').length > 0);
    await session.ended;
    const [stream] = session.streamsOf('ssh_sftp');
    expect(stream?.options.details?.subsystem).toBe('sftp');
    expect(stream?.options.contentRecorded).toBe(true);
    expect(stream?.bytes.client_to_target).toBeGreaterThan(3 * MiB);
    expect(stream?.bytes.target_to_client).toBeGreaterThan(3 * MiB);
    expect(stream?.closed).toBeDefined();
    const analyzer = analyzers.find(
      (log) => log.context.streamId === stream!.id && log.context.session === session,
    );
    expect(analyzer).toMatchObject({
      up: stream?.bytes.client_to_target,
      down: stream?.bytes.target_to_client,
      ended: true,
    });
  }, 90_000);

  it('scp in SFTP mode (the default) copies both ways over an sftp channel', async () => {
    const source = join(local, 'scp-up.bin');
    const expected = randomFile(source, 2 * MiB + 5);
    const before = fixture.recorder.sessions.length;
    const up = await run(
      'scp',
      [...clientArgs('-P'), source, `${TEST_USER}@127.0.0.1:${remote}/scp-sftp.bin`],
      {
        timeoutMs: 60_000,
      },
    );
    expect(up.stderr.toString()).toBe('');
    expect(up.code).toBe(0);
    expect(sha256File(join(remote, 'scp-sftp.bin'))).toBe(expected);
    const down = await run(
      'scp',
      [
        ...clientArgs('-P'),
        `${TEST_USER}@127.0.0.1:${remote}/scp-sftp.bin`,
        join(local, 'scp-sftp-back.bin'),
      ],
      { timeoutMs: 60_000 },
    );
    expect(down.code).toBe(0);
    expect(sha256File(join(local, 'scp-sftp-back.bin'))).toBe(expected);
    const sessions = fixture.recorder.sessions.slice(before);
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      await session.ended;
      expect(session.streamsOf('ssh_sftp')).toHaveLength(1);
      expect(session.streamsOf('ssh_exec')).toHaveLength(0);
    }
  }, 90_000);

  it('scp -O (legacy protocol) is recorded as its exec command plus the transfer', async () => {
    const source = join(local, 'scp-legacy.bin');
    const expected = randomFile(source, 2 * MiB + 9);
    const before = fixture.recorder.sessions.length;
    const up = await run(
      'scp',
      ['-O', ...clientArgs('-P'), source, `${TEST_USER}@127.0.0.1:${remote}/legacy.bin`],
      {
        timeoutMs: 60_000,
      },
    );
    expect(up.stderr.toString()).toBe('');
    expect(up.code).toBe(0);
    expect(sha256File(join(remote, 'legacy.bin'))).toBe(expected);
    const down = await run(
      'scp',
      [
        '-O',
        ...clientArgs('-P'),
        `${TEST_USER}@127.0.0.1:${remote}/legacy.bin`,
        join(local, 'legacy-back.bin'),
      ],
      { timeoutMs: 60_000 },
    );
    expect(down.code).toBe(0);
    expect(sha256File(join(local, 'legacy-back.bin'))).toBe(expected);

    const [upload, download] = fixture.recorder.sessions.slice(before);
    await upload?.ended;
    await download?.ended;
    const uploadStream = upload?.streamsOf('ssh_exec')[0];
    expect(uploadStream?.options.details?.command).toMatch(new RegExp(`^scp .*-t .*${remote}/legacy\\.bin$`));
    expect(upload?.commands[0]?.text).toBe(uploadStream?.options.details?.command);
    expect(uploadStream?.bytes.client_to_target).toBeGreaterThan(2 * MiB);
    expect(uploadStream?.closed?.exitStatus).toBe(0);
    const downloadStream = download?.streamsOf('ssh_exec')[0];
    expect(downloadStream?.options.details?.command).toMatch(/^scp .*-f /);
    expect(downloadStream?.bytes.target_to_client).toBeGreaterThan(2 * MiB);
  }, 90_000);
});
