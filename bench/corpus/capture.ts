// Captures the benchmark corpus again: real clients, through Tapline's own
// proxies, recorded by the real recorder and file sink. Run by hand, as root,
// after `bash .ci/setup-ssh.sh` (sshd, ssh, sftp, tmux, vi, the test user) with
// kubectl ≥ 1.31 on the PATH:
//
//   pnpm exec tsx --conditions=source bench/corpus/capture.ts            (all)
//   pnpm exec tsx --conditions=source bench/corpus/capture.ts --only=shell-vi,kubectl
//
// Writes bench/corpus/<name>.tapline and bench/corpus/manifest.json (sizes,
// streams, the semantic events). See bench/README.md, "The corpus".
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createRecorder, type Recorder } from '@tapline/core';
import { frameToJson, verifyRecording } from '@tapline/frames';
import { startHarness } from '../../packages/kube/test/harness.js';
import { userDirectory } from '../../packages/ssh/test/helpers/files.js';
import { type Fixture, startFixture } from '../../packages/ssh/test/helpers/fixture.js';
import { until } from '../../packages/ssh/test/helpers/processes.js';
import { startTmux, type Tmux } from '../../packages/ssh/test/helpers/tmux.js';
import {
  CORPUS,
  CORPUS_DIR,
  type CorpusName,
  dataOf,
  decodeRecording,
  encodeRecording,
  semanticSummary,
  streamsOf,
  totalBytes,
} from '../lib/recording.js';

const onlyArg = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const selected = new Set<string>(onlyArg ? onlyArg.split(',') : CORPUS);

const root = mkdtempSync(join(tmpdir(), 'tapline-capture-'));
const recordings = join(root, 'recordings');

function newRecorder(): Recorder {
  return createRecorder({
    spool: { directory: join(root, `spool-${Math.random().toString(36).slice(2)}`) },
    sinks: [createFileSink({ directory: recordings, fsync: 'close' })],
    labels: { corpus: 'tapline-bench' },
  });
}

/** Real text for the bulk transfers: C headers from /usr/include, `bytes` of them. */
function headerText(path: string, bytes: number): void {
  const files = readdirSync('/usr/include', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.h'))
    .sort();
  const fd = openSync(path, 'w', 0o644);
  let written = 0;
  for (const file of files) {
    if (written >= bytes) break;
    let text: Buffer;
    try {
      text = readFileSync(join('/usr/include', file));
    } catch {
      continue;
    }
    const part = text.subarray(0, bytes - written);
    writeSync(fd, part);
    written += part.length;
  }
  closeSync(fd);
  chmodSync(path, 0o644);
}

/** A fake build: compiler-like progress lines with colours and warnings, printed as fast as awk can. */
const BUILD_SCRIPT = String.raw`#!/bin/sh
awk 'BEGIN {
  srand(42); n = 30000
  for (i = 1; i <= n; i++) {
    m = int(rand() * 48); f = int(rand() * 900)
    printf "[%d/%d] \033[1;32mCC\033[0m src/module%02d/unit%03d.c\n", i, n, m, f
    if (i % 53 == 0) {
      printf "\033[1msrc/module%02d/unit%03d.c:%d:%d:\033[0m \033[1;35mwarning:\033[0m unused variable \033[1m\047scratch%d\047\033[0m [\033[1;35m-Wunused-variable\033[0m]\n", m, f, 100 + i % 700, 5 + i % 30, i
      printf "  %4d |     int scratch%d = compute(state, %d);\n       |         \033[1;35m^~~~~~~~\033[0m\n", 100 + i % 700, i, i
    }
    if (i % 400 == 0) printf "[%d/%d] \033[1;34mAR\033[0m build/libmodule%02d.a\n", i, n, m
  }
  printf "[%d/%d] \033[1;36mLD\033[0m build/tapline-demo\nbuild finished: %d objects, 0 errors\n", n, n, n
}'
`;

async function lastSessionFile(fixture: Fixture, recorder: Recorder): Promise<string> {
  let sessionId = '';
  await until(
    () => {
      const ended = fixture.events.filter((event) => event.type === 'session_ended').at(-1);
      if (ended?.type !== 'session_ended') return false;
      sessionId = ended.sessionId;
      return true;
    },
    30_000,
    'the session to end',
  );
  fixture.events.length = 0;
  await recorder.idle();
  return join(recordings, `${sessionId}.tapline`);
}

/**
 * Verifies the proxy's recording, then re-packs the same frames at gzip level
 * 6 (live, best-effort recording stores a segment uncompressed when
 * compression falls behind; the committed corpus should stay small).
 */
async function keep(name: CorpusName, path: string): Promise<void> {
  const original = readFileSync(path);
  const report = await verifyRecording(original);
  if (!report.complete) throw new Error(`${name}: recording is not complete: ${JSON.stringify(report)}`);
  const frames = await decodeRecording(original);
  const sessionId = frames[0]?.sessionStart?.sessionId;
  if (!sessionId) throw new Error(`${name}: no SessionStart`);
  const packed = await encodeRecording(frames, { sessionId, level: 6 });
  const again = await decodeRecording(packed);
  const json = (list: typeof frames) => JSON.stringify(list.map((frame) => frameToJson(frame)));
  if (json(again) !== json(frames)) throw new Error(`${name}: re-packed frames differ`);
  if (!(await verifyRecording(packed)).complete) throw new Error(`${name}: re-packed recording does not verify`);
  writeFileSync(join(CORPUS_DIR, `${name}.tapline`), packed);
  console.log(`captured ${name}: ${frames.length} frames, ${original.length} bytes as recorded, ${packed.length} re-packed`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Types like a person: one key at a time, 20–60 ms apart (a fixed pseudo-random rhythm). */
let rhythm = 7;
async function typeKeys(terminal: Tmux, text: string, enter = true): Promise<void> {
  for (const key of text) {
    // A lone ";" is tmux's command separator.
    terminal.type(key === ';' ? '\\;' : key, false);
    rhythm = (rhythm * 1103515245 + 12345) % 2147483648;
    await sleep(20 + (rhythm % 41));
  }
  if (enter) terminal.send('Enter');
}

/** Presses named keys (tmux key names) one at a time. */
async function press(terminal: Tmux, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    terminal.send(key);
    await sleep(60);
  }
}

/** Types a command in the shell and waits for `expected` on the screen. */
async function command(terminal: Tmux, text: string, expected: RegExp, timeoutMs = 20_000): Promise<void> {
  await typeKeys(terminal, text);
  await terminal.waitFor(expected, timeoutMs);
  await sleep(300);
}

/** The prompt is back (last non-blank line ends in "$ ") and vi's tildes are gone. */
async function promptAfterFullscreen(terminal: Tmux): Promise<void> {
  await until(
    () => {
      const lines = terminal
        .screen()
        .split('\n')
        .filter((line) => line.trim() !== '');
      return /\$\s*$/.test(lines.at(-1) ?? '') && !lines.some((line) => /^~\s*$/.test(line));
    },
    15_000,
    'the prompt after vi',
  );
}

async function captureShell(
  fixture: Fixture,
  recorder: Recorder,
  name: CorpusName,
  script: (terminal: Tmux) => Promise<void>,
  exitStatus: number,
): Promise<void> {
  const work = userDirectory('tapline-capture-shell-');
  const exitFile = join(work, 'exit-status');
  const ssh = ['ssh', ...fixture.sshArgs()].map((arg) => `'${arg}'`).join(' ');
  const terminal = startTmux(`TERM=xterm ${ssh}; echo $? > ${exitFile}`, 120, 40);
  try {
    await terminal.waitFor(/\$ $/m);
    await script(terminal);
    await until(
      () => {
        try {
          return readFileSync(exitFile, 'utf8').trim() === String(exitStatus);
        } catch {
          return false;
        }
      },
      20_000,
      `ssh to exit with ${exitStatus}`,
    );
    await keep(name, await lastSessionFile(fixture, recorder));
  } finally {
    terminal.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

async function captureSsh(): Promise<void> {
  const recorder = newRecorder();
  const fixture = await startFixture({ recorder });
  const files = userDirectory('tapline-capture-files-');
  try {
    if (selected.has('shell-vi')) {
      await captureShell(
        fixture,
        recorder,
        'shell-vi',
        async (t) => {
          await command(t, 'cd "$(mktemp -d)" && pwd', /^\/tmp\/tmp\.\w+$/m);
          await command(t, "printf 'alpha\\nbeta\\ngamma\\n' > notes.txt; wc -l < notes.txt", /^3$/m);
          // Line editing: backspace over a typo, then go back and insert a missing letter.
          await typeKeys(t, 'echo helo wrold', false);
          await t.waitFor(/echo helo wrold$/m);
          await press(t, ...Array(5).fill('BSpace'));
          await typeKeys(t, 'world', false);
          await press(t, 'C-a', ...Array(8).fill('Right'));
          await typeKeys(t, 'l', false);
          await press(t, 'Enter');
          await t.waitFor(/^hello world$/m);
          await sleep(300);
          // Tab completion, then history recall with a word deleted and replaced.
          await typeKeys(t, 'ls -l not', false);
          await press(t, 'Tab');
          await t.waitFor(/ls -l notes\.txt $/m);
          await press(t, 'Enter');
          await t.waitFor(/ \d+ \w+ +\d+ [\d:]+ notes\.txt$/m);
          await sleep(300);
          await press(t, 'Up');
          await t.waitFor(/\$ ls -l notes\.txt $/m);
          await press(t, 'C-w');
          await typeKeys(t, '/etc/hostname');
          await t.waitFor(/\/etc\/hostname$/m);
          await sleep(300);
          await command(t, 'grep -c a notes.txt; echo status=$?', /^status=0$/m);
          // A full-screen program.
          await typeKeys(t, 'vi notes.txt');
          await t.waitFor(/~\s*$/m);
          await sleep(300);
          await press(t, 'G', 'o');
          await typeKeys(t, 'delta, written in vi', false);
          await press(t, 'Escape');
          await typeKeys(t, ':%s/beta/BETA/');
          await sleep(200);
          await typeKeys(t, ':wq');
          await promptAfterFullscreen(t);
          await sleep(300);
          await command(t, 'cat notes.txt', /delta, written in vi/m);
          await command(t, 'for i in 1 2 3; do echo line-$i; done', /^line-3$/m);
          t.resize(100, 30);
          await command(t, 'stty size', /^30 100$/m);
          await command(t, 'cd / && rm -r "$OLDPWD" && echo cleaned', /^cleaned$/m);
          await typeKeys(t, 'exit 3');
        },
        3,
      );
    }
    if (selected.has('build-log')) {
      const script = join(files, 'build.sh');
      writeFileSync(script, BUILD_SCRIPT, { mode: 0o755 });
      chmodSync(script, 0o755);
      await captureShell(
        fixture,
        recorder,
        'build-log',
        async (t) => {
          await command(t, `sh ${script}`, /^build finished: \d+ objects, 0 errors$/m, 120_000);
          await typeKeys(t, 'exit');
        },
        0,
      );
    }
    const text = join(files, 'headers.txt');
    headerText(text, 4 * 1024 * 1024);
    if (selected.has('bulk-cat')) {
      await captureShell(
        fixture,
        recorder,
        'bulk-cat',
        async (t) => {
          await command(t, `cat ${text}; echo cat-status=$?`, /cat-status=0$/m, 120_000);
          await typeKeys(t, 'exit');
        },
        0,
      );
    }
    if (selected.has('sftp-upload')) {
      const remote = join(files, 'remote');
      const batch = join(files, 'batch.txt');
      writeFileSync(
        batch,
        [
          `mkdir ${remote}`,
          `cd ${remote}`,
          `put ${text} upload.txt`,
          'ls -l',
          'rename upload.txt renamed.txt',
          'chmod 600 renamed.txt',
          'rm renamed.txt',
          'cd ..',
          `rmdir ${remote}`,
          '',
        ].join('\n'),
      );
      const child = spawn(
        'sftp',
        [
          '-b',
          batch,
          ...fixture.clientOptions(),
          '-o',
          'BatchMode=yes',
          '-o',
          'IdentitiesOnly=yes',
          '-i',
          fixture.userKeyPath,
          '-P',
          String(fixture.port),
          'tapline@127.0.0.1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const output = await collect(child);
      if (output.code !== 0) throw new Error(`sftp failed (${output.code}): ${output.text}`);
      await keep('sftp-upload', await lastSessionFile(fixture, recorder));
    }
  } finally {
    await fixture.close();
    await recorder.close();
    rmSync(files, { recursive: true, force: true });
  }
}

function collect(child: ChildProcess): Promise<{ code: number | null; text: string }> {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
}

async function captureKube(): Promise<void> {
  const recorder = newRecorder();
  const h = await startHarness({}, recorder);
  const kubectl = (args: string[], stdin?: string): Promise<{ code: number | null; text: string }> => {
    const child = spawn('kubectl', ['--kubeconfig', h.kubeconfig, '--cache-dir', join(h.directory, 'cache'), ...args], {
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
    return collect(child);
  };
  try {
    const listed = await kubectl(['get', 'pods']);
    if (!/^web\s/m.test(listed.text)) throw new Error(`kubectl get pods: ${listed.text}`);
    // A watch that sees a pod appear.
    const watch = spawn(
      'kubectl',
      ['--kubeconfig', h.kubeconfig, '--cache-dir', join(h.directory, 'cache'), 'get', 'pods', '-w'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let watched = '';
    watch.stdout.on('data', (chunk: Buffer) => {
      watched += chunk.toString();
    });
    await until(() => watched.includes('web'), 20_000, 'the watch to list web');
    h.api.addPod('default', 'worker-1');
    h.api.addPod('default', 'worker-2');
    await until(() => watched.includes('worker-2'), 20_000, 'the watch to see worker-2');
    watch.kill('SIGINT');
    await new Promise((resolve) => watch.on('close', resolve));
    // exec: a log-like stream on stdout, stderr and an exit status, and stdin.
    const logs = await kubectl([
      'exec',
      'web',
      '--',
      'sh',
      '-c',
      'i=0; while [ $i -lt 6000 ]; do i=$((i+1)); echo "$(date -u +%FT%TZ) level=info worker=$((i % 8)) request=$i path=/api/v1/items/$i status=200"; done; echo done >&2',
    ]);
    if (logs.code !== 0) throw new Error(`kubectl exec failed: ${logs.text.slice(-500)}`);
    const failed = await kubectl(['exec', 'web', '--', 'sh', '-c', 'echo about to fail >&2; exit 3']);
    if (failed.code !== 3) throw new Error(`kubectl exec exit 3 gave ${failed.code}: ${failed.text}`);
    const upper = await kubectl(['exec', '-i', 'web', '--', 'tr', 'a-z', 'A-Z'], 'hello through stdin\n');
    if (!upper.text.includes('HELLO THROUGH STDIN')) throw new Error(`kubectl exec -i: ${upper.text}`);
    await kubectl(['delete', 'pod', 'worker-1', '--wait=false']);
    await kubectl(['get', 'pods', '-o', 'wide']);
  } finally {
    await h.close();
    await recorder.idle();
    await recorder.close();
  }
  const files = readdirSync(recordings).filter((file) => file.endsWith('.tapline'));
  const newest = files
    .map((file) => ({ file, time: statSync(join(recordings, file)).mtimeMs }))
    .sort((a, b) => b.time - a.time)[0];
  if (!newest) throw new Error('no kube recording');
  await keep('kubectl', join(recordings, newest.file));
}

try {
  if (['shell-vi', 'build-log', 'bulk-cat', 'sftp-upload'].some((name) => selected.has(name))) await captureSsh();
  if (selected.has('kubectl')) await captureKube();
  await writeManifest();
} finally {
  rmSync(root, { recursive: true, force: true });
}

/** bench/corpus/manifest.json: what each recording holds, for the README and the replay test. */
async function writeManifest(): Promise<void> {
  const manifest: Record<string, unknown> = {};
  for (const name of CORPUS) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(CORPUS_DIR, `${name}.tapline`));
    } catch {
      continue;
    }
    const frames = await decodeRecording(bytes);
    const data = dataOf(frames);
    manifest[name] = {
      fileBytes: bytes.length,
      frames: frames.length,
      dataFrames: data.length,
      dataBytes: totalBytes(data),
      clientToTargetBytes: totalBytes(data.filter((chunk) => chunk.direction === 1)),
      targetToClientBytes: totalBytes(data.filter((chunk) => chunk.direction === 2)),
      durationMs: Math.round(Number(frames.at(-1)?.offsetNs ?? 0) / 1e6),
      streams: streamsOf(frames).map((stream) => ({ kind: stream.kind, details: stream.details })),
      semantic: semanticSummary(frames),
    };
  }
  writeFileSync(join(CORPUS_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
