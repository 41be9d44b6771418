// The `policy` option with the real OpenSSH clients and sshd: a denied command,
// subsystem or forward never reaches the target.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyAction } from '@tapline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirectory } from './helpers/files.js';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { run } from './helpers/processes.js';

describe('ssh policy (real OpenSSH client and sshd)', () => {
  let fixture: Fixture;
  let remote: string;
  const asked: PolicyAction[] = [];
  let denySftp = false;
  beforeAll(async () => {
    fixture = await startFixture({
      policy: (action) => {
        asked.push(action);
        if (action.type === 'exec' && /\brm\s+-rf\b/.test(action.command ?? '')) {
          return { allow: false, message: 'rm -rf is not allowed on this host', rule: 'no-rm-rf' };
        }
        if (action.type === 'subsystem' && denySftp) return { allow: false, message: 'no sftp for you' };
        if (action.type === 'forward' && action.port === 9)
          return { allow: false, message: 'port 9 is closed' };
        if (action.type === 'sftp' && action.operation !== 'open_read' && action.path?.includes('/locked/')) {
          return { allow: false, message: 'locked is read-only', rule: 'locked-ro' };
        }
        return { allow: true };
      },
    });
    remote = userDirectory('tapline-policy-');
  });
  afterAll(async () => {
    await fixture?.close();
    if (remote) rmSync(remote, { recursive: true, force: true });
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
});
