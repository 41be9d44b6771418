// Run as a child process by recovery.test.ts: the proxy with the real
// recorder (spool + file sink) in front of a real sshd, until SIGKILLed.
// argv: <spool dir> <recordings dir>. Prints one JSON line: the ssh
// arguments to reach the proxy and sshd's pid (the test cleans sshd up).
import { createFileSink, createRecorder } from '@tapline/core';
import { startFixture } from './fixture.js';

const [spoolDirectory, recordingsDirectory] = process.argv.slice(2) as [string, string];
const recorder = createRecorder({
  spool: { directory: spoolDirectory },
  sinks: [createFileSink({ directory: recordingsDirectory })],
  // Cut segments often, so keystrokes reach the spool well before the kill.
  segment: { maxSegmentAgeMs: 50 },
});
const fixture = await startFixture({ recorder });
process.stdout.write(
  `${JSON.stringify({ sshArgs: fixture.sshArgs(), sshdPid: fixture.sshd.process.pid })}\n`,
);
