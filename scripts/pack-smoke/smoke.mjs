// Runs in a scratch project outside the workspace, against the packed
// tarballs installed with npm: the packages work as an adopter gets them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileSink, createJsonlMetadataEmitter, createRecorder } from '@tapline/core';
import { verifyRecording } from '@tapline/frames';

// Every runtime package loads and exports its factories.
const expected = {
  '@tapline/frames': ['verifyRecording', 'TaplineError'],
  '@tapline/core': ['createRecorder', 'createFileSink'],
  '@tapline/terminal': ['createCommandExtractor', 'extractCommands'],
  '@tapline/sftp': ['SftpErrorCode'],
  '@tapline/ssh': ['createSshProxy', 'generateHostKey'],
  '@tapline/kube': ['KubeErrorCode', 'kubeconfigFor'],
  '@tapline/sink-s3': ['parseS3Url', 'createKmsKeyWrapper'],
  '@tapline/metadata-http': ['BATCH_SCHEMA'],
  '@tapline/cli': ['run', 'inspectRecording'],
};
for (const [name, names] of Object.entries(expected)) {
  const module = await import(name);
  for (const exported of names) assert.ok(module[exported], `${name} exports ${exported}`);
  const manifest = JSON.parse(readFileSync(new URL(import.meta.resolve(`${name}/package.json`)), 'utf8'));
  assert.equal(manifest.name, name);
}

// One recorded session, end to end, then `tapline verify` on it.
const root = mkdtempSync(join(tmpdir(), 'tapline-smoke-'));
const recorder = createRecorder({
  sinks: [createFileSink({ directory: join(root, 'recordings') })],
  metadata: createJsonlMetadataEmitter({ path: join(root, 'events.jsonl') }),
  spool: { directory: join(root, 'spool') },
});
await recorder.recover();
const session = await recorder.start({
  protocol: 'ssh',
  user: { id: 'u-1', name: 'Ada' },
  approvers: [{ id: 'u-2', name: 'Grace' }],
  accessFlow: { id: 'af-1', name: 'smoke' },
  accessRequestId: 'ar-1',
  resource: { id: 'r-1', type: 'ssh_server', name: 'bastion' },
  expiresAt: Date.now() + 60_000,
});
const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
session.data(shell, 'client_to_target', Buffer.from('ls\r'));
session.data(shell, 'target_to_client', Buffer.from('ls\r\nREADME.md\r\n$ '));
session.command({ streamId: shell, text: 'ls', source: 'terminal' });
session.closeStream(shell, { exitStatus: 0 });
await session.end('client_closed');
await recorder.close();
const file = join(root, 'recordings', `${session.sessionId}.tapline`);
const report = await verifyRecording(readFileSync(file));
assert.ok(report.intact && report.complete, JSON.stringify(report));
const verified = execFileSync('npx', ['--no-install', 'tapline', 'verify', file], { encoding: 'utf8' });
assert.match(verified, /ok/i);
console.log(
  `pack-smoke: ${Object.keys(expected).length} packages load; a recorded session verifies (${verified.trim().split('\n')[0]})`,
);
