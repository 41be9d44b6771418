// Memory:
//   - one long recorded session: the recorder, writer, spool and file sink fed
//     the bulk-cat recording's Data scaled to 4 GiB (quick: 512 MiB), in a
//     child process whose RSS is sampled every 200 ms; flat means the peak
//     over the rest of the session stays near the RSS of the first quarter;
//   - idle sessions: N interactive shells (ssh2 clients, pty, prompt shown,
//     then idle) through the real Tapline proxy with the real recorder to a
//     real sshd, against the same N through a bare ssh2 relay; each proxy in
//     its own process, RSS measured before and with all N open.
// Flat: the peak over the last three quarters is at most 1.25× the peak over
// the first (ratio ≥ 0.80).
import { startSshd } from '../packages/ssh/test/helpers/sshd.js';
import { MB, type Report } from './lib/harness.js';
import { measureIdleSessions } from './lib/idle-sessions.js';
import { measureLongSession } from './lib/long-session.js';

const MiB = 1024 * 1024;

export async function memoryBench(report: Report, options: { quick: boolean }): Promise<void> {
  await longSession(report, options);
  await idleSessions(report, options);
}

async function longSession(report: Report, options: { quick: boolean }): Promise<void> {
  const bytes = options.quick ? 1024 * MiB : 4 * 1024 * MiB;
  const result = await measureLongSession('bulk-cat', bytes);
  if (result.bytesNotRecorded !== 0)
    throw new Error(`the long session did not record ${result.bytesNotRecorded} bytes`);
  // The first quarter includes the warm-up (heap sizing, JIT, the spool's first files).
  const early = result.samples.filter(([fed]) => fed <= bytes * 0.25);
  const rest = result.samples.filter(([fed]) => fed > bytes * 0.25);
  const half = result.samples.filter(([fed]) => fed >= bytes * 0.5);
  const earlyRss = Math.max(...early.map(([, rss]) => rss)) / MiB;
  const peakRss = Math.max(...rest.map(([, rss]) => rss)) / MiB;
  const group = 'memory: one long recorded session (recorder, spool, file sink)';
  report.note(
    `long session: ${(bytes / 1024 / MiB).toFixed(0)} GiB of the bulk-cat recording's Data scaled, ${result.samples.length} RSS samples (200 ms), ${result.frames} frames, nothing dropped`,
  );
  report.add({ group, name: 'RSS, first quarter (max)', value: earlyRss, unit: 'MiB', lowerIsBetter: true });
  report.add({
    group,
    name: 'RSS, rest of the session (max)',
    value: peakRss,
    unit: 'MiB',
    baseline: 'RSS, first quarter (max)',
    lowerIsBetter: true,
    goal: 'flat (≥ 0.80×)',
  });
  report.add({
    group,
    name: 'RSS growth over the second half',
    value: (Math.max(...half.map(([, rss]) => rss)) - (half[0]?.[1] ?? 0)) / MiB,
    unit: 'MiB',
  });
  report.add({
    group,
    name: 'fed through the recorder',
    value: result.bytes / MB / result.seconds,
    unit: 'MB/s',
  });
  report.add({
    group,
    name: 'recording size / bytes fed',
    value: result.recordingBytes / result.bytes,
    unit: '×',
  });
}

async function idleSessions(report: Report, options: { quick: boolean }): Promise<void> {
  const count = options.quick ? 200 : 1000;
  const sshd = await startSshd();
  try {
    const bare = await measureIdleSessions(sshd, 'bare', count);
    const tapline = await measureIdleSessions(sshd, 'tapline', count);
    const group = 'memory: idle recorded SSH shells (proxy process RSS)';
    report.note(
      `idle sessions: ${count} ssh2 clients with a pty shell each (prompt shown, then idle) to a real sshd; RSS before ${tapline.rssBeforeMiB.toFixed(0)} MiB (bare ${bare.rssBeforeMiB.toFixed(0)} MiB), opened in ${tapline.openSeconds.toFixed(1)} s (bare ${bare.openSeconds.toFixed(1)} s)`,
    );
    report.add({
      group,
      name: 'bare ssh2 relay, per session',
      value: bare.perSessionKiB,
      unit: 'KiB',
      lowerIsBetter: true,
    });
    report.add({
      group,
      name: 'Tapline proxy + recorder, per session',
      value: tapline.perSessionKiB,
      unit: 'KiB',
      baseline: 'bare ssh2 relay, per session',
      lowerIsBetter: true,
      goal: '≤ 1049 KiB (1 GiB / 1,000)',
    });
    report.add({
      group,
      name: 'Tapline proxy process RSS, all sessions open',
      value: tapline.rssAfterMiB,
      unit: 'MiB',
      ...(count >= 1000 ? { goal: '≤ 1024 MiB at 1,000' } : {}),
    });
    report.add({
      group,
      name: 'sessions opened through Tapline per second',
      value: count / tapline.openSeconds,
      unit: '/s',
    });
  } finally {
    await sshd.stop();
  }
}
