// The example connector's command line. See README.md.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type Connector, type ConnectorEvent, startConnector } from './connector.js';
import { DEMO_STEPS, type DemoClientKind, DemoError, driveDemoSession } from './demo.js';
import { commandsOf, inspectCommand, inspectFile, printInspect, shown } from './inspect.js';
import { type MetricsEndpoint, serveMetrics } from './metrics.js';
import { ConfigError, TARGET_VARIABLES, targetFromEnv } from './target.js';

const HELP = `Tapline example SSH connector: the SSH proxy, recording every session.

usage: bash scripts/start.sh [options]          run the connector (Ctrl-C stops it)
       bash scripts/start.sh --demo             one scripted session end to end, then exit
       pnpm exec tapline inspect FILE           a recording's header and timeline (@tapline/cli)

options:
  --port N             proxy port (default 2222, a free port if 2222 is taken; --demo: a free port)
  --host ADDR          proxy address (default 127.0.0.1)
  --recordings DIR     where recordings and events.jsonl go (default ./recordings)
  --state-dir DIR      proxy host key, spool, known_hosts (default ./.tapline)
  --ttl DURATION       how long a grant lasts from login: 90s, 30m, 1h (default 1h)
  --metrics-port N     serve Prometheus metrics on http://HOST:N/metrics (default: off)
  --watch-socket PATH  serve \`tapline watch --socket PATH\` (live sessions, read-only) on
                       this unix socket, mode 0600 (default: off)
  --log FILE           JSON log lines (pino) of the proxy and the recorder; - for stderr
                       (default: <state-dir>/connector.log)
  --demo               run one scripted session (OpenSSH ssh in tmux, else ssh2's client),
                       print its timeline, exit 0 on success
  --demo-client KIND   auto (default), openssh or ssh2
  -h, --help           this text

Relative paths are relative to the directory you start it from.

target: the embedded demo target (real bash, real sftp-server, on 127.0.0.1),
or a real sshd when these are set:
${TARGET_VARIABLES.map(([name, meaning]) => `  ${name.padEnd(24)} ${meaning}`).join('\n')}
`;

const EXPECTED_COMMANDS = DEMO_STEPS.map((step) => step.command);

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function baseDirectory(): string {
  // `pnpm start` runs us in the package directory; INIT_CWD is where the person typed it.
  const viaScript =
    process.env.npm_package_name === '@tapline/example-ssh-connector' &&
    (process.env.npm_lifecycle_event === 'start' || process.env.npm_lifecycle_event === 'demo');
  return viaScript && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new ConfigError(`--ttl: not a duration: ${text} (try 90s, 30m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

function time(): string {
  return new Date().toISOString().slice(11, 19);
}

async function printBanner(connector: Connector, ttlMs: number): Promise<void> {
  const { address, hostKey } = connector;
  out('Tapline example SSH connector: every session through it is recorded.');
  out(
    `  proxy        ${address.address}:${address.port}, host key ${hostKey.fingerprint}${hostKey.created ? ' (new)' : ''}`,
  );
  out(`  target       ${connector.targetDescription}`);
  out(`  recordings   ${shown(connector.recordingsDir)}/<session id>.tapline`);
  out(`  metadata     ${shown(connector.eventsPath)}`);
  if (connector.recovery.recovered.length > 0) {
    out(`  recovered    ${connector.recovery.recovered.length} recording(s) a crash left in the spool`);
  }
  out(
    `  grant        approved by Grace Hopper (demo approver), access flow "Demo: just-in-time SSH access", ${Math.round(ttlMs / 60_000)} min from login`,
  );
  out();
  out('Connect from another terminal; the password is a ONE-TIME token (one connection):');
  out(`  ${connector.sshCommand()}`);
  out(`  password: ${connector.grants.current.value}`);
  out();
  out('Ctrl-C stops the connector: live users are told, their recordings are delivered.');
  out();
}

function onEvent(connector: () => Connector | undefined) {
  return (event: ConnectorEvent): void => {
    const live = connector();
    if (live === undefined) return; // the first token is printed with the banner
    switch (event.type) {
      case 'token':
        out(`[${time()}] next one-time token (for a new connection): ${event.token.value}`);
        break;
      case 'auth_failed':
        out(
          `[${time()}] login refused for ${event.username} from ${event.clientAddress}: wrong or used token`,
        );
        break;
      case 'session_started':
        out(
          `[${time()}] session ${event.sessionId} started: ${event.username} from ${event.clientAddress}, access request ${event.accessRequestId}`,
        );
        break;
      case 'session_failed':
        out(`[${time()}] session refused: ${event.code}: ${event.message}`);
        break;
      case 'session_ended':
        out(
          `[${time()}] session ${event.sessionId} ended (${event.reason}${event.commands === undefined ? '' : `, ${event.commands} commands`}); delivering its recording`,
        );
        break;
      case 'delivered':
        out(`[${time()}] recording delivered: ${shown(event.path)} (${event.bytes} bytes)`);
        out(`           inspect it: ${inspectCommand(event.path)}`);
        break;
      case 'delivery_failed':
        out(`[${time()}] recording of ${event.sessionId} NOT delivered: ${event.detail}`);
        break;
    }
  };
}

async function demo(options: {
  recordingsDir: string;
  host: string;
  port: number;
  ttlMs: number;
  client: DemoClientKind | 'auto';
}): Promise<number> {
  // Its own spool and host key, so a connector already running here is untouched.
  const stateDir = mkdtempSync(join(tmpdir(), 'tapline-demo-'));
  let connector: Connector | undefined;
  const ended = new Map<string, string>();
  const delivered = new Map<string, { path: string; bytes: number }>();
  const failures: string[] = [];
  try {
    connector = await startConnector({
      recordingsDir: options.recordingsDir,
      stateDir,
      host: options.host,
      port: options.port,
      persistentHostKey: false,
      ttlMs: options.ttlMs,
      target: targetFromEnv(), // TAPLINE_TARGET_* set: the demo session runs on your sshd
      onEvent(event) {
        if (event.type === 'session_ended') ended.set(event.sessionId, event.reason);
        if (event.type === 'delivered') delivered.set(event.sessionId, event);
        if (event.type === 'delivery_failed') failures.push(event.detail);
        if (event.type === 'session_failed') failures.push(`${event.code}: ${event.message}`);
      },
    });
    const token = connector.grants.current;
    out('Tapline demo: an SSH proxy that records, on embedded defaults.');
    out(
      `  proxy        ${connector.address.address}:${connector.address.port}, host key ${connector.hostKey.fingerprint}`,
    );
    out(`  target       ${connector.targetDescription}`);
    out(`  recordings   ${shown(connector.recordingsDir)}, metadata ${shown(connector.eventsPath)}`);
    out(
      `  grant        one-time token ${token.value} for access request ${token.accessRequestId}, approved by Grace Hopper, ${Math.round(options.ttlMs / 60_000)} min`,
    );
    out();
    const run = await driveDemoSession(connector, { client: options.client, log: out });
    if (run.exitStatus !== 0)
      throw new DemoError(`the session ended with status ${run.exitStatus}:\n${run.screen}`);

    const deadline = Date.now() + 30_000;
    let sessionId: string | undefined;
    while (Date.now() < deadline) {
      sessionId = [...ended.keys()][0];
      if ((sessionId !== undefined && delivered.has(sessionId)) || failures.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (failures.length > 0) throw new DemoError(`recording failed: ${failures.join('; ')}`);
    if (sessionId === undefined) throw new DemoError('the proxy never reported the end of the session');
    const recording = delivered.get(sessionId);
    if (recording === undefined)
      throw new DemoError(`the recording of ${sessionId} was not delivered within 30 s`);
    out();
    out(
      `session ${sessionId} ended (${ended.get(sessionId)}); recording delivered: ${shown(recording.path)}`,
    );
    out(`inspect it any time: ${inspectCommand(recording.path)}`);
    out();
    out(`$ tapline inspect ${shown(recording.path)}`);
    const inspected = await printInspect(recording.path);
    out();
    const report = await inspectFile(recording.path);
    if (inspected !== 0 || !report.recording.intact || !report.recording.complete) {
      const error = report.recording.error;
      throw new DemoError(`the recording does not verify${error ? `: ${error.code}: ${error.message}` : ''}`);
    }
    const commands = commandsOf(report);
    if (JSON.stringify(commands) !== JSON.stringify(EXPECTED_COMMANDS)) {
      throw new DemoError(
        `the recording holds the commands ${JSON.stringify(commands)}, expected ${JSON.stringify(EXPECTED_COMMANDS)}`,
      );
    }
    out(
      `demo ok: the recording verifies (hash chain intact, end marker present) and holds the ${commands.length} commands as the shell ran them, after the Backspace edit.`,
    );
    return 0;
  } finally {
    await connector?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        recordings: { type: 'string' },
        'state-dir': { type: 'string' },
        ttl: { type: 'string', default: '1h' },
        'metrics-port': { type: 'string' },
        'watch-socket': { type: 'string' },
        log: { type: 'string' },
        demo: { type: 'boolean', default: false },
        'demo-client': { type: 'string', default: 'auto' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(HELP);
    return 0;
  }
  if (positionals.length > 0) {
    process.stderr.write(`unknown argument: ${positionals[0]}\n\n${HELP}`);
    return 2;
  }
  const base = baseDirectory();
  const recordingsDir = resolve(base, values.recordings ?? 'recordings');
  const ttlMs = parseDuration(values.ttl);
  const client = values['demo-client'];
  if (client !== 'auto' && client !== 'openssh' && client !== 'ssh2') {
    throw new ConfigError(`--demo-client: auto, openssh or ssh2, not ${client}`);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new ConfigError(`--port: not a port: ${values.port}`);
  }
  // The demo takes a free port unless told one: it must not collide with a running connector.
  if (values.demo) return demo({ recordingsDir, host: values.host, port: port ?? 0, ttlMs, client });

  let metricsEndpoint: MetricsEndpoint | undefined;
  if (values['metrics-port'] !== undefined) {
    const metricsPort = Number(values['metrics-port']);
    if (!Number.isInteger(metricsPort) || metricsPort < 1 || metricsPort > 65535)
      throw new ConfigError(`--metrics-port: not a port: ${values['metrics-port']}`);
    // Before the recorder exists: its instruments bind to the provider registered now.
    metricsEndpoint = await serveMetrics(metricsPort, values.host);
  }
  const stateDir = resolve(base, values['state-dir'] ?? '.tapline');
  // pino writes one JSON object per line; synchronous, so the last lines are out before exit.
  const logPath = values.log === '-' ? 2 : resolve(base, values.log ?? join(stateDir, 'connector.log'));
  mkdirSync(stateDir, { recursive: true, mode: 0o700 }); // before pino could create it with default modes
  const logger = pino(
    { name: 'tapline-example-ssh-connector' },
    pino.destination({ dest: logPath, sync: true, mkdir: true, mode: 0o600 }),
  );
  const watchSocket =
    values['watch-socket'] === undefined ? undefined : resolve(base, values['watch-socket']);
  let connector: Connector | undefined;
  connector = await startConnector({
    recordingsDir,
    stateDir,
    logger,
    host: values.host,
    port: port ?? 2222,
    portFallback: port === undefined,
    ttlMs,
    target: targetFromEnv(),
    onEvent: onEvent(() => connector),
    ...(watchSocket === undefined ? {} : { watchSocket }),
  });
  await printBanner(connector, ttlMs);
  if (metricsEndpoint) out(`Metrics: ${metricsEndpoint.url}`);
  if (watchSocket !== undefined)
    out(`Watch: pnpm exec tapline watch --socket ${shown(watchSocket)} [SESSION]`);
  out(`Log: ${logPath === 2 ? 'stderr' : shown(logPath)} (JSON lines, pino)`);
  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        out(
          `${signal} again: exiting now; the spool keeps what was not delivered (recovered at the next start)`,
        );
        process.exit(1);
      }
      stopping = true;
      out(`[${time()}] ${signal}: stopping (proxy.close(), then recorder.close())`);
      connector!
        .close()
        .then(() => metricsEndpoint?.close())
        .then(() => out(`[${time()}] stopped`))
        .finally(resolveStop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

// `… | head` closing the pipe is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// `pnpm start -- --port 2200` forwards the "--" itself.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

main(args).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DemoError) {
      process.stderr.write(`${error instanceof DemoError ? 'demo FAILED' : 'error'}: ${error.message}\n`);
    } else {
      process.stderr.write(
        `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exitCode = error instanceof DemoError ? 1 : 2;
  },
);
