// Authentication end to end with the real MariaDB server and client: the
// proxy logging in to an ed25519 account, clients logging in to the proxy
// with mysql_native_password (and being switched to it), and target TLS
// required by default against a server started with --skip-ssl.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MySqlErrorCode } from '../src/errors.js';
import type { MySqlAuthRequest, MySqlGrant } from '../src/index.js';
import { grantContext, mariadbClient, queriesOf, startProxy, TOKEN } from './helpers/fixture.js';
import { type MariaDb, parseGeneralLog, startMariaDb } from './helpers/mariadb.js';

let db: MariaDb;
let plaintextDb: MariaDb;

beforeAll(async () => {
  [db, plaintextDb] = await Promise.all([startMariaDb(), startMariaDb({ ssl: false })]);
  db.sql("INSTALL SONAME 'auth_ed25519'");
  db.sql(
    "CREATE USER 'app2'@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('secret'); GRANT ALL ON shop.* TO 'app2'@'127.0.0.1'",
  );
});

afterAll(async () => {
  await Promise.all([db?.stop(), plaintextDb?.stop()]);
});

describe('target login to MariaDB with client_ed25519', () => {
  it('logs in as an ed25519 account and runs the client statements as it', async () => {
    const fixture = await startProxy(() => ({
      host: db.host,
      port: db.port,
      user: 'app2',
      password: 'secret',
      tls: { ca: db.certificates.ca },
    }));
    const logFrom = db.generalLogSize();
    try {
      const result = await mariadbClient(
        fixture.port,
        [
          'shop',
          '-N',
          '-e',
          "SELECT CURRENT_USER(); CREATE TABLE ed (id INT, note VARCHAR(10)); INSERT INTO ed VALUES (1, 'signed'); SELECT note FROM ed",
        ],
        { ca: fixture.proxyCertificates.caPath },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('app2@127.0.0.1\nsigned\n');
      // The plugin really was ed25519: the account has no other way in.
      expect(db.sql("SELECT plugin FROM mysql.user WHERE user = 'app2'").trim()).toBe('ed25519');
      const entries = parseGeneralLog(db.generalLog(logFrom));
      const connect = entries.find(
        (entry) => entry.command === 'Connect' && entry.argument.startsWith('app2@'),
      );
      expect(connect).toBeDefined();
      const statements = entries
        .filter((entry) => entry.threadId === connect!.threadId && entry.command === 'Query')
        .map((entry) => entry.argument);
      expect(statements).toEqual(
        expect.arrayContaining(["INSERT INTO ed VALUES (1, 'signed')", 'SELECT note FROM ed']),
      );
      const [recording] = await fixture.recordingsJson();
      expect(queriesOf(recording!.frames).map((query) => query.text)).toContain('SELECT note FROM ed');
    } finally {
      await fixture.close();
    }
  });

  it('a wrong ed25519 password is TARGET_AUTH_FAILED', async () => {
    const fixture = await startProxy(() => ({
      host: db.host,
      port: db.port,
      user: 'app2',
      password: 'not-secret',
      tls: { ca: db.certificates.ca },
    }));
    try {
      const result = await mariadbClient(fixture.port, ['-e', 'SELECT 1'], {
        ca: fixture.proxyCertificates.caPath,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(MySqlErrorCode.TARGET_AUTH_FAILED);
    } finally {
      await fixture.close();
    }
  });
});

describe('clients logging in with mysql_native_password', () => {
  const requests: MySqlAuthRequest[] = [];
  const authorize = (request: MySqlAuthRequest): MySqlGrant | null => {
    requests.push(request);
    if (request.password !== TOKEN && request.scramble?.matches(TOKEN) !== true) return null;
    return {
      context: grantContext(request.user),
      target: {
        host: db.host,
        port: db.port,
        user: db.user,
        password: db.password,
        tls: { ca: db.certificates.ca },
      },
    };
  };

  it('the real client with --default-auth=mysql_native_password: authorize gets the scramble, not the token, and the login succeeds', async () => {
    requests.length = 0;
    const fixture = await startProxy(() => ({ host: '', user: '', password: '' }), {
      authPlugin: 'mysql_native_password',
      authorize,
    });
    try {
      const args = [`--ssl-ca=${fixture.proxyCertificates.caPath}`, '--default-auth=mysql_native_password'];
      const result = await mariadbClient(fixture.port, [...args, '-N', '-e', 'SELECT CURRENT_USER()']);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('app@127.0.0.1\n');
      expect(requests).toHaveLength(1);
      const [request] = requests;
      expect(request).toMatchObject({ user: 'alice', plugin: 'mysql_native_password', tls: true });
      expect(request!.password).toBeUndefined();
      expect(request!.scramble!.response).toHaveLength(20);
      expect(request!.scramble!.matches(TOKEN)).toBe(true);
      expect(request!.scramble!.matches(`${TOKEN}x`)).toBe(false);

      const refused = await mariadbClient(fixture.port, [...args, '-e', 'SELECT 1'], {
        token: 'wrong-token',
      });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('ERROR 1045');
      expect(fixture.events).toContainEqual(
        expect.objectContaining({ type: 'auth_failed', plugin: 'mysql_native_password' }),
      );
    } finally {
      await fixture.close();
    }
  });

  it('a client opening with another plugin (client_ed25519) is switched to mysql_native_password', async () => {
    requests.length = 0;
    const fixture = await startProxy(() => ({ host: '', user: '', password: '' }), {
      authPlugin: 'mysql_native_password',
      authorize,
    });
    try {
      const result = await mariadbClient(fixture.port, [
        `--ssl-ca=${fixture.proxyCertificates.caPath}`,
        '--default-auth=client_ed25519',
        '-N',
        '-e',
        'SELECT 42',
      ]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('42\n');
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ plugin: 'mysql_native_password' });
      expect(requests[0]!.scramble!.matches(TOKEN)).toBe(true);
    } finally {
      await fixture.close();
    }
  });
});

describe('target TLS is required by default', () => {
  it('a target that offers no TLS (--skip-ssl): a coded ERR to the client, the session ends, the credentials are never sent', async () => {
    const fixture = await startProxy(() => ({
      host: plaintextDb.host,
      port: plaintextDb.port,
      user: plaintextDb.user,
      password: plaintextDb.password,
    }));
    const logFrom = plaintextDb.generalLogSize();
    try {
      const result = await mariadbClient(fixture.port, ['-e', 'SELECT 1'], {
        ca: fixture.proxyCertificates.caPath,
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('does not offer TLS');
      expect(result.stderr).toContain(MySqlErrorCode.TARGET_TLS);
      expect(fixture.events).toContainEqual(
        expect.objectContaining({
          type: 'session_failed',
          error: expect.objectContaining({ code: MySqlErrorCode.TARGET_TLS }),
        }),
      );
      await vi.waitFor(() =>
        expect(fixture.events).toContainEqual(
          expect.objectContaining({ type: 'session_ended', reason: 'error' }),
        ),
      );
      expect(fixture.proxy.sessions()).toEqual([]);
      // The proxy hung up at the greeting: no login attempt reached the server.
      expect(
        parseGeneralLog(plaintextDb.generalLog(logFrom)).filter((entry) => entry.command === 'Connect'),
      ).toEqual([]);
    } finally {
      await fixture.close();
    }
  });

  it('tls: false opts in to plaintext towards that target', async () => {
    const fixture = await startProxy(() => ({
      host: plaintextDb.host,
      port: plaintextDb.port,
      user: plaintextDb.user,
      password: plaintextDb.password,
      tls: false,
    }));
    try {
      const result = await mariadbClient(fixture.port, ['-N', '-e', "SHOW STATUS LIKE 'Ssl_cipher'"], {
        ca: fixture.proxyCertificates.caPath,
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('Ssl_cipher\t\n');
    } finally {
      await fixture.close();
    }
  });
});
