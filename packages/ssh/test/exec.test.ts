import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { exited, run } from './helpers/processes.js';

describe('ssh host cmd through the proxy (real OpenSSH client and sshd)', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('preserves exit status 0 and non-zero and keeps stdout and stderr apart', async () => {
    const ok = await run('ssh', [...fixture.sshArgs(), 'echo out-$((40+2)); echo err-1 >&2'], {
      timeoutMs: 20_000,
    });
    expect(ok.stderr.toString()).toBe('err-1\n');
    expect(ok.stdout.toString()).toBe('out-42\n');
    expect(ok.code).toBe(0);

    const failed = await run('ssh', [...fixture.sshArgs(), 'echo partial; echo oops >&2; exit 3'], {
      timeoutMs: 20_000,
    });
    expect(failed.code).toBe(3);
    expect(failed.stdout.toString()).toBe('partial\n');
    expect(failed.stderr.toString()).toBe('oops\n');

    const session = await fixture.recorder.waitFor((s) => s.commands.some((c) => c.text.includes('exit 3')));
    await session.ended;
    expect(session.endReason).toBe('client_closed');
    const [stream] = session.streamsOf('ssh_exec');
    expect(stream?.options.details?.command).toBe('echo partial; echo oops >&2; exit 3');
    expect(stream?.closed?.exitStatus).toBe(3);
    expect(session.text(stream!.id, 'target_to_client')).toBe('partial\n');
    expect(Buffer.concat(stream!.capturedStderr).toString()).toBe('oops\n');
    expect(session.commands[0]).toMatchObject({
      streamId: stream!.id,
      source: 'exec',
      text: 'echo partial; echo oops >&2; exit 3',
    });
    expect(session.context).toMatchObject({ protocol: 'ssh', target: `127.0.0.1:${fixture.sshd.port}` });
    expect(session.context.clientAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(session.annotations.find((a) => a.kind === 'auth')?.details).toMatchObject({
      method: 'publickey',
    });
  });

  it('passes stdin through and its EOF', async () => {
    const input = Buffer.alloc(1024 * 1024 + 7, 'x');
    const result = await run('ssh', [...fixture.sshArgs(), 'wc -c'], { input, timeoutMs: 20_000 });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().trim()).toBe(String(input.length));
  });

  it('forwards env requests the target accepts and records them', async () => {
    const result = await run(
      'ssh',
      [...fixture.sshArgs(undefined, ['-o', 'SetEnv=TAPLINE_COLOR=teal']), 'echo $TAPLINE_COLOR'],
      {
        timeoutMs: 20_000,
      },
    );
    expect(result.stdout.toString()).toBe('teal\n');
    const session = await fixture.recorder.waitFor((s) =>
      s.commands.some((c) => c.text === 'echo $TAPLINE_COLOR'),
    );
    expect(session.streamsOf('ssh_exec')[0]?.options.details?.['env.TAPLINE_COLOR']).toBe('teal');
  });

  it('records an exit signal and gives the client the same exit code as direct sshd', async () => {
    const command = 'kill -TERM $$';
    const proxied = await run('ssh', [...fixture.sshArgs(), command], { timeoutMs: 20_000 });
    const direct = await run(
      'ssh',
      [
        ...fixture.clientOptions(),
        '-o',
        'BatchMode=yes',
        '-i',
        `${fixture.sshd.directory}/target_key`,
        '-p',
        String(fixture.sshd.port),
        'tapline@127.0.0.1',
        command,
      ],
      { timeoutMs: 20_000 },
    );
    expect(proxied.code).toBe(direct.code);
    const session = await fixture.recorder.waitFor((s) => s.commands.some((c) => c.text === command));
    await session.ended;
    expect(session.streamsOf('ssh_exec')[0]?.closed?.exitSignal).toBe('TERM');
  });

  it('forwards the target EOF before the exit status, as sshd does (stdout closes while the command runs)', async () => {
    const ssh = spawn('ssh', [...fixture.sshArgs(), 'echo hi; exec >&- 2>&-; sleep 60'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    ssh.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await new Promise<void>((resolve) => ssh.stdout.on('end', resolve));
    expect(output).toBe('hi\n');
    expect(ssh.exitCode).toBeNull();
    ssh.kill('SIGKILL');
    await exited(ssh);
  }, 30_000);

  it('logs in to the target with a password when the grant carries one', async () => {
    const result = await run('ssh', [...fixture.sshArgs('pw'), 'id -un'], { timeoutMs: 20_000 });
    expect(result.stderr.toString()).toBe('');
    expect(result.stdout.toString()).toBe('tapline\n');
    expect(result.code).toBe(0);
  });
});
