// Run as a child process by crash.test.ts: records a busy session until it is
// SIGKILLed. argv: <spool dir> <recordings dir> <session id>
import { createFileSink, createRecorder } from '../src/index.js';

const [spoolDirectory, recordingsDirectory, sessionId] = process.argv.slice(2) as [string, string, string];
const recorder = createRecorder({
  sinks: [createFileSink({ directory: recordingsDirectory })],
  spool: { directory: spoolDirectory },
  segment: { segmentBytes: 16 * 1024, maxSegmentAgeMs: 20 },
});
const session = await recorder.start({
  sessionId,
  protocol: 'ssh',
  user: { id: 'u-crash' },
  accessRequestId: 'ar-crash',
  resource: { id: 'r-1', type: 'ssh_server' },
});
const stream = session.openStream('ssh_shell');
let line = 0;
let announced = false;
const tick = () => {
  for (let i = 0; i < 50; i++) {
    session.data(stream, 'target_to_client', Buffer.from(`output line ${line++} ${'x'.repeat(100)}\r\n`));
  }
  if (!announced && line > 5000) {
    announced = true;
    process.stdout.write('busy\n');
  }
  setTimeout(tick, 1);
};
tick();
