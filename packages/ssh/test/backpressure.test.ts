import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';
import { type NaiveRelay, startNaiveRelay } from './helpers/naive-relay.js';
import { exited, until } from './helpers/processes.js';
import { TEST_USER } from './helpers/sshd.js';

const MiB = 1024 * 1024;
const TOTAL = 64 * MiB;
const COMMAND = `head -c ${TOTAL} /dev/zero`;

/** Samples `read` until it stops changing for `stableSamples` samples in a row. */
async function settled(read: () => number, stableSamples = 8): Promise<number> {
  let last = -1;
  let stable = 0;
  await until(
    () => {
      const value = read();
      stable = value === last ? stable + 1 : 0;
      last = value;
      return stable >= stableSamples;
    },
    30_000,
    'the flow to stall',
  );
  return last;
}

describe('backpressure: a stalled client or target does not grow the proxy', () => {
  let fixture: Fixture;
  let naive: NaiveRelay;
  beforeAll(async () => {
    fixture = await startFixture();
    naive = await startNaiveRelay({
      port: fixture.sshd.port,
      privateKey: fixture.sshd.targetPrivateKey,
      username: TEST_USER,
    });
  });
  afterAll(async () => {
    await naive?.close();
    await fixture?.close();
  });

  it('holds a few MiB while the client is stalled, then delivers everything when it reads again', async () => {
    // Nobody reads ssh's stdout: the pipe fills, ssh stops opening its channel window.
    const ssh = spawn('ssh', [...fixture.sshArgs(), COMMAND], { stdio: ['ignore', 'pipe', 'pipe'] });
    await until(() => (fixture.proxy.sessions()[0]?.bytesTargetToClient ?? 0) > 0, 20_000, 'data to flow');
    const relayed = await settled(() => fixture.proxy.sessions()[0]?.bytesTargetToClient ?? 0);
    const buffered = fixture.proxy.sessions()[0]?.bufferedBytes ?? 0;
    console.info(
      `stalled download: relayed ${(relayed / MiB).toFixed(1)} MiB, buffered ${(buffered / MiB).toFixed(1)} MiB`,
    );
    expect(relayed).toBeLessThan(16 * MiB);
    expect(buffered).toBeLessThan(12 * MiB);

    let received = 0;
    ssh.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const result = await exited(ssh);
    expect(result.code).toBe(0);
    expect(received).toBe(TOTAL);
    const session = await fixture.recorder.waitFor((s) => s.commands.some((c) => c.text === COMMAND));
    await session.ended;
    expect(session.streamsOf('ssh_exec')[0]?.bytes.target_to_client).toBe(TOTAL);
  }, 60_000);

  it('holds a few MiB while the target does not read, on the upload side', async () => {
    const ssh = spawn('ssh', [...fixture.sshArgs(), 'sleep 20; cat > /dev/null'], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    ssh.stdin.on('error', () => {});
    const block = Buffer.alloc(MiB);
    let written = 0;
    const pump = (): void => {
      while (written < TOTAL && ssh.stdin.write(block)) written += MiB;
      if (written < TOTAL)
        ssh.stdin.once('drain', () => {
          written += MiB;
          pump();
        });
    };
    pump();
    await until(
      () => fixture.proxy.sessions().some((info) => info.bytesClientToTarget > 0),
      20_000,
      'data to flow',
    );
    const session = () => fixture.proxy.sessions().find((info) => info.bytesClientToTarget > 0);
    const relayed = await settled(() => session()?.bytesClientToTarget ?? 0);
    const buffered = session()?.bufferedBytes ?? 0;
    console.info(
      `stalled upload: relayed ${(relayed / MiB).toFixed(1)} MiB, buffered ${(buffered / MiB).toFixed(1)} MiB`,
    );
    expect(relayed).toBeLessThan(16 * MiB);
    expect(buffered).toBeLessThan(12 * MiB);
    expect(written).toBeLessThan(TOTAL);
    ssh.kill('SIGKILL');
    await exited(ssh);
  }, 60_000);

  it('control: a relay that ignores write() swells to most of the transfer (the assertion above has teeth)', async () => {
    const ssh = spawn(
      'ssh',
      [
        ...fixture.clientOptions(),
        '-o',
        'BatchMode=yes',
        '-o',
        'PubkeyAuthentication=no',
        '-o',
        'PreferredAuthentications=none',
        '-p',
        String(naive.port),
        'anyone@127.0.0.1',
        COMMAND,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await until(() => naive.buffered() > 24 * MiB, 30_000, 'the naive relay to swell');
      expect(naive.buffered()).toBeGreaterThan(24 * MiB);
    } finally {
      ssh.kill('SIGKILL');
      await exited(ssh);
    }
  }, 60_000);
});
