// The demo grant: what an access platform would hand the connector after a
// person's just-in-time request was approved. Here it is one ONE-TIME token,
// typed as the ssh password.
//
// A token opens exactly one connection: the first successful login uses it
// up, and a fresh token (a new access request) is issued at once for the next
// connection. The grant it carries lasts `ttlMs` from that login; the recorder
// ends the session when it expires.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SessionContext } from '@tapline/core';

export interface DemoToken {
  /** What the person types as the ssh password. */
  value: string;
  accessRequestId: string;
  issuedAt: number;
}

export interface DemoGrantOptions {
  /** How long a session may last from login. @default 3600000 (1 h) */
  ttlMs?: number;
  /** The resource the grant is for. */
  resource: SessionContext['resource'];
  /** Called with each new token (the first one too). */
  onToken?: (token: DemoToken) => void;
}

export interface DemoGrants {
  /** The token that opens the next connection. */
  readonly current: DemoToken;
  /**
   * Uses up the current token if `password` is it, and returns the grant
   * context for the session; null otherwise (the person sees "Permission denied").
   */
  redeem(username: string, password: string | undefined): Omit<SessionContext, 'protocol'> | null;
  readonly ttlMs: number;
}

// No look-alikes (0/o, 1/l/i) and no "-", which separates the groups.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function newToken(): DemoToken {
  // 20 characters of 31 (~99 bits), in groups for reading aloud: tl-xxxxx-xxxxx-xxxxx-xxxxx.
  const characters = [...randomBytes(20)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return {
    value: `tl-${characters.match(/.{5}/g)!.join('-')}`,
    accessRequestId: `ar-demo-${randomUUID().slice(0, 8)}`,
    issuedAt: Date.now(),
  };
}

export function createDemoGrants(options: DemoGrantOptions): DemoGrants {
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  let current = newToken();
  options.onToken?.(current);
  return {
    get current() {
      return current;
    },
    ttlMs,
    redeem(username, password) {
      if (password === undefined) return null;
      const given = Buffer.from(password);
      const expected = Buffer.from(current.value);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const used = current;
      current = newToken();
      options.onToken?.(current);
      return {
        user: { id: `user-${username}`, name: username },
        approvers: [{ id: 'u-approver-1', name: 'Grace Hopper (demo approver)', approvedAt: used.issuedAt }],
        accessFlow: { id: 'af-demo', name: 'Demo: just-in-time SSH access' },
        accessRequestId: used.accessRequestId,
        accessRequestStatus: 'approved',
        resource: options.resource,
        permissions: ['ssh:shell', 'ssh:exec', 'ssh:sftp'],
        expiresAt: Date.now() + ttlMs,
      };
    },
  };
}
