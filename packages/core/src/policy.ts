// Policy: a function the connector owner supplies that decides, before an
// action reaches the target, whether it may happen. The proxies describe the
// action (a PolicyAction), ask the gate, refuse in the protocol's own way on a
// denial, and record every denial and every allow that named a rule.
import type { AnnotationEvent, Person, SessionContext } from './contracts.js';
import { statementTypeOf } from './frames-build.js';

/** What kind of action is about to happen. */
export type PolicyActionType =
  | 'api_call'
  | 'exec'
  | 'subsystem'
  | 'sftp'
  | 'forward'
  | 'shell_line'
  | 'query';

/** SFTP operations a policy is asked about. */
export type PolicySftpOperation =
  | 'open_read'
  | 'open_write'
  | 'remove'
  | 'rename'
  | 'mkdir'
  | 'rmdir'
  | 'setstat'
  | 'symlink'
  | 'link';

/** The session an action belongs to, as the policy sees it. */
export interface PolicySessionContext {
  sessionId?: string;
  user: Person;
  accessFlow?: { id: string; name?: string };
  resource: { id: string; type: string; name?: string; integration?: string };
  labels?: Record<string, string>;
  permissions?: string[];
}

/** The action about to happen. Fields not relevant to `type` are absent. */
export interface PolicyAction {
  /** "kubernetes", "ssh", ... */
  protocol: string;
  type: PolicyActionType;
  /** kube: "get", "list", "create", "delete", "exec", "portforward", ... */
  verb?: string;
  /** kube: "pods", "namespaces", ... */
  resource?: string;
  /** kube: "exec", "log", "portforward", ... */
  subresource?: string;
  namespace?: string;
  /** kube: the object's name. */
  name?: string;
  /** kube: "" for the core group, "apps", ... */
  apiGroup?: string;
  /** kube: the request path; sftp: the file the operation names. */
  path?: string;
  /** sftp rename/symlink/link: the second path. */
  targetPath?: string;
  /** exec and shell_line: the command text; kube exec: the command joined with spaces; query: one SQL statement. */
  command?: string;
  /** query: the statement's first keyword, upper-case ("SELECT", "DROP", ...; `statementTypeOf`). */
  statementType?: string;
  /** query: the database the session is using, when known. */
  database?: string;
  /** subsystem: its name ("sftp"). */
  subsystem?: string;
  /** sftp: the operation. */
  operation?: PolicySftpOperation;
  /** forward: the destination. */
  host?: string;
  port?: number;
  context: PolicySessionContext;
}

/** What a policy answers. `rule` names the rule that matched (recorded). */
export type PolicyDecision =
  | { allow: true; rule?: string }
  | { allow: false; message: string; rule?: string };

/** The `policy` option. Must be fast: it runs before each action, on the proxy's path. */
export type PolicyFunction = (action: PolicyAction) => PolicyDecision | Promise<PolicyDecision>;

/** The policy options every front accepts. */
export interface PolicyOptions {
  /** Decides each action before it reaches the target. Absent: everything the grant allows is allowed. */
  policy?: PolicyFunction;
  /** What a throwing, timing-out or malformed policy decides. @default 'deny' (fail closed) */
  onPolicyError?: 'deny' | 'allow';
  /**
   * A policy still pending after this long counts as an error; a proxy that
   * cannot read an action (a shell line) within it asks `onPolicyError` too.
   * @default 1000
   */
  policyTimeoutMs?: number;
}

/** A decision as the gate resolved it. */
export interface ResolvedPolicyDecision {
  allow: boolean;
  /** The message shown to the user on a denial. */
  message: string;
  rule?: string;
  /** Set when the policy threw, timed out or answered something malformed. */
  error?: string;
}

/** The codes recorded in policy annotations. */
export const PolicyCode: {
  readonly DENIED: 'TAPLINE_ERR_POLICY_DENIED';
  readonly MATCHED: 'TAPLINE_POLICY_MATCHED';
  readonly ERROR: 'TAPLINE_ERR_POLICY_ERROR';
} = {
  /** The policy denied an action; it did not reach the target. */
  DENIED: 'TAPLINE_ERR_POLICY_DENIED',
  /** The policy allowed an action and named the rule that matched. */
  MATCHED: 'TAPLINE_POLICY_MATCHED',
  /** The policy threw, timed out or answered something malformed; `onPolicyError` decided. */
  ERROR: 'TAPLINE_ERR_POLICY_ERROR',
} as const;

const ALLOW: ResolvedPolicyDecision = Object.freeze({ allow: true, message: '' }) as ResolvedPolicyDecision;

/** The part of a recorded session the gate writes to. */
export interface PolicyAnnotationTarget {
  annotation(event: AnnotationEvent): void;
}

export interface PolicyGate {
  /** True when a policy is configured. */
  readonly enabled: boolean;
  /**
   * How long a decision may take (`policyTimeoutMs`): the policy's answer,
   * and a proxy's wait to read what the action is (a shell line).
   */
  readonly timeoutMs: number;
  /**
   * Decides `action`. Synchronous when the policy answers synchronously (no
   * timer, no promise), else a promise. Never throws or rejects.
   */
  decide(action: PolicyAction): ResolvedPolicyDecision | Promise<ResolvedPolicyDecision>;
  /**
   * Decides and records: a denial, an error, or an allow with a rule becomes
   * an annotation on `session` (stream `streamId` when given).
   */
  check(
    action: PolicyAction,
    session: PolicyAnnotationTarget | undefined,
    streamId?: number,
  ): ResolvedPolicyDecision | Promise<ResolvedPolicyDecision>;
  /**
   * The action could not be checked (`reason`: what the proxy could not
   * read): decided by `onPolicyError` and recorded like a policy error.
   */
  uncheckable(
    action: PolicyAction,
    reason: string,
    session: PolicyAnnotationTarget | undefined,
    streamId?: number,
  ): ResolvedPolicyDecision;
}

/** The session context as a policy sees it (a frozen copy, built once per session). */
export function policyContextOf(context: Readonly<SessionContext>): PolicySessionContext {
  const out: PolicySessionContext = {
    user: context.user,
    resource: context.resource,
  };
  if (context.sessionId !== undefined) out.sessionId = context.sessionId;
  if (context.accessFlow !== undefined) out.accessFlow = context.accessFlow;
  if (context.labels !== undefined) out.labels = context.labels;
  if (context.permissions !== undefined) out.permissions = context.permissions;
  return Object.freeze(out);
}

function normalize(value: unknown): ResolvedPolicyDecision | string {
  if (typeof value !== 'object' || value === null) return 'the policy answered no decision object';
  const v = value as { allow?: unknown; message?: unknown; rule?: unknown };
  const rule = typeof v.rule === 'string' && v.rule !== '' ? v.rule : undefined;
  if (v.allow === true) return rule === undefined ? ALLOW : { allow: true, message: '', rule };
  if (v.allow === false) {
    const message = typeof v.message === 'string' && v.message !== '' ? v.message : 'denied by policy';
    return rule === undefined ? { allow: false, message } : { allow: false, message, rule };
  }
  return 'the policy answered neither allow: true nor allow: false';
}

function failed(onError: 'deny' | 'allow', error: string): ResolvedPolicyDecision {
  return onError === 'allow'
    ? { allow: true, message: '', error }
    : { allow: false, message: 'denied: the access policy could not be evaluated', error };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Builds the gate a proxy asks before each action. */
export function createPolicyGate(options: PolicyOptions = {}): PolicyGate {
  const policy = options.policy;
  const onError = options.onPolicyError === 'allow' ? 'allow' : 'deny';
  const timeoutMs = options.policyTimeoutMs ?? 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`policyTimeoutMs must be a positive number, got ${String(options.policyTimeoutMs)}`);
  }
  if (
    options.onPolicyError !== undefined &&
    options.onPolicyError !== 'deny' &&
    options.onPolicyError !== 'allow'
  ) {
    throw new RangeError(`onPolicyError must be 'deny' or 'allow', got ${String(options.onPolicyError)}`);
  }

  const decide = (action: PolicyAction): ResolvedPolicyDecision | Promise<ResolvedPolicyDecision> => {
    if (policy === undefined) return ALLOW;
    let answer: unknown;
    try {
      answer = policy(action);
    } catch (error) {
      return failed(onError, `the policy threw: ${describe(error)}`);
    }
    if (typeof (answer as { then?: unknown } | null)?.then !== 'function') {
      const d = normalize(answer);
      return typeof d === 'string' ? failed(onError, d) : d;
    }
    return new Promise<ResolvedPolicyDecision>((resolve) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        resolve(failed(onError, `the policy did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      (answer as PromiseLike<unknown>).then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const d = normalize(value);
          resolve(typeof d === 'string' ? failed(onError, d) : d);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(failed(onError, `the policy threw: ${describe(error)}`));
        },
      );
    });
  };

  const check = (
    action: PolicyAction,
    session: PolicyAnnotationTarget | undefined,
    streamId?: number,
  ): ResolvedPolicyDecision | Promise<ResolvedPolicyDecision> => {
    const d = decide(action);
    if (d === ALLOW) return d;
    if (d instanceof Promise) {
      return d.then((resolved) => {
        recordPolicyDecision(session, action, resolved, streamId);
        return resolved;
      });
    }
    recordPolicyDecision(session, action, d, streamId);
    return d;
  };

  const uncheckable = (
    action: PolicyAction,
    reason: string,
    session: PolicyAnnotationTarget | undefined,
    streamId?: number,
  ): ResolvedPolicyDecision => {
    const d = failed(onError, reason);
    recordPolicyDecision(session, action, d, streamId);
    return d;
  };

  return { enabled: policy !== undefined, timeoutMs, decide, check, uncheckable };
}

/** A database statement the policy denied, with the decision. */
export interface StatementDenial {
  statement: string;
  decision: ResolvedPolicyDecision;
}

/**
 * Asks `gate` about each statement of a database command (`type: 'query'`,
 * its statement type, the database in use) and records the decisions on
 * `session`: the first denial, undefined when all are allowed, a promise when
 * the policy answers asynchronously.
 */
export function checkStatements(
  gate: PolicyGate,
  statements: readonly string[],
  where: {
    session: PolicyAnnotationTarget & { readonly context: Readonly<SessionContext> };
    context: PolicySessionContext;
    streamId: number;
    database?: string | undefined;
  },
): StatementDenial | undefined | Promise<StatementDenial | undefined> {
  const outcomes = statements.map((statement) => {
    const action: PolicyAction = {
      protocol: where.session.context.protocol,
      type: 'query',
      command: statement,
      statementType: statementTypeOf(statement),
      ...(where.database ? { database: where.database } : {}),
      context: where.context,
    };
    const decision = gate.check(action, where.session, where.streamId);
    return decision instanceof Promise
      ? decision.then((resolved): StatementDenial => ({ statement, decision: resolved }))
      : { statement, decision };
  });
  const first = (list: StatementDenial[]): StatementDenial | undefined =>
    list.find((entry) => !entry.decision.allow);
  if (outcomes.some((outcome) => outcome instanceof Promise)) return Promise.all(outcomes).then(first);
  return first(outcomes as StatementDenial[]);
}

/** One-line summary of an action, for annotations and logs. */
export function describePolicyAction(action: PolicyAction): string {
  switch (action.type) {
    case 'api_call': {
      const where = action.namespace ? ` in ${action.namespace}` : '';
      const what = [action.resource, action.subresource].filter(Boolean).join('/');
      return `${action.verb ?? '?'} ${what}${action.name ? ` ${action.name}` : ''}${where}`.trim();
    }
    case 'exec':
    case 'shell_line':
    case 'query':
      return action.command ?? '';
    case 'subsystem':
      return action.subsystem ?? '';
    case 'sftp':
      return `${action.operation ?? '?'} ${action.path ?? ''}${action.targetPath ? ` -> ${action.targetPath}` : ''}`;
    case 'forward':
      return `${action.host ?? '?'}:${action.port ?? 0}`;
  }
}

/** The annotation details of a policy decision. */
function detailsOf(action: PolicyAction, decision: ResolvedPolicyDecision): Record<string, string> {
  const details: Record<string, string> = {
    decision: decision.allow ? 'allow' : 'deny',
    action: action.type,
    protocol: action.protocol,
    summary: describePolicyAction(action).slice(0, 1024),
  };
  if (decision.rule !== undefined) details.rule = decision.rule.slice(0, 256);
  if (decision.error !== undefined) details.error = decision.error.slice(0, 1024);
  const keys = [
    'verb',
    'resource',
    'subresource',
    'namespace',
    'name',
    'apiGroup',
    'path',
    'targetPath',
    'command',
    'subsystem',
    'operation',
    'host',
    'statementType',
    'database',
  ] as const;
  for (const key of keys) {
    const value = action[key];
    if (typeof value === 'string' && value !== '') details[key] = value.slice(0, 1024);
  }
  if (action.port !== undefined) details.port = String(action.port);
  return details;
}

/**
 * Records a decision: denials (kind `refused`, code TAPLINE_ERR_POLICY_DENIED),
 * policy errors (kind `error`, code TAPLINE_ERR_POLICY_ERROR, whichever way
 * `onPolicyError` decided) and allows that named a rule (kind `note`, code
 * TAPLINE_POLICY_MATCHED). A plain allow records nothing.
 */
export function recordPolicyDecision(
  session: PolicyAnnotationTarget | undefined,
  action: PolicyAction,
  decision: ResolvedPolicyDecision,
  streamId?: number,
): void {
  if (session === undefined) return;
  if (decision.allow && decision.rule === undefined && decision.error === undefined) return;
  const event: AnnotationEvent =
    decision.error !== undefined
      ? { kind: 'error', code: PolicyCode.ERROR, message: decision.error }
      : decision.allow
        ? { kind: 'note', code: PolicyCode.MATCHED, message: `allowed by rule ${decision.rule}` }
        : { kind: 'refused', code: PolicyCode.DENIED, message: decision.message };
  event.details = detailsOf(action, decision);
  if (streamId !== undefined) event.streamId = streamId;
  try {
    session.annotation(event);
  } catch {
    // An ended session takes no more frames; the decision was still enforced.
  }
}
