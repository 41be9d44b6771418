// The `policy` option with the real OpenSSH clients and sshd: a denied command,
// subsystem or forward never reaches the target.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyAction } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFile, userDirectory } from './helpers/files.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { run, until } from './helpers/processes.js';
import { TEST_USER } from './helpers/sshd.js';
import { startTmux } from './helpers/tmux.js';
import { prepareShell } from './oracle/shells.js';

describe('ssh policy (real OpenSSH client and sshd)', () => {
  let fixture: Fixture;
  let remote: string;
  let locked: string;
  const asked: PolicyAction[] = [];
  let denySftp = false;
  beforeAll(async () => {
    fixture = await startFixture({
      policy: (action) => {
        asked.push(action);
        if (
          (action.type === 'exec' || action.type === 'shell_line') &&
          /\brm\s+-rf\b/.test(action.command ?? '')
        ) {
          return { allow: false, message: 'rm -rf is not allowed on this host', rule: 'no-rm-rf' };
        }
        if (action.type === 'subsystem' && denySftp) return { allow: false, message: 'no sftp for you' };
        if (action.type === 'forward' && action.port === 9)
          return { allow: false, message: 'port 9 is closed' };
        if (
          action.type === 'sftp' &&
          action.operation !== 'open_read' &&
          action.path?.includes('tapline-locked-')
        ) {
          return { allow: false, message: 'locked is read-only', rule: 'locked-ro' };
        }
        return { allow: true };
      },
      // What is tested here is what gets denied, not how fast: under a loaded machine (the soak)
      // the terminal analyzer can lag more than the default 1 s, and the gate then fails closed.
      policyTimeoutMs: 10_000,
    });
    remote = userDirectory('tapline-policy-');
    locked = userDirectory('tapline-locked-');
  });
  afterAll(async () => {
    await fixture?.close();
    for (const directory of [remote, locked])
      if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('a denied command never runs: the directory stays, exit status 126, the message on stderr', async () => {
    const keep = join(remote, 'keep-me');
    mkdirSync(keep);
    const result = await run('ssh', [...fixture.sshArgs(), `rm -rf ${keep}`], { timeoutMs: 20_000 });
    expect(result.code).toBe(126);
    expect(result.stderr.toString()).toContain(
      'tapline: denied by policy: rm -rf is not allowed on this host',
    );
    expect(existsSync(keep)).toBe(true);
    expect(asked.find((a) => a.type === 'exec')).toMatchObject({
      protocol: 'ssh',
      command: `rm -rf ${keep}`,
      context: { user: expect.objectContaining({ id: expect.any(String) }) },
    });
    const session = await fixture.recorder.waitFor((s) =>
      s.annotations.some((a) => a.code === 'TAPLINE_ERR_POLICY_DENIED'),
    );
    expect(session.annotations.find((a) => a.code === 'TAPLINE_ERR_POLICY_DENIED')).toMatchObject({
      kind: 'refused',
      message: 'rm -rf is not allowed on this host',
      details: expect.objectContaining({ rule: 'no-rm-rf', command: `rm -rf ${keep}` }),
    });
    const allowed = await run('ssh', [...fixture.sshArgs(), `ls ${remote}`], { timeoutMs: 20_000 });
    expect(allowed.code).toBe(0);
    expect(allowed.stdout.toString()).toContain('keep-me');
  });

  it('a denied subsystem fails in the client with the message', async () => {
    denySftp = true;
    try {
      const result = await run('ssh', [...fixture.sshArgs(undefined, ['-s']), 'sftp'], { timeoutMs: 20_000 });
      expect(result.code).not.toBe(0);
      expect(result.stderr.toString()).toContain('no sftp for you');
    } finally {
      denySftp = false;
    }
  });

  it('a denied forward destination is refused at open (ssh -W)', async () => {
    const result = await run('ssh', [...fixture.sshArgs(undefined, ['-W', '127.0.0.1:9'])], {
      timeoutMs: 20_000,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr.toString()).toMatch(
      /stdio forwarding failed|open failed|administratively prohibited/i,
    );
    expect(asked.find((a) => a.type === 'forward')).toMatchObject({ host: '127.0.0.1', port: 9 });
    expect(
      fixture.events.some((e) => e.type === 'refused' && e.error.code === 'TAPLINE_ERR_SSH_POLICY_DENIED'),
    ).toBe(true);
  });

  function sftpArgs(batch: string): string[] {
    return [
      ...fixture.clientOptions(),
      '-o',
      'BatchMode=yes',
      '-o',
      'IdentitiesOnly=yes',
      '-i',
      fixture.userKeyPath,
      '-P',
      String(fixture.port),
      '-b',
      batch,
      `${TEST_USER}@127.0.0.1`,
    ];
  }

  it('an SFTP put under a denied path fails with permission denied; the file does not exist; reads and other puts work', async () => {
    const source = join(remote, 'source.bin');
    const expected = randomFile(source, 300_000);
    writeFileSync(join(locked, 'readme.txt'), 'read me\n', { mode: 0o644 });
    const batch = join(remote, 'put-locked.txt');
    writeFileSync(batch, `put ${source} ${locked}/new.bin\n`);
    const denied = await run('sftp', sftpArgs(batch), { timeoutMs: 30_000 });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr.toString()).toMatch(/permission denied/i);
    expect(existsSync(join(locked, 'new.bin'))).toBe(false);

    const batch2 = join(remote, 'other.txt');
    writeFileSync(
      batch2,
      [
        `get ${locked}/readme.txt ${remote}/readme-copy.txt`,
        `put ${source} ${remote}/copy.bin`,
        `-rm ${locked}/readme.txt`,
        `-rename ${locked}/readme.txt ${remote}/moved.txt`,
        '',
      ].join('\n'),
    );
    const mixed = await run('sftp', sftpArgs(batch2), { timeoutMs: 30_000 });
    expect(mixed.code).toBe(0);
    expect(readFileSync(join(remote, 'readme-copy.txt'), 'utf8')).toBe('read me\n');
    expect(existsSync(join(remote, 'copy.bin'))).toBe(true);
    expect(expected).toHaveLength(64);
    expect(existsSync(join(locked, 'readme.txt'))).toBe(true);
    expect(existsSync(join(remote, 'moved.txt'))).toBe(false);
    const operations = asked.filter((a) => a.type === 'sftp').map((a) => a.operation);
    expect(operations).toEqual(expect.arrayContaining(['open_write', 'open_read', 'remove', 'rename']));
    await fixture.recorder.waitFor((s) =>
      s.annotations.some((a) => a.code === 'TAPLINE_ERR_POLICY_DENIED' && a.details?.operation === 'remove'),
    );
    const session = await fixture.recorder.waitFor((s) =>
      s.annotations.some(
        (a) => a.code === 'TAPLINE_ERR_POLICY_DENIED' && a.details?.operation === 'open_write',
      ),
    );
    expect(session.annotations.find((a) => a.details?.operation === 'open_write')).toMatchObject({
      kind: 'refused',
      message: 'locked is read-only',
      details: expect.objectContaining({ path: `${locked}/new.bin`, rule: 'locked-ro' }),
    });
  });

  it('a denied interactive line is not run: the shell history has every other line and none of the denied ones', async () => {
    const keep = join(remote, 'keep-interactive');
    mkdirSync(keep);
    const shellFiles = userDirectory('tapline-policy-shell-');
    const shell = prepareShell('bash', shellFiles, remote);
    const ssh = ['ssh', '-tt', ...fixture.sshArgs(), shell.launch].map(
      (arg) => `'${arg.replaceAll("'", "'\\''")}'`,
    );
    const terminal = startTmux(`TERM=screen ${ssh.join(' ')}`, 120, 40);
    try {
      await until(() => shell.prompts() >= 1, 20_000, 'the first bash prompt');
      const prompted = async (count: number): Promise<void> =>
        until(() => shell.prompts() >= count, 15_000, `bash prompt ${count}`);
      // Typed key by key.
      terminal.type('echo before-1');
      await prompted(2);
      terminal.type(`rm -rf ${keep}`);
      await terminal.waitFor(/tapline: denied by policy: rm -rf is not allowed on this host/);
      await prompted(3);
      // Edited into the denied text: the keys say "rm -rf keep-interactiv", the screen more.
      terminal.send('-l', `rm -rf ${keep.slice(0, -1)}`);
      terminal.send('Left');
      terminal.send('Right');
      terminal.send('-l', keep.slice(-1));
      terminal.send('Enter');
      await prompted(4);
      // Several lines in one write (a paste without bracketing): the middle one is denied.
      terminal.send('-l', `echo pasted-1\rrm -rf ${keep} && echo gone\recho pasted-2\r`);
      await until(() => shell.commands().includes('echo pasted-2'), 15_000, 'the pasted lines');
      // A loop whose body is denied, line by line: the body never joins it.
      terminal.type('for d in x; do');
      await terminal.waitFor(/^> $/m);
      terminal.type(`  rm -rf ${keep}`);
      terminal.type('done');
      terminal.type('echo after-1');
      await until(() => shell.commands().includes('echo after-1'), 15_000, 'the last line');
      terminal.type('exit');
      await until(() => !terminal.alive(), 15_000, 'bash to exit');
    } finally {
      terminal.kill();
    }
    const history = shell.commands();
    rmSync(shellFiles, { recursive: true, force: true });
    expect(existsSync(keep)).toBe(true);
    expect(history.filter((line) => line.includes('rm -rf'))).toEqual([]);
    expect(history).toEqual(
      expect.arrayContaining(['echo before-1', 'echo pasted-1', 'echo pasted-2', 'echo after-1']),
    );
    const session = await fixture.recorder.waitFor(
      (s) =>
        s.annotations.filter(
          (a) => a.code === 'TAPLINE_ERR_POLICY_DENIED' && a.details?.command?.includes(keep),
        ).length >= 4,
    );
    const denied = session.annotations.filter(
      (a) => a.code === 'TAPLINE_ERR_POLICY_DENIED' && a.details?.command?.includes(keep),
    );
    expect(denied.map((a) => a.details?.command)).toEqual([
      `rm -rf ${keep}`,
      `rm -rf ${keep}`,
      `rm -rf ${keep} && echo gone`,
      `for d in x; do\n  rm -rf ${keep}`,
    ]);
  });
});
