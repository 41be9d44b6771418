import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXED_SESSION_ID,
  LOCAL_KEY,
  type Recorded,
  record,
  recordCrashed,
  removeTempDirectories,
  SHELL_OUTPUT,
  tapline,
  tempDirectory,
} from './helpers.js';

afterAll(removeTempDirectories);

/** Replaces what changes from run to run (times, offsets, hashes, sizes) with placeholders. */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, normalize(item, name)]));
  }
  if (value === null) return value;
  if (['time', 'startedAt', 'endedAt'].includes(key)) return '<time>';
  if (/OffsetNs$/.test(key) || key === 'offsetNs' || key === 'durationMs') return `<${key}>`;
  if (key === 'chainHash') return '<chainHash>';
  if (key === 'bytes' || key === 'location') return `<${key}>`;
  return value;
}

describe('tapline inspect', () => {
  let recorded: Recorded;

  beforeAll(async () => {
    recorded = await record({ sessionId: FIXED_SESSION_ID, maxSegmentAgeMs: 60_000 });
  });

  it('prints the header: who, approved by whom, through which flow, to what, how it ended', async () => {
    const result = await tapline(['inspect', recorded.path]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const manifest = JSON.parse(readFileSync(recorded.manifestPath, 'utf8'));
    const header = Object.fromEntries(
      result.text
        .split('\n\nTimeline\n')[0]!
        .split('\n')
        .map((line) => [line.slice(0, 13).trim(), line.slice(13)]),
    );
    expect(header).toMatchObject({
      Session: FIXED_SESSION_ID,
      User: 'Ada Lovelace <ada@example.com> (u-1)',
      Approvers: 'Grace Hopper (u-2) at 2026-03-01T09:00:00.000Z',
      'Access flow': 'Prod access (af-1)',
      Request: 'ar-9001 (approved)',
      Resource: 'bastion (ssh_server, r-1, integration aws-prod)',
      Protocol: 'ssh',
      Client: '127.0.0.1:40000',
      Target: '10.0.0.5:22',
      Started: new Date(manifest.startedAt).toISOString(),
      'End reason': 'client_closed',
      Recording: 'complete, intact',
      'Chain hash': manifest.chainHash,
      Signature: 'none',
    });
    expect(header.Ended).toMatch(/^\d{4}-\d\d-\d\dT.*Z \(after [\d.]+m?s\)$/);
    expect(header.Container).toMatch(/^\d+ segments?, 33 frames, [\d.]+ (B|KiB), not encrypted$/);
    expect(header.Activity).toContain('6 streams, 3 commands, 1 query, 1 API call, 2 file operations');
  });

  it('prints a timeline of actions with times relative to the start', async () => {
    const result = await tapline(['inspect', recorded.path]);
    const timeline = result.text.split('\n\nTimeline\n')[1]!.trimEnd().split('\n');
    for (const line of timeline) expect(line).toMatch(/^ {2}\+\d\d:\d\d\.\d{3} {2}\S/);
    const actions = timeline.map((line) => line.slice(14));
    expect(actions).toEqual([
      'session started: ssh by Ada Lovelace to bastion',
      '[1] open ssh_shell 80x24 term=xterm-256color',
      '[1] $ ls',
      '[1] $ echo 日本 😀 done',
      '[2] open ssh_exec command=uptime',
      '[2] $ uptime (exec)',
      '[2] close exit 0, 0 B client→target, 20 B target→client',
      '[3] open ssh_sftp',
      '[3] file open /etc/hosts (read) → ok',
      '[3] file close /etc/hosts, read 1.2 KiB, written 0 B → ok',
      '[3] close 0 B client→target, 0 B target→client',
      '[4] open db_connection database=app',
      expect.stringMatching(
        /^\[4\] SQL SELECT \* FROM users WHERE id = \$1 \[42\] → SELECT 1, 1 row, 2\.1ms$/,
      ),
      '[4] close 0 B client→target, 0 B target→client',
      '[5] open kube_api',
      '[5] API get pods default/web-1 → 200',
      '[5] close 0 B client→target, 0 B target→client',
      '[6] open ssh_forward host=127.0.0.1 port=5432 (content not recorded, only counted)',
      '[6] close 1000 B client→target, 2.9 KiB target→client',
      '[1] ! gap TAPLINE_ERR_QUOTA_EXCEEDED: spool quota reached (2.0 KiB not recorded)',
      `[1] close exit 0, 25 B client→target, ${Buffer.concat(SHELL_OUTPUT).length} B target→client`,
      'session ended: client_closed',
    ]);
    const withResizes = await tapline(['inspect', recorded.path, '--resizes']);
    expect(withResizes.text).toContain('[1] resize 120x40');
  });

  it('--json has a stable shape and field order (snapshot: test/inspect.golden.json)', async () => {
    const result = await tapline(['inspect', recorded.path, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.text);
    expect(report.location).toBe(recorded.path);
    expect(report.recording.chainHash).toBe(
      JSON.parse(readFileSync(recorded.manifestPath, 'utf8')).chainHash,
    );
    // A text snapshot: it pins the field order too (object snapshots sort keys).
    await expect(`${JSON.stringify(normalize(report), null, 2)}\n`).toMatchFileSnapshot(
      './inspect.golden.json',
    );
  });

  it('shows everything before damage, then where the read stopped (exit 1)', async () => {
    // Small segments, all in one read chunk: the good ones before the damaged one are still shown.
    const small = await record({ segmentBytes: 256 });
    const { SegmentParser } = await import('@tapline/frames');
    const starts: number[] = [];
    let offset = 0;
    new SegmentParser().parse(readFileSync(small.path), (segment) => {
      starts.push(offset);
      offset += segment.bytes.length;
    });
    expect(starts.length).toBeGreaterThan(3);
    const bytes = readFileSync(small.path);
    bytes[starts[3]! + 100] = bytes[starts[3]! + 100]! ^ 0x01;
    const path = join(tempDirectory(), 'damaged.tapline');
    writeFileSync(path, bytes);
    const result = await tapline(['inspect', path]);
    expect(result.code).toBe(1);
    expect(result.text).toMatch(/Recording +DAMAGED at segment 3: TAPLINE_ERR_HASH_MISMATCH/);
    expect(result.text).toMatch(/Container +3 segments, /);
    expect(result.text).toContain('[1] open ssh_shell 80x24');
    expect(result.text.trimEnd().split('\n').at(-1)).toContain(
      '!! read stopped: segment 3 is damaged (TAPLINE_ERR_HASH_MISMATCH)',
    );
    expect(result.stderr).toContain('segment 3: TAPLINE_ERR_HASH_MISMATCH');
  });

  it('lists a directory: one line per recording, damaged ones flagged (exit 1)', async () => {
    const directory = join(tempDirectory(), 'recordings');
    mkdirSync(directory);
    const other = await record({ context: { user: { id: 'u-9', name: 'Linus' }, protocol: 'postgres' } });
    copyFileSync(recorded.path, join(directory, `${recorded.sessionId}.tapline`));
    copyFileSync(other.path, join(directory, `${other.sessionId}.tapline`));
    const bytes = readFileSync(other.path);
    bytes[100] = bytes[100]! ^ 0x10; // inside segment 0, the one with the grant
    writeFileSync(join(directory, 'damaged.tapline'), bytes);
    writeFileSync(join(directory, 'notes.txt'), 'not a recording');

    const result = await tapline(['inspect', directory]);
    expect(result.code).toBe(1);
    const lines = result.text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const byId = (id: string) => lines.find((line) => line.startsWith(id))!;
    expect(byId(recorded.sessionId)).toMatch(
      /ssh +Ada Lovelace {2}→ {2}bastion {2}complete {2}\S+\.tapline$/,
    );
    expect(byId(other.sessionId)).toMatch(/postgres +Linus {2}→ {2}bastion {2}complete {2}\S+\.tapline$/);
    // Nothing can be trusted from a recording whose first segment fails; the line says what is wrong, and where.
    expect(byId('-')).toMatch(/DAMAGED \(segment 0: TAPLINE_ERR_HASH_MISMATCH\) {2}\S+damaged\.tapline$/);

    const json = await tapline(['inspect', directory, '--json']);
    const summaries = JSON.parse(json.text) as Array<Record<string, unknown>>;
    expect(summaries).toHaveLength(3);
    for (const summary of summaries) expect(summary).not.toHaveProperty('timeline');
  });

  it('shows a crash-recovered recording as incomplete, with the reason, and its last actions', async () => {
    const crashed = await recordCrashed(randomUUID());
    const result = await tapline(['inspect', crashed.path]);
    expect(result.code).toBe(0);
    expect(result.text).toMatch(
      /Recording +INCOMPLETE \(no end marker after segment \d+, reason TAPLINE_ERR_RECORDER_CRASHED\)/,
    );
    expect(result.text).toMatch(/End reason +-/);
    expect(result.text).toContain('[1] $ make deploy');
    expect(result.text).toContain('! error TAPLINE_ERR_RECORDER_CRASHED');
    const json = JSON.parse((await tapline(['inspect', crashed.path, '--json'])).text);
    expect(json.recording).toMatchObject({
      complete: false,
      intact: true,
      incompleteReason: 'TAPLINE_ERR_RECORDER_CRASHED',
      error: { code: 'TAPLINE_ERR_INCOMPLETE' },
    });
    expect(json.endedAt).toBeNull();
  });

  it('reads encrypted recordings with --key-file, and says so without it', async () => {
    const encrypted = await record({ encrypted: true });
    const withoutKey = await tapline(['inspect', encrypted.path]);
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toContain('TAPLINE_ERR_KEY_REQUIRED');
    expect(withoutKey.stderr).toContain('--key-file');

    const hexKey = join(tempDirectory(), 'master.hex');
    writeFileSync(hexKey, `  ${LOCAL_KEY.toString('hex')}\n`);
    const withHex = await tapline(['inspect', encrypted.path, '--key-file', hexKey]);
    expect(withHex.code).toBe(0);
    expect(withHex.text).toMatch(/Container +\d+ segments?, 33 frames, .*, encrypted/);
    expect(withHex.text).toContain('[1] $ ls');

    const rawKey = join(tempDirectory(), 'master.bin');
    writeFileSync(rawKey, LOCAL_KEY);
    const withRaw = await tapline([
      'inspect',
      encrypted.path,
      '--key-file',
      rawKey,
      '--key-id',
      'local:test',
    ]);
    expect(withRaw.code).toBe(0);

    const wrongId = await tapline([
      'inspect',
      encrypted.path,
      '--key-file',
      rawKey,
      '--key-id',
      'local:other',
    ]);
    expect(wrongId.code).toBe(1);
    expect(wrongId.stderr).toContain('TAPLINE_ERR_KEY_UNAVAILABLE');

    const badKey = join(tempDirectory(), 'short.key');
    writeFileSync(badKey, 'abcd');
    expect((await tapline(['inspect', encrypted.path, '--key-file', badKey])).code).toBe(2);
    expect((await tapline(['inspect', encrypted.path, '--key-id', 'x'])).code).toBe(2);
  });

  it('draws a progress bar on stderr only when asked or on a terminal', async () => {
    const quiet = await tapline(['inspect', recorded.path, '--json']);
    expect(quiet.stderr).toBe('');
    const shown = await tapline(['inspect', recorded.path, '--json', '--progress']);
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/reading \[#+\] 100%/);
    expect(JSON.parse(shown.text).sessionId).toBe(FIXED_SESSION_ID);
  });

  it('reports garbage and empty files with coded errors (exit 1), missing ones as I/O (exit 3)', async () => {
    const directory = tempDirectory();
    writeFileSync(
      join(directory, 'garbage.tapline'),
      Buffer.from('this is not a recording at all, sorry'.repeat(10)),
    );
    writeFileSync(join(directory, 'empty.tapline'), Buffer.alloc(0));
    const garbage = await tapline(['inspect', join(directory, 'garbage.tapline')]);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('TAPLINE_ERR_BAD_MAGIC');
    const empty = await tapline(['inspect', join(directory, 'empty.tapline')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('TAPLINE_ERR_EMPTY');
    const missing = await tapline(['inspect', join(directory, 'missing.tapline')]);
    expect(missing.code).toBe(3);
  });
});
