// What every network front (SSH, Kubernetes, databases) applies to a client
// before it has logged in: a deadline from TCP accept, a cap on connections
// open at once from one source address, and a cap on failed logins from one
// source address in a sliding window. Pure bookkeeping, no I/O: the fronts
// call it at accept, at close and on each refused login.
import { isIPv6 } from 'node:net';

/**
 * Limits on clients that have not logged in yet, with the same names in
 * every front (`createSshProxy({ limits })`, `createKubeProxy({ limits })`).
 */
export interface FrontLimits {
  /**
   * Time from TCP accept until the client has logged in (SSH: user
   * authentication succeeded; Kubernetes: the TLS handshake is done and the
   * first request's headers arrived). A client still short of it is
   * disconnected, whatever it sent or did not send.
   * @default SSH 120000 (sshd's LoginGraceTime), Kubernetes 30000
   */
  loginTimeoutMs?: number;
  /** Connections open at once from one source address (an IPv6 /64 counts as one). `Infinity` turns it off. @default 100 */
  maxConnectionsPerSource?: number;
  /**
   * Failed logins from one source address within `failedLoginWindowMs`
   * after which that address is refused until the window has slid past
   * them. `Infinity` turns it off. @default 20
   */
  maxFailedLoginsPerSource?: number;
  /** @default 60000 */
  failedLoginWindowMs?: number;
}

export type ResolvedFrontLimits = Required<FrontLimits>;

/** Why a front turned a client away; the `reason` of its refusal event. */
export type SourceRefusalReason = 'login_timeout' | 'too_many_connections' | 'too_many_failed_logins';

/** Applies the defaults; returns a message naming the first bad value instead when there is one. */
export function resolveFrontLimits(
  limits: FrontLimits | undefined,
  defaults: { loginTimeoutMs: number },
): ResolvedFrontLimits | string {
  if (limits !== undefined && (typeof limits !== 'object' || limits === null))
    return 'limits must be an object';
  const resolved: ResolvedFrontLimits = {
    loginTimeoutMs: limits?.loginTimeoutMs ?? defaults.loginTimeoutMs,
    maxConnectionsPerSource: limits?.maxConnectionsPerSource ?? 100,
    maxFailedLoginsPerSource: limits?.maxFailedLoginsPerSource ?? 20,
    failedLoginWindowMs: limits?.failedLoginWindowMs ?? 60_000,
  };
  const positive = (value: number): boolean => typeof value === 'number' && value > 0;
  const count = (value: number): boolean =>
    value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1);
  // A timer cannot be longer than 2^31-1 ms: Node would fire it at once.
  if (!positive(resolved.loginTimeoutMs) || resolved.loginTimeoutMs > 0x7fffffff) {
    return 'limits.loginTimeoutMs must be a number of ms above 0 and below 2^31';
  }
  if (!count(resolved.maxConnectionsPerSource))
    return 'limits.maxConnectionsPerSource must be an integer ≥ 1 or Infinity';
  if (!count(resolved.maxFailedLoginsPerSource))
    return 'limits.maxFailedLoginsPerSource must be an integer ≥ 1 or Infinity';
  if (!positive(resolved.failedLoginWindowMs) || !Number.isFinite(resolved.failedLoginWindowMs)) {
    return 'limits.failedLoginWindowMs must be a finite number of ms above 0';
  }
  return resolved;
}

/**
 * The key a source address is counted under: IPv4 (and IPv4-mapped IPv6) as
 * is, IPv6 by its /64, since one host usually holds a whole /64.
 */
export function sourceKey(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...headGroups, ...Array<string>(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

interface SourceState {
  connections: number;
  /** Times of the last failed logins, a ring of at most maxFailedLoginsPerSource entries. */
  failures: number[];
  nextFailure: number;
}

/** Counts connections and failed logins per source address, in memory bounded by the sources active in the last window. */
export interface SourceLimiter {
  readonly limits: ResolvedFrontLimits;
  /**
   * At accept: counts the connection and returns undefined (call `release`
   * when it closes), or 'too_many_connections'. Failed logins are checked
   * apart (`throttled`): a front decides whether they refuse a connection
   * (SSH: each connection is a login) or only new logins (Kubernetes).
   */
  admit(source: string): 'too_many_connections' | undefined;
  release(source: string): void;
  /** Counts a failed login; true when the source is now over its limit. */
  failedLogin(source: string): boolean;
  /** True while the source has had maxFailedLoginsPerSource failed logins within the window. */
  throttled(source: string): boolean;
  /** Sources with state kept (for tests and diagnostics). */
  readonly trackedSources: number;
}

/** How many sources are kept before idle ones are swept (an amortized sweep, not a timer). */
const kSweepThreshold = 4096;

export function createSourceLimiter(
  limits: ResolvedFrontLimits,
  now: () => number = Date.now,
): SourceLimiter {
  const sources = new Map<string, SourceState>();
  let sweepAt = kSweepThreshold;
  const tracksFailures = Number.isFinite(limits.maxFailedLoginsPerSource);

  const isThrottled = (state: SourceState, at: number): boolean => {
    if (!tracksFailures || state.failures.length < limits.maxFailedLoginsPerSource) return false;
    // The ring is full: its oldest entry is the one `nextFailure` points at.
    return at - state.failures[state.nextFailure]! < limits.failedLoginWindowMs;
  };
  const idle = (state: SourceState, at: number): boolean =>
    state.connections === 0 &&
    (state.failures.length === 0 ||
      at - state.failures[(state.nextFailure + state.failures.length - 1) % state.failures.length]! >=
        limits.failedLoginWindowMs);
  const stateOf = (source: string): SourceState => {
    let state = sources.get(source);
    if (state === undefined) {
      if (sources.size >= sweepAt) {
        const at = now();
        for (const [key, candidate] of sources) if (idle(candidate, at)) sources.delete(key);
        sweepAt = Math.max(kSweepThreshold, sources.size * 2);
      }
      state = { connections: 0, failures: [], nextFailure: 0 };
      sources.set(source, state);
    }
    return state;
  };
  const forget = (source: string, state: SourceState): void => {
    if (idle(state, now())) sources.delete(source);
  };

  return {
    limits,
    admit(source) {
      const state = stateOf(source);
      if (state.connections >= limits.maxConnectionsPerSource) return 'too_many_connections';
      state.connections += 1;
      return undefined;
    },
    release(source) {
      const state = sources.get(source);
      if (state === undefined) return;
      state.connections = Math.max(0, state.connections - 1);
      forget(source, state);
    },
    failedLogin(source) {
      if (!tracksFailures) return false;
      const state = stateOf(source);
      const at = now();
      if (state.failures.length < limits.maxFailedLoginsPerSource) state.failures.push(at);
      else {
        state.failures[state.nextFailure] = at;
        state.nextFailure = (state.nextFailure + 1) % state.failures.length;
      }
      return isThrottled(state, at);
    },
    throttled(source) {
      const state = sources.get(source);
      return state !== undefined && isThrottled(state, now());
    },
    get trackedSources() {
      return sources.size;
    },
  };
}
