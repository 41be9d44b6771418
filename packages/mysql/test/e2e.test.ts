import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  endOf,
  mariadbClient,
  type ProxyFixture,
  queriesOf,
  run,
  startProxy,
  sysbenchTlsDirectory,
  TOKEN,
} from './helpers/fixture.js';
import { type MariaDb, parseGeneralLog, startMariaDb } from './helpers/mariadb.js';
import { compareWithGeneralLog, targetThreadOf } from './helpers/oracle.js';

let db: MariaDb;
let fixture: ProxyFixture;
const clientTls = (): string[] => [`--ssl-ca=${fixture.proxyCertificates.caPath}`];

beforeAll(async () => {
  db = await startMariaDb();
  db.sql(
    "CREATE TABLE shop.items (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40), price DECIMAL(10,2), added DATETIME, data BLOB); INSERT INTO shop.items (name, price, added) VALUES ('pen', 1.50, '2024-01-02 03:04:05'), ('ink', 7.25, NULL);",
  );
  fixture = await startProxy(() => ({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    tls: { ca: db.certificates.ca },
  }));
});

afterAll(async () => {
  await fixture?.close();
  await db?.stop();
});

function connectMysql2(extra: Record<string, unknown> = {}): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: fixture.port,
    user: 'alice',
    password: TOKEN,
    database: 'shop',
    ssl: { ca: fixture.proxyCertificates.ca },
    ...extra,
  });
}

describe('real clients through the proxy', () => {
  it('mariadb: a script on stdin (multi-statement, USE, an error), output as direct', async () => {
    const script = [
      'USE shop;',
      'SELECT name, price FROM items ORDER BY id;',
      "INSERT INTO items (name, price) VALUES ('cup', 3.00);",
      'SELECT COUNT(*) AS n FROM items;',
      'SELECT * FROM missing_table;',
    ].join('\n');
    const result = await mariadbClient(fixture.port, [...clientTls(), '--force'], { input: script });
    expect(result.stdout).toBe('name\tprice\npen\t1.50\nink\t7.25\nn\n3\n');
    expect(result.stderr).toMatch(/ERROR 1146 \(42S02\).*missing_table/);
    // A multi-statement query, split by the server's results.
    const multi = await mariadbClient(fixture.port, [
      ...clientTls(),
      'shop',
      '-e',
      'SELECT 1 AS a; SELECT 2 AS b; DELETE FROM items WHERE id = 3',
    ]);
    expect(multi.code).toBe(0);
    expect(multi.stdout).toBe('a\n1\nb\n2\n');
  });

  it('mysqldump of the test schema, same as direct', async () => {
    const viaProxy = await run('mysqldump', [
      '--no-defaults',
      '-h',
      '127.0.0.1',
      '-P',
      String(fixture.port),
      '-u',
      'alice',
      `--password=${TOKEN}`,
      '--ssl',
      ...clientTls(),
      '--skip-dump-date',
      'shop',
    ]);
    expect(viaProxy.stderr).toBe('');
    const direct = await run('mysqldump', [
      '--no-defaults',
      '-S',
      db.socket,
      '-u',
      'root',
      '--skip-dump-date',
      'shop',
    ]);
    const body = (dump: string): string =>
      dump
        .split('\n')
        .filter((line) => !line.startsWith('-- Host:') && !line.startsWith('-- Server version'))
        .join('\n');
    expect(body(viaProxy.stdout)).toBe(body(direct.stdout));
    expect(viaProxy.stdout).toContain('INSERT INTO `items` VALUES');
  });

  it('mysql2: query and execute with binary parameters of many types', async () => {
    const connection = await connectMysql2();
    try {
      const [rows] = await connection.query('SELECT name FROM items WHERE id = 1');
      expect(rows).toEqual([{ name: 'pen' }]);
      const added = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
      await connection.execute('INSERT INTO items (name, price, added, data) VALUES (?, ?, ?, ?)', [
        'lamp',
        12.5,
        added,
        Buffer.from([1, 2, 3]),
      ]);
      const [selected] = await connection.execute(
        'SELECT name, price FROM items WHERE name = ? AND price > ? AND id > ? AND (? IS NULL)',
        ['lamp', 1, 0, null],
      );
      expect(selected).toEqual([{ name: 'lamp', price: '12.50' }]);
      const [many] = await connection.execute('SELECT ? AS a, ? AS b, ? AS c, ? AS d', [
        42,
        'héllo',
        -7.25,
        true,
      ]);
      expect(many).toHaveLength(1);
      // COM_CHANGE_USER is refused with a clear error.
      await expect(connection.changeUser({ user: 'root' })).rejects.toThrow(/COM_CHANGE_USER is refused/);
    } finally {
      await connection.end().catch(() => {});
    }
  });

  it('sysbench oltp_read_write prepare and a short run through the proxy', async () => {
    const common = [
      '--db-driver=mysql',
      '--mysql-host=127.0.0.1',
      `--mysql-port=${fixture.port}`,
      '--mysql-user=alice',
      `--mysql-password=${TOKEN}`,
      '--mysql-db=shop',
      '--mysql-ssl=on',
      '--tables=1',
      '--table-size=200',
    ];
    const cwd = sysbenchTlsDirectory(fixture.proxyCertificates.ca, fixture.proxyCertificates);
    const prepare = await run('sysbench', ['oltp_read_write', ...common, 'prepare'], undefined, cwd);
    expect(`${prepare.code} ${prepare.stderr} ${prepare.stdout.slice(-2000)}`).toMatch(/^0 /);
    const load = await run(
      'sysbench',
      ['oltp_read_write', ...common, '--threads=2', '--events=40', '--time=0', 'run'],
      undefined,
      cwd,
    );
    expect(`${load.code} ${load.stderr} ${load.stdout.slice(-3000)}`).toMatch(/^0 /);
    expect(load.stdout).toMatch(/transactions:\s+40 /);
    // Deadlocks between the two threads are part of oltp_read_write ("ignored errors"); they are recorded as errors.
  });

  it('KILL QUERY from another proxied connection cancels SELECT SLEEP(30) on the right target connection', async () => {
    const victim = await connectMysql2();
    const killer = await connectMysql2();
    try {
      const started = Date.now();
      const sleeping = victim.query('SELECT SLEEP(30) AS slept').then(
        () => new Error('not interrupted'),
        (error: Error) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      // The id the victim's client knows is the proxy's, not the target's.
      const proxyId = victim.threadId!;
      const info = fixture.proxy.sessions().find((session) => session.connectionId === proxyId);
      expect(info).toBeDefined();
      expect(info!.targetConnectionId).not.toBe(proxyId);
      await killer.query(`KILL QUERY ${proxyId}`);
      expect((await sleeping).message).toMatch(/Query execution was interrupted/);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await victim.end().catch(() => {});
      await killer.end().catch(() => {});
    }
  });

  it("the mariadb client's Ctrl-C (SIGINT) cancels the running query through a new connection", async () => {
    const child = spawn(
      'mariadb',
      [
        '--no-defaults',
        '-h',
        '127.0.0.1',
        '-P',
        String(fixture.port),
        '-u',
        'alice',
        `--password=${TOKEN}`,
        '--ssl',
        ...clientTls(),
        '--sigint-ignore=0',
        '-e',
        'SELECT SLEEP(30) AS slept; SELECT 7 AS after_cancel',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(Date.now() - started).toBeLessThan(15_000);
    // The client sent KILL QUERY on a second connection; the sleep returned early.
    expect(`${stdout}${stderr}`).toMatch(/slept\n1|Query execution was interrupted|Ctrl-C/);
    expect(code).not.toBeNull();
  });

  it('interactive mariadb in tmux: Ctrl-C cancels SELECT SLEEP(30) and the session goes on', async () => {
    const socketPath = join(mkdtempSync(join(tmpdir(), 'tapline-tmux-')), 'tmux.sock');
    const tmux = (...args: string[]): string =>
      execFileSync('tmux', ['-S', socketPath, ...args], { encoding: 'utf8' });
    const pane = (): string => tmux('capture-pane', '-p', '-t', 'mysql', '-S', '-50');
    const until = async (pattern: RegExp, what: string): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (!pattern.test(pane())) {
        if (Date.now() > deadline) throw new Error(`${what} did not appear:\n${pane()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const command = [
      'mariadb',
      '--no-defaults',
      '-h',
      '127.0.0.1',
      '-P',
      String(fixture.port),
      '-u',
      'alice',
      `--password=${TOKEN}`,
      '--ssl',
      ...clientTls(),
      'shop',
    ].join(' ');
    tmux('new-session', '-d', '-s', 'mysql', '-x', '160', '-y', '50', command);
    try {
      await until(/(MariaDB|MySQL) \[shop\]>/, 'the prompt');
      const started = Date.now();
      // \g, not ';': tmux takes a trailing ';' as its own command separator.
      tmux('send-keys', '-t', 'mysql', '-l', 'SELECT SLEEP(30)\\g');
      tmux('send-keys', '-t', 'mysql', 'Enter');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      tmux('send-keys', '-t', 'mysql', 'C-c');
      await until(/Query execution was interrupted|query killed/i, 'the cancel');
      expect(Date.now() - started).toBeLessThan(15_000);
      tmux('send-keys', '-t', 'mysql', '-l', 'SELECT 6 * 7 AS answer\\g');
      tmux('send-keys', '-t', 'mysql', 'Enter');
      await until(/\|\s+42 \|/, 'the next result');
      tmux('send-keys', '-t', 'mysql', '-l', 'quit');
      tmux('send-keys', '-t', 'mysql', 'Enter');
    } finally {
      try {
        tmux('kill-server');
      } catch {
        // already gone with its only session
      }
    }
  });

  it('recordings verify and match the general log (the oracle)', async () => {
    const recordings = await fixture.recordingsJson();
    const log = parseGeneralLog(db.generalLog());
    let matched = 0;
    let lost = 0;
    let invented = 0;
    const mismatches: string[] = [];
    for (const recording of recordings) {
      expect(recording.intact).toBe(true);
      expect(recording.complete).toBe(true);
      const threadId = targetThreadOf(recording.frames);
      if (threadId === undefined) continue;
      const figures = compareWithGeneralLog(
        queriesOf(recording.frames),
        log.filter((entry) => entry.threadId === threadId),
      );
      matched += figures.matched;
      lost += figures.lost;
      invented += figures.invented;
      mismatches.push(...figures.mismatches);
      expect(endOf(recording.frames)).toBeDefined();
    }
    console.log(
      `oracle (general log): ${recordings.length} sessions, matched ${matched}, lost ${lost}, invented ${invented}`,
    );
    if (mismatches.length > 0) console.log(mismatches.slice(0, 30).join('\n'));
    expect(matched).toBeGreaterThan(100);
    expect(lost).toBe(0);
    expect(invented).toBe(0);
  });
});
