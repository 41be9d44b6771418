// The proxy under benchmark in a process of its own, as a connector runs it:
// on a shared event loop with the benchmark's client and test API server, the
// proxy's work and theirs would take turns on one core, and the figures would
// measure that queue instead of the proxy. Started by bench/proxy.ts through
// fork(); the setup comes in TAPLINE_BENCH_PROXY (JSON), the proxy's URL goes
// back as the first IPC message, and 'cpu' asks for this process's CPU time.
// Beside the proxy, a bare TLS pass-through (both legs terminated, nothing
// read) in the same process: the floor a relay meets on this machine.
import { startTlsPassthrough } from '../../../bench/lib/passthrough.js';
import { createKubeProxy } from '../src/index.js';
import { authorizeGrants } from '../test/harness.js';
import { type BenchRecorderKind, makeRecorder } from './setup.js';

export interface ProxyProcessSetup {
  tls: { key: string; cert: string };
  upstream: { url: string; ca: string; token: string };
  /** Bearer token → the user it grants. */
  grants: Record<string, string>;
  recorder: BenchRecorderKind;
}

/** Messages from the proxy process. */
export type ProxyProcessMessage =
  | { type: 'ready'; url: string; passthroughUrl: string }
  | { type: 'cpu'; userMicros: number; systemMicros: number };

async function main(): Promise<void> {
  const setup = JSON.parse(process.env.TAPLINE_BENCH_PROXY ?? '') as ProxyProcessSetup;
  const recorder = makeRecorder(setup.recorder);
  const proxy = createKubeProxy({
    tls: setup.tls,
    authorize: authorizeGrants(setup.grants),
    upstream: setup.upstream,
    recorder,
    onEvent: (event) => {
      if (event.type === 'error') console.error('proxy error', event.error);
    },
  });
  await proxy.listen();
  const upstream = new URL(setup.upstream.url);
  const passthrough = await startTlsPassthrough({
    ...setup.tls,
    ca: setup.upstream.ca,
    targetHost: upstream.hostname,
    targetPort: Number(upstream.port),
  });
  const send = (message: ProxyProcessMessage): void => {
    process.send?.(message);
  };
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', userMicros: user, systemMicros: system });
    } else if (message === 'stop') {
      void (async () => {
        await proxy.close();
        await passthrough.close();
        await recorder.close?.();
        process.disconnect?.();
      })();
    }
  });
  send({ type: 'ready', url: proxy.url, passthroughUrl: `https://127.0.0.1:${passthrough.port}` });
}

await main();
