// psql interactively in a real terminal (tmux): typed statements and Ctrl-C
// on a running query, recorded.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './helpers/fixture.js';

const tmux = (...args: string[]): string => execFileSync('tmux', args, { encoding: 'utf8' });

async function screenContains(session: string, text: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux('capture-pane', '-p', '-t', session);
    if (screen.includes(text)) return screen;
    if (Date.now() > deadline) throw new Error(`"${text}" not on the screen:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('interactive psql in tmux', () => {
  let fixture: Fixture;
  const session = `tapline-pg-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    try {
      tmux('kill-session', '-t', session);
    } catch {}
    await fixture?.close();
  });

  it('runs typed statements and cancels a running one with Ctrl-C', async () => {
    // A trailing ';' in a tmux argument separates commands: it is sent escaped.
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `psql -X "${fixture.dsn('token-1')}"`);
    await screenContains(session, 'postgres=#');
    tmux('send-keys', '-t', session, 'select 6 * 7 as answer\\;', 'Enter');
    await screenContains(session, '42');
    tmux('send-keys', '-t', session, 'select pg_sleep(30)\\;', 'Enter');
    for (;;) {
      const active = fixture.server.sql(
        "select count(*) from pg_stat_activity where query = 'select pg_sleep(30);' and state = 'active'",
      );
      if (active === '1') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    tmux('send-keys', '-t', session, 'C-c');
    await screenContains(session, 'canceling statement due to user request');
    tmux('send-keys', '-t', session, '\\q', 'Enter');
    const { sessionId, reason } = await fixture.nextEnded();
    expect(reason).toBe('client_closed');
    const { queries } = await fixture.recording(sessionId);
    expect(queries.map((query) => [query.text, query.commandTag ?? query.errorCode])).toEqual([
      ['select 6 * 7 as answer', 'SELECT 1'],
      ['select pg_sleep(30)', '57014'],
    ]);
  });
});
