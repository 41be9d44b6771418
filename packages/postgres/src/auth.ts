// The proxy's side of the target's password authentication: SCRAM-SHA-256
// (RFC 5802 / RFC 7677, without channel binding), md5 and cleartext, with
// node:crypto only.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/** PostgreSQL's md5 method: "md5" + md5(md5(password + user) + salt). */
export function md5Password(user: string, password: string, salt: Uint8Array): string {
  const inner = createHash('md5').update(password).update(user).digest('hex');
  return `md5${createHash('md5').update(inner).update(salt).digest('hex')}`;
}

const hmac = (key: Uint8Array, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** One SCRAM-SHA-256 exchange as the client. */
export class ScramClient {
  readonly #password: string;
  readonly #nonce: string;
  #authMessage = '';
  #serverSignature: Buffer | undefined;

  constructor(password: string, nonce: string = randomBytes(18).toString('base64')) {
    this.#password = password;
    this.#nonce = nonce;
  }

  /** client-first-message: no channel binding ("n,,"); PostgreSQL ignores the user name. */
  first(): Buffer {
    return Buffer.from(`n,,${this.#firstBare()}`);
  }

  #firstBare(): string {
    return `n=*,r=${this.#nonce}`;
  }

  /** Answers server-first-message (r=…,s=…,i=…) with client-final-message. */
  final(serverFirst: string): Buffer {
    const fields = scramFields(serverFirst);
    const nonce = fields.get('r');
    const salt = fields.get('s');
    const iterations = Number(fields.get('i'));
    if (nonce === undefined || !nonce.startsWith(this.#nonce) || nonce.length === this.#nonce.length) {
      throw new Error('the server nonce does not extend the client nonce');
    }
    if (salt === undefined || !Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) {
      throw new Error('server-first-message lacks a salt or a valid iteration count');
    }
    const salted = pbkdf2Sync(
      this.#password.normalize('NFKC'),
      Buffer.from(salt, 'base64'),
      iterations,
      32,
      'sha256',
    );
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    this.#authMessage = `${this.#firstBare()},${serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, this.#authMessage);
    const proof = Buffer.alloc(32);
    for (let index = 0; index < 32; index++)
      proof[index] = (clientKey[index] as number) ^ (signature[index] as number);
    this.#serverSignature = hmac(hmac(salted, 'Server Key'), this.#authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Checks server-final-message (v=…): the server proved it knows the password too. */
  verify(serverFinal: string): boolean {
    const signature = scramFields(serverFinal).get('v');
    if (signature === undefined || this.#serverSignature === undefined) return false;
    const received = Buffer.from(signature, 'base64');
    return received.length === 32 && timingSafeEqual(received, this.#serverSignature);
  }
}

function scramFields(message: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of message.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  return fields;
}
