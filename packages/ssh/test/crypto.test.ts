import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createSshProxy, generateHostKey, sshCryptoInfo } from '../src/index.js';
import { createMemoryRecorder } from './helpers/memory-recorder.js';

const require = createRequire(import.meta.url);

describe('ssh2 crypto path', () => {
  it('loads the native crypto binding (pnpm built ssh2: onlyBuiltDependencies)', () => {
    // The same flag ssh2 itself uses to pick its cipher implementation.
    const crypto = require('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
    expect(crypto.bindingAvailable).toBe(true);
    expect(sshCryptoInfo()).toMatchObject({
      nativeBinding: true,
      path: 'native',
      terminalModesPassthrough: true,
    });
  });

  it('loads the cpu-features addon and prefers AES-GCM on an AES-capable CPU', () => {
    expect(sshCryptoInfo().cpuFeatures).toBe(true);
    expect(sshCryptoInfo().ciphers[0]).toMatch(/^aes128-gcm/);
    expect(sshCryptoInfo().ciphers).toContain('chacha20-poly1305@openssh.com');
  });

  it('reports the crypto path on the proxy and in the listening event', async () => {
    const events: unknown[] = [];
    const proxy = createSshProxy({
      hostKeys: [generateHostKey()],
      recorder: createMemoryRecorder(),
      authorize: () => null,
      onEvent: (event) => events.push(event),
    });
    expect(proxy.crypto.path).toBe('native');
    await proxy.listen();
    expect(events[0]).toMatchObject({ type: 'listening', crypto: { nativeBinding: true } });
    await proxy.close();
  });
});
