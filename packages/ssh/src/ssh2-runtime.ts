// The one place that loads ssh2. It reports which crypto path ssh2 uses and
// installs the pty-req fix (see pty-request.ts) into ssh2's message handler
// table, once per process.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';
import { parseChannelRequestHeader, parsePtyRequestData } from './pty-request.js';

const require = createRequire(import.meta.url);

export const ssh2: typeof Ssh2 = require('ssh2');

interface Ssh2CryptoModule {
  bindingAvailable: boolean;
}
interface Ssh2Constants {
  DEFAULT_CIPHER: string[];
  DEFAULT_KEX: string[];
  DEFAULT_MAC: string[];
}

const cryptoModule: Ssh2CryptoModule = require('ssh2/lib/protocol/crypto.js');
const constants: Ssh2Constants = require('ssh2/lib/protocol/constants.js');

function loadsCpuFeatures(): boolean {
  try {
    const ssh2Require = createRequire(require.resolve('ssh2'));
    const probe = ssh2Require('cpu-features') as () => { arch?: string; flags?: Record<string, boolean> };
    return typeof probe() === 'object';
  } catch {
    return false;
  }
}

/** Which crypto implementation ssh2 runs with in this process. */
export interface SshCryptoInfo {
  /**
   * True when ssh2's native binding (lib/protocol/crypto/build/Release/sshcrypto.node,
   * OpenSSL AES-GCM and ChaCha20-Poly1305) is loaded. False means the pure-JS
   * and WebAssembly fallbacks: several times slower. pnpm builds it only when
   * `ssh2` is in `onlyBuiltDependencies`.
   */
  nativeBinding: boolean;
  /** True when the optional `cpu-features` addon loaded (ssh2 orders ciphers by CPU support with it). */
  cpuFeatures: boolean;
  /** ssh2's default cipher preference in this process, best first. */
  ciphers: readonly string[];
  /** "native" or "javascript": a one-word summary for logs. */
  path: 'native' | 'javascript';
  /** True when the proxy's pty-req fix is installed (terminal modes reach the target intact). */
  terminalModesPassthrough: boolean;
}

interface ProtocolLike {
  _server?: boolean;
  _handlers: {
    CHANNEL_REQUEST?: (
      self: unknown,
      recipient: number,
      type: string,
      wantReply: boolean,
      data: unknown,
    ) => void;
  };
}
type MessageHandler = ((self: ProtocolLike, payload: Buffer) => unknown) & { taplinePtyFix?: true };

function installPtyRequestFix(): boolean {
  try {
    const handlers: MessageHandler[] = require('ssh2/lib/protocol/handlers.js');
    const original = handlers[98];
    if (original === undefined) return false;
    if (original.taplinePtyFix) return true;
    const patched: MessageHandler = (self, payload) => {
      if (self._server === true) {
        const header = parseChannelRequestHeader(payload);
        if (header !== undefined && header.type === 'pty-req') {
          const data = parsePtyRequestData(payload, header.dataOffset);
          if (data !== undefined) {
            self._handlers.CHANNEL_REQUEST?.(self, header.recipient, header.type, header.wantReply, data);
            return;
          }
        }
      }
      return original(self, payload);
    };
    patched.taplinePtyFix = true;
    handlers[98] = patched;
    return true;
  } catch {
    return false;
  }
}

const terminalModesPassthrough = installPtyRequestFix();

const cryptoInfo: SshCryptoInfo = Object.freeze({
  nativeBinding: cryptoModule.bindingAvailable === true,
  cpuFeatures: loadsCpuFeatures(),
  ciphers: Object.freeze([...constants.DEFAULT_CIPHER]),
  path: cryptoModule.bindingAvailable === true ? 'native' : 'javascript',
  terminalModesPassthrough,
});

/** Reports which crypto path ssh2 uses in this process (the same for every proxy). */
export function sshCryptoInfo(): SshCryptoInfo {
  return cryptoInfo;
}

/**
 * A new private host key in OpenSSH format, for development and tests (in
 * production, load a persistent key so clients can pin it).
 * @default type "ed25519"
 */
export function generateHostKey(type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519', comment = 'tapline'): string {
  if (type === 'rsa') return ssh2.utils.generateKeyPairSync('rsa', { bits: 3072 }).private;
  if (type === 'ecdsa') return ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).private;
  // Not ssh2's generator: ssh2 1.17 drops leading zero bytes of Ed25519 public
  // keys (a few keys in a thousand) and then cannot parse its own key.
  return ed25519OpenSshKey(comment);
}

const sshString = (value: string | Buffer): Buffer => {
  const body = typeof value === 'string' ? Buffer.from(value) : value;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
};

/**
 * A fresh Ed25519 key from node:crypto, encoded as an unencrypted
 * "openssh-key-v1" private key. The raw keys are the last 32 bytes of the
 * fixed-size PKCS#8 and SPKI DER encodings. Not through a JWK export: on
 * Node 20 with OpenSSL 3.0, exporting Ed25519 keys as JWK hangs the process
 * in a lock now and then (about one run in ten of 2,000 exports here).
 */
function ed25519OpenSshKey(comment: string): string {
  const { privateKey: pkcs8, publicKey: spki } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { format: 'der', type: 'pkcs8' },
    publicKeyEncoding: { format: 'der', type: 'spki' },
  });
  if (pkcs8.length !== 48 || spki.length !== 44)
    throw new Error('unexpected Ed25519 DER encoding from node:crypto');
  const seed = pkcs8.subarray(16);
  const publicKey = spki.subarray(12);
  const type = 'ssh-ed25519';
  const check = randomBytes(4);
  const secret = Buffer.concat([
    check,
    check,
    sshString(type),
    sshString(publicKey),
    sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from([1, 2, 3, 4, 5, 6, 7].slice(0, (8 - (secret.length % 8)) % 8));
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'), // cipher
    sshString('none'), // kdf
    sshString(''), // kdf options
    Buffer.from([0, 0, 0, 1]), // one key
    sshString(Buffer.concat([sshString(type), sshString(publicKey)])),
    sshString(Buffer.concat([secret, padding])),
  ]);
  const lines = body.toString('base64').match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
