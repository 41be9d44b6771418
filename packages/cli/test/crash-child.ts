// Run as a child process by the tests: starts a session, waits until the
// segment after the grant's (the one with the shell's frames) is durably
// spooled, says "ready", and idles until it is SIGKILLed.
// argv: <spool dir> <recordings dir> <session id>
import { channels, createFileSink, createRecorder } from '@tapline/core';

const [spoolDirectory, recordingsDirectory, sessionId] = process.argv.slice(2) as [string, string, string];
let announced = false;
channels.segmentSpooled.subscribe((message) => {
  if (announced || (message as { segmentIndex: number }).segmentIndex < 1) return;
  announced = true;
  process.stdout.write('ready\n');
});
const recorder = createRecorder({
  sinks: [createFileSink({ directory: recordingsDirectory })],
  spool: { directory: spoolDirectory },
  segment: { maxSegmentAgeMs: 20 },
});
const session = await recorder.start({
  sessionId,
  protocol: 'ssh',
  user: { id: 'u-crash', name: 'Crash Test' },
  accessRequestId: 'ar-crash',
  resource: { id: 'r-1', type: 'ssh_server', name: 'bastion' },
});
const shell = session.openStream('ssh_shell', { cols: 80, rows: 24 });
session.data(shell, 'target_to_client', Buffer.from('$ '));
session.data(shell, 'client_to_target', Buffer.from('make deploy\r'));
session.data(shell, 'target_to_client', Buffer.from('make deploy\r\ndeploying...\r\n'));
session.command({ streamId: shell, text: 'make deploy', source: 'terminal' });
setInterval(() => {}, 60_000);
