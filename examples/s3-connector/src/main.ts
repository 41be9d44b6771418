// The SSH proxy recording to S3, with metadata POSTed (signed) to a control
// plane. The wiring is the point of this example: it is all in this file.
import { subscribe } from 'node:diagnostics_channel';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { channels, createRecorder, type DeliveryReceipt } from '@tapline/core';
import {
  ConfigError,
  createDemoGrants,
  type DemoTarget,
  knownHostsLine,
  loadOrCreateHostKey,
  startDemoTarget,
} from '@tapline/example-ssh-connector';
import { createHttpMetadataEmitter } from '@tapline/metadata-http';
import { createS3Sink } from '@tapline/sink-s3';
import { createSshProxy, type SshTarget } from '@tapline/ssh';
import { configFromEnv, VARIABLES } from './config.js';

// The AWS SDK's notice that its releases after January 2027 need Node 22 (the workspace pins it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const time = (): string => new Date().toISOString().slice(11, 19);

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    out('Tapline example: the SSH proxy recording to S3, metadata to an HTTP endpoint.\n');
    out('usage: node examples/s3-connector/bin/connector.mjs   (configured from the environment)\n');
    for (const [name, meaning] of VARIABLES) out(`  ${name.padEnd(26)} ${meaning}`);
    return;
  }
  const config = configFromEnv();
  mkdirSync(config.stateDir, { recursive: true, mode: 0o700 });

  // Storage you own: one S3 object per recording, streamed as a resumable multipart upload.
  const sink = createS3Sink({
    bucket: config.bucket,
    prefix: config.prefix,
    clientConfig: config.clientConfig,
    ...(config.serverSideEncryption ? { serverSideEncryption: config.serverSideEncryption } : {}),
    ...(config.sseKmsKeyId ? { sseKmsKeyId: config.sseKmsKeyId } : {}),
  });
  // The control plane gets metadata only (ids, counts, where the recording is, its chain hash),
  // signed with HMAC-SHA256, through a durable outbox that survives restarts.
  const metadata = createHttpMetadataEmitter({
    url: config.metadataUrl,
    secret: config.metadataSecret,
    directory: join(config.stateDir, 'outbox'),
    onEvent: (event) => {
      if (event.type === 'error') out(`[${time()}] metadata: ${event.error.message} (will retry)`);
    },
  });
  await metadata.start(); // a locked or unwritable outbox stops the start here, with its code
  const recorder = createRecorder({
    sinks: [sink],
    metadata,
    spool: { directory: join(config.stateDir, 'spool') },
    labels: { connector: 'tapline-example-s3-connector' },
  });
  const recovery = await recorder.recover();

  let demoTarget: DemoTarget | undefined;
  let target: SshTarget;
  if (config.target) {
    target = config.target;
  } else {
    demoTarget = await startDemoTarget({ scratchDir: join(config.stateDir, 'demo-target') });
    target = {
      host: demoTarget.host,
      port: demoTarget.port,
      username: demoTarget.username,
      password: demoTarget.password,
      hostKey: demoTarget.hostKey,
    };
  }
  let proxyStarted = false;
  const grants = createDemoGrants({
    ttlMs: config.ttlMs,
    resource: {
      id: `res-${target.host}`,
      type: 'ssh_server',
      name: demoTarget ? 'embedded demo target' : target.host,
    },
    onToken: (token) => {
      if (proxyStarted) out(`[${time()}] next one-time token (for a new connection): ${token.value}`);
    },
  });

  const hostKey = loadOrCreateHostKey(join(config.stateDir, 'host_key'));
  const proxy = createSshProxy({
    hostKeys: [hostKey.privateKey],
    recorder,
    authMethods: ['password', 'keyboard-interactive'],
    authorize: ({ username, password }) => {
      const context = grants.redeem(username, password);
      return context === null ? null : { context, target };
    },
    onEvent: (event) => {
      if (event.type === 'session_started')
        out(`[${time()}] session ${event.sessionId} started: ${event.username}`);
      if (event.type === 'session_ended')
        out(`[${time()}] session ${event.sessionId} ended (${event.reason})`);
      if (event.type === 'session_failed')
        out(`[${time()}] session refused: ${event.error.code}: ${event.error.message}`);
    },
  });
  // The recorder reports every delivery on diagnostics_channel (no content, just ids and the receipt).
  const endpoint = config.clientConfig.endpoint ? ` --endpoint ${String(config.clientConfig.endpoint)}` : '';
  const onDelivered = (message: unknown) => {
    const { sessionId, receipt } = message as { sessionId: string; receipt: DeliveryReceipt };
    out(`[${time()}] recording of ${sessionId} delivered: ${receipt.location} (${receipt.bytes} bytes)`);
    out(`           inspect it: pnpm exec tapline inspect ${receipt.location}${endpoint}`);
  };
  subscribe(channels.recordingDelivered.name, onDelivered);

  const address = await proxy.listen(config.port, config.host);
  proxyStarted = true;
  const shownHost = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  out('Tapline example S3 connector: every session through it is recorded to S3.');
  out(`  proxy        ${address.address}:${address.port}, host key ${hostKey.fingerprint}`);
  out(
    `  target       ${demoTarget ? `embedded demo target (${target.host}:${target.port})` : `${target.username}@${target.host}:${target.port ?? 22}`}`,
  );
  out(
    `  recordings   s3://${config.bucket}/${config.prefix}/…${endpoint ? ` at ${String(config.clientConfig.endpoint)}` : ''}`,
  );
  out(`  metadata     POST ${config.metadataUrl} (signed)`);
  if (recovery.recovered.length > 0)
    out(`  recovered    ${recovery.recovered.length} recording(s) from the spool`);
  out(`  known_hosts  ${knownHostsLine(shownHost, address.port, hostKey.publicKey)}`);
  out();
  out('Connect; the password is a ONE-TIME token (one connection):');
  out(`  ssh -p ${address.port} demo@${shownHost}`);
  out(`  password: ${grants.current.value}`);
  out();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    out(`[${time()}] ${signal}: stopping`);
    await proxy.close(); // live users are told; their sessions end as "shutdown"
    await recorder.close(); // waits for the S3 uploads; the metadata emitter is closed with it
    sink.destroy();
    await demoTarget?.close();
    out(`[${time()}] stopped`);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `error: ${error.message}\n`
      : `error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 2;
});
