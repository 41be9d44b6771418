// sessions(), the login deadline, and close({ drainMs }) with a live client.
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type pgTypes from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';

const PgClient = createRequire(import.meta.url)('pg/lib/client.js') as typeof pgTypes.Client;

describe('proxy lifecycle', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture({ limits: { loginTimeoutMs: 300 } });
  });
  afterAll(async () => {
    await fixture?.close();
  });

  it('disconnects a client that does not log in within limits.loginTimeoutMs', async () => {
    const socket = connect({ host: '127.0.0.1', port: fixture.port });
    socket.on('error', () => {});
    let told = '';
    socket.on('data', (chunk: Buffer) => {
      told += chunk.toString('latin1');
    });
    await new Promise((resolve) => socket.once('close', resolve));
    const refused = fixture.events.find((event) => event.type === 'connection_refused');
    expect(told).toContain('did not log in in time');
    expect(refused).toMatchObject({
      reason: 'login_timeout',
      error: { code: 'TAPLINE_ERR_POSTGRES_LOGIN_TIMEOUT' },
    });
  });

  it('lists live sessions, and close({ drainMs }) ends them with FATAL and reason shutdown', async () => {
    const client = new PgClient({
      host: '127.0.0.1',
      port: fixture.port,
      user: 'alice',
      password: 'token-1',
      database: 'postgres',
      ssl: { ca: fixture.pki.ca },
    });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    await client.query('select 1');
    const sessions = fixture.proxy.sessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ user: 'alice', database: 'postgres', queries: 1 });
    await fixture.proxy.close({ drainMs: 200 });
    const ended = await fixture.nextEnded();
    expect(ended.reason).toBe('shutdown');
    const recording = await fixture.recording(ended.sessionId);
    expect(recording.report).toMatchObject({ complete: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(String(errors[0])).toContain('shutting down');
  });
});
