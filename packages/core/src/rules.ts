// Alert rules (issue 17): declarative, JSON-able, evaluated on every action of
// the live stream. Pure code: compiling validates and builds the matchers once;
// matching an action is a few string compares and regex tests, no I/O.
import { TaplineError } from '@tapline/frames';
import type { AlertSeverity, LiveAction, LiveActionType, PublishedAction } from './live.js';

/**
 * A text condition: a string (equal), a list (any of them), a RegExp, or
 * `{ regex, flags }` (the JSON spelling of one). `g` and `y` are ignored.
 */
export type TextMatcher = string | readonly string[] | RegExp | { regex: string; flags?: string };

/** The action kinds a rule can name (lifecycle, annotations and alerts never match). */
export type AlertActionType = Extract<LiveActionType, 'command' | 'query' | 'api_call' | 'file_operation'>;

export interface AlertRule {
  /** Stable id, unique among the rules; in every alert. */
  id: string;
  name?: string;
  /** @default 'warning' */
  severity?: AlertSeverity;
  /** Shown with the alert. */
  message?: string;
  /** Conditions on the session's grant; every one given must hold. */
  session?: {
    /** "ssh", "kubernetes", "postgres", "mysql". */
    protocol?: TextMatcher;
    /** The user's id, name or email. */
    user?: TextMatcher;
    /** The access flow's id or name. */
    accessFlow?: TextMatcher;
    /** The granted resource's id or name. */
    resource?: TextMatcher;
    resourceType?: TextMatcher;
    /** Session labels, each name → condition. */
    labels?: Record<string, TextMatcher>;
  };
  /** Conditions on the action; every one given must hold (one naming a field the action lacks fails). */
  action?: {
    /** @default every action type: command, query, api_call, file_operation */
    type?: AlertActionType | readonly AlertActionType[];
    /** The command line (commands). */
    command?: TextMatcher;
    /** Any program the command runs (commands). */
    program?: TextMatcher;
    /** The Kubernetes verb: get, list, delete, create, ... (API calls). */
    verb?: TextMatcher;
    /** The Kubernetes resource: pods, secrets, namespaces, ... (API calls). */
    resource?: TextMatcher;
    namespace?: TextMatcher;
    /** The Kubernetes object's name (API calls). */
    name?: TextMatcher;
    /** The SQL statement type, compared upper-cased: SELECT, DROP, ... (queries). */
    statementType?: TextMatcher;
    /** The statement's text (queries). */
    query?: TextMatcher;
    /** The file path (file operations, either path of a rename) or the API path (API calls). */
    path?: TextMatcher;
    /** The file operation: open, remove, rename, upload, ... (file operations). */
    fileOperation?: TextMatcher;
  };
}

type Test = (value: string) => boolean;

interface CompiledRule {
  rule: AlertRule;
  types: ReadonlySet<string>;
  checks: Array<(action: PublishedAction) => boolean>;
}

export interface AlertRuleSet {
  readonly rules: readonly AlertRule[];
  /** The rules the action matches, in rule order (each at most once). */
  match(action: PublishedAction | LiveAction): AlertRule[];
}

const ACTION_TYPES: readonly AlertActionType[] = ['command', 'query', 'api_call', 'file_operation'];
const SESSION_KEYS = new Set(['protocol', 'user', 'accessFlow', 'resource', 'resourceType', 'labels']);
const ACTION_KEYS = new Set([
  'type',
  'command',
  'program',
  'verb',
  'resource',
  'namespace',
  'name',
  'statementType',
  'query',
  'path',
  'fileOperation',
]);
const RULE_KEYS = new Set(['id', 'name', 'severity', 'message', 'session', 'action']);

function textTest(matcher: TextMatcher, where: string, problems: string[], upper = false): Test {
  const norm = (value: string) => (upper ? value.toUpperCase() : value);
  if (typeof matcher === 'string') {
    const wanted = norm(matcher);
    return (value) => norm(value) === wanted;
  }
  if (Array.isArray(matcher)) {
    if (!matcher.every((item) => typeof item === 'string')) {
      problems.push(`${where}: a list holds strings only`);
      return () => false;
    }
    const wanted = new Set((matcher as string[]).map(norm));
    return (value) => wanted.has(norm(value));
  }
  let source: string;
  let flags: string;
  if (matcher instanceof RegExp) {
    source = matcher.source;
    flags = matcher.flags;
  } else if (
    matcher &&
    typeof matcher === 'object' &&
    typeof (matcher as { regex?: unknown }).regex === 'string'
  ) {
    source = (matcher as { regex: string }).regex;
    flags = (matcher as { flags?: string }).flags ?? '';
  } else {
    problems.push(`${where}: a string, a list of strings, a RegExp or { regex, flags }`);
    return () => false;
  }
  try {
    // Stateless: a global or sticky regex would carry lastIndex from one action to the next.
    const regex = new RegExp(source, flags.replace(/[gy]/g, ''));
    return (value) => regex.test(value);
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
    return () => false;
  }
}

function anyOf(values: Array<string | undefined>, test: Test): boolean {
  for (const value of values) if (value !== undefined && value !== '' && test(value)) return true;
  return false;
}

function compileRule(rule: AlertRule, index: number, problems: string[]): CompiledRule {
  const where = `rule ${typeof rule?.id === 'string' && rule.id ? rule.id : `#${index}`}`;
  const checks: CompiledRule['checks'] = [];
  if (!rule || typeof rule !== 'object') {
    problems.push(`${where}: not an object`);
    return { rule, types: new Set(), checks };
  }
  if (typeof rule.id !== 'string' || rule.id === '') problems.push(`${where}: id must be a non-empty string`);
  for (const key of Object.keys(rule))
    if (!RULE_KEYS.has(key)) problems.push(`${where}: unknown field ${key}`);
  if (rule.severity !== undefined && !['info', 'warning', 'critical'].includes(rule.severity))
    problems.push(`${where}: severity is info, warning or critical`);
  const session = rule.session ?? {};
  const action = rule.action ?? {};
  for (const key of Object.keys(session))
    if (!SESSION_KEYS.has(key)) problems.push(`${where}: unknown session.${key}`);
  for (const key of Object.keys(action))
    if (!ACTION_KEYS.has(key)) problems.push(`${where}: unknown action.${key}`);

  const on = (
    matcher: TextMatcher | undefined,
    name: string,
    read: (a: PublishedAction) => Array<string | undefined>,
    upper = false,
  ) => {
    if (matcher === undefined) return;
    const test = textTest(matcher, `${where}: ${name}`, problems, upper);
    checks.push((a) => anyOf(read(a), test));
  };
  on(session.protocol, 'session.protocol', (a) => [a.context.protocol]);
  on(session.user, 'session.user', (a) => [a.context.user.id, a.context.user.name, a.context.user.email]);
  on(session.accessFlow, 'session.accessFlow', (a) => [a.context.accessFlow?.id, a.context.accessFlow?.name]);
  on(session.resource, 'session.resource', (a) => [a.context.resource.id, a.context.resource.name]);
  on(session.resourceType, 'session.resourceType', (a) => [a.context.resource.type]);
  if (session.labels !== undefined) {
    if (typeof session.labels !== 'object' || session.labels === null) {
      problems.push(`${where}: session.labels maps label names to conditions`);
    } else {
      for (const [label, matcher] of Object.entries(session.labels)) {
        on(matcher, `session.labels.${label}`, (a) => [a.context.labels?.[label]]);
      }
    }
  }

  const command = (a: PublishedAction) => (a.type === 'command' ? a.command : undefined);
  const query = (a: PublishedAction) => (a.type === 'query' ? a.query : undefined);
  const call = (a: PublishedAction) => (a.type === 'api_call' ? a.apiCall : undefined);
  const file = (a: PublishedAction) => (a.type === 'file_operation' ? a.fileOperation : undefined);
  on(action.command, 'action.command', (a) => [command(a)?.text]);
  on(action.program, 'action.program', (a) => {
    const c = command(a);
    return c ? [c.program, ...(c.programs ?? [])] : [];
  });
  on(action.verb, 'action.verb', (a) => [call(a)?.verb]);
  on(action.resource, 'action.resource', (a) => [call(a)?.resource]);
  on(action.namespace, 'action.namespace', (a) => [call(a)?.namespace]);
  on(action.name, 'action.name', (a) => [call(a)?.name]);
  on(action.statementType, 'action.statementType', (a) => [query(a)?.statementType], true);
  on(action.query, 'action.query', (a) => [query(a)?.text]);
  on(action.path, 'action.path', (a) => [file(a)?.path, file(a)?.targetPath, call(a)?.path]);
  on(action.fileOperation, 'action.fileOperation', (a) => [file(a)?.kind]);

  let types: readonly string[] = ACTION_TYPES;
  if (action.type !== undefined) {
    types = typeof action.type === 'string' ? [action.type] : Array.isArray(action.type) ? action.type : [];
    for (const type of types) {
      if (!(ACTION_TYPES as readonly string[]).includes(type))
        problems.push(`${where}: action.type ${String(type)} is not one of ${ACTION_TYPES.join(', ')}`);
    }
    if (types.length === 0) problems.push(`${where}: action.type names at least one action type`);
  }
  return { rule, types: new Set(types), checks };
}

/**
 * Validates and compiles alert rules. Throws TAPLINE_ERR_INVALID_RULE (with
 * `details.problems`, every problem found) for an unknown field, a bad
 * regex, a duplicate id, an unknown action type or severity.
 */
export function compileAlertRules(rules: readonly AlertRule[]): AlertRuleSet {
  const problems: string[] = [];
  if (!Array.isArray(rules)) problems.push('rules must be an array');
  const list = Array.isArray(rules) ? rules : [];
  const compiled = list.map((rule, index) => compileRule(rule, index, problems));
  const ids = list.map((rule) => rule?.id);
  for (const [index, id] of ids.entries()) {
    if (ids.indexOf(id) !== index) problems.push(`rule ${String(id)}: the id is used twice`);
  }
  if (problems.length > 0) {
    throw new TaplineError('TAPLINE_ERR_INVALID_RULE', `invalid alert rules: ${problems.join('; ')}`, {
      component: 'alerts',
      details: { problems },
    });
  }
  return {
    rules: list,
    match(action) {
      const matched: AlertRule[] = [];
      for (const { rule, types, checks } of compiled) {
        if (!types.has(action.type)) continue;
        if (checks.every((check) => check(action as PublishedAction))) matched.push(rule);
      }
      return matched;
    },
  };
}
