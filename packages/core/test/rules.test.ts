import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AlertRule,
  compileAlertRules,
  createFileSink,
  createJsonlMetadataEmitter,
  createRecorder,
  type LiveAction,
  type SessionContext,
} from '../src/index.js';
import { grant, readEvents, tempDirectory } from './helpers.js';

const context: SessionContext = {
  protocol: 'kubernetes',
  user: { id: 'u-1', name: 'ada', email: 'ada@example.com' },
  accessFlow: { id: 'af-9', name: 'prod-breakglass' },
  accessRequestId: 'ar-1',
  resource: { id: 'cluster-prod', type: 'kubernetes', name: 'prod-eu' },
  labels: { env: 'prod', team: 'payments' },
};
const base = { sessionId: 's-1', context, offsetNs: 1, time: 0 };
type Published = Parameters<ReturnType<typeof compileAlertRules>['match']>[0];
const command = (text: string, programs: string[] = []): Published => ({
  ...base,
  type: 'command',
  command: { streamId: 1, text, source: 'terminal', program: programs[0] ?? '', programs },
});
const apiCall = (verb: string, resource: string, namespace?: string, name?: string): Published => ({
  ...base,
  type: 'api_call',
  apiCall: {
    streamId: 1,
    verb,
    method: 'X',
    path: `/api/v1/${resource}`,
    resource,
    ...(namespace ? { namespace } : {}),
    ...(name ? { name } : {}),
    statusCode: 200,
  },
});
const query = (text: string, statementType?: string): Published => ({
  ...base,
  type: 'query',
  query: { streamId: 1, text, ...(statementType ? { statementType } : {}) },
});
const file = (kind: 'remove' | 'rename' | 'write', path: string, targetPath?: string): Published => ({
  ...base,
  type: 'file_operation',
  fileOperation: { streamId: 1, kind, path, ...(targetPath ? { targetPath } : {}) },
});

function ids(rules: AlertRule[], action: Published): string[] {
  return compileAlertRules(rules)
    .match(action)
    .map((rule) => rule.id);
}

describe('alert rule matching (pure)', () => {
  it('kubectl delete ns prod: verb, resource, name, namespace, list and regex matchers', () => {
    const rules: AlertRule[] = [
      { id: 'delete-ns', action: { type: 'api_call', verb: 'delete', resource: 'namespaces' } },
      { id: 'prod-name', action: { name: { regex: '^prod' } } },
      { id: 'secrets', action: { resource: ['secrets', 'configmaps'] } },
      { id: 'kube-system', action: { namespace: 'kube-system' } },
    ];
    expect(ids(rules, apiCall('delete', 'namespaces', undefined, 'prod-x'))).toEqual([
      'delete-ns',
      'prod-name',
    ]);
    expect(ids(rules, apiCall('get', 'secrets', 'kube-system'))).toEqual(['secrets', 'kube-system']);
    expect(ids(rules, apiCall('list', 'pods', 'default'))).toEqual([]);
  });

  it('commands: text regex, program among every program of the line', () => {
    const rules: AlertRule[] = [
      { id: 'rm-rf', action: { command: /\brm\s+-[a-z]*r[a-z]*f/ } },
      { id: 'sudo', action: { program: 'sudo' } },
    ];
    expect(ids(rules, command('cd /srv && sudo rm -rf keep-me', ['cd', 'sudo']))).toEqual(['rm-rf', 'sudo']);
    expect(ids(rules, command('ls -la', ['ls']))).toEqual([]);
    // A condition on a field the action lacks fails: no verb on a command.
    expect(ids([{ id: 'v', action: { verb: 'delete' } }], command('delete'))).toEqual([]);
  });

  it('SQL statement types, compared upper-cased; the statement text', () => {
    const rules: AlertRule[] = [
      { id: 'ddl', action: { statementType: ['drop', 'TRUNCATE', 'alter'] } },
      { id: 'users', action: { query: { regex: '\\busers\\b', flags: 'i' } } },
    ];
    expect(ids(rules, query('DROP TABLE users', 'DROP'))).toEqual(['ddl', 'users']);
    expect(ids(rules, query('select * from USERS', 'SELECT'))).toEqual(['users']);
  });

  it('files: path (either side of a rename) and operation', () => {
    const rules: AlertRule[] = [
      { id: 'etc', action: { path: /^\/etc\//, fileOperation: ['remove', 'rename'] } },
    ];
    expect(ids(rules, file('rename', '/tmp/x', '/etc/passwd'))).toEqual(['etc']);
    expect(ids(rules, file('write', '/etc/passwd'))).toEqual([]);
  });

  it('session conditions: protocol, user (id, name or email), flow, resource, labels', () => {
    const action = command('id');
    expect(ids([{ id: 'a', session: { protocol: 'kubernetes', user: 'ada@example.com' } }], action)).toEqual([
      'a',
    ]);
    expect(ids([{ id: 'b', session: { accessFlow: /breakglass/, resource: 'prod-eu' } }], action)).toEqual([
      'b',
    ]);
    expect(
      ids([{ id: 'c', session: { labels: { env: 'prod', team: ['payments', 'core'] } } }], action),
    ).toEqual(['c']);
    expect(ids([{ id: 'd', session: { labels: { env: 'staging' } } }], action)).toEqual([]);
    expect(ids([{ id: 'e', session: { labels: { missing: /.*/ } } }], action)).toEqual([]);
    expect(ids([{ id: 'f', session: { protocol: 'ssh' } }], action)).toEqual([]);
  });

  it('types: by default every action, never lifecycle events, annotations or alerts', () => {
    const any: AlertRule[] = [{ id: 'any' }];
    expect(ids(any, command('x'))).toEqual(['any']);
    expect(ids(any, query('select 1'))).toEqual(['any']);
    const lifecycle = { ...base, type: 'session.started' } as Published;
    expect(ids(any, lifecycle)).toEqual([]);
    expect(ids(any, { ...base, type: 'annotation', annotation: { kind: 'note' } } as Published)).toEqual([]);
    expect(ids([{ id: 'q', action: { type: ['query'] } }], command('x'))).toEqual([]);
  });

  it('a global regex does not carry state from one action to the next', () => {
    const set = compileAlertRules([{ id: 'g', action: { command: /rm/g } }]);
    for (let i = 0; i < 4; i++) expect(set.match(command('rm x'))).toHaveLength(1);
  });

  it('refuses invalid rules with every problem listed', () => {
    let caught: unknown;
    try {
      compileAlertRules([
        { id: 'a', action: { command: { regex: '(' } } },
        { id: 'a' },
        { id: '', severity: 'loud' as never },
        { id: 'b', action: { type: 'stream.opened' as never, colour: 'red' } as never },
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'TAPLINE_ERR_INVALID_RULE' });
    const problems = (caught as { details: { problems: string[] } }).details.problems;
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/action.command/);
    expect(problems.join('\n')).toMatch(/used twice/);
    expect(problems.join('\n')).toMatch(/severity/);
    expect(problems.join('\n')).toMatch(/unknown action.colour/);
    expect(problems.join('\n')).toMatch(/stream.opened/);
  });
});

describe('alerts in the recorder', () => {
  it('each matching action raises one alert per rule: on the live stream after the action, and to every emitter', async () => {
    const root = tempDirectory();
    const plainPath = join(root, 'plain.jsonl');
    const contentPath = join(root, 'content.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
      metadata: [
        createJsonlMetadataEmitter({ path: plainPath }),
        createJsonlMetadataEmitter({ path: contentPath, includeContent: true, name: 'siem' }),
      ],
      redact: { command: (text) => text.replace('s3cret', '***') },
      alerts: {
        rules: [
          { id: 'rm-rf', severity: 'critical', message: 'recursive delete', action: { command: /rm -rf/ } },
          { id: 'prod', session: { labels: { env: 'prod' } }, action: { type: 'command' } },
        ],
      },
    });
    expect(() =>
      createRecorder({
        ...recorderOptions(root),
        alerts: { rules: [{ id: 'x', action: { verb: 1 as never } }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'TAPLINE_ERR_INVALID_RULE' }));
    const actions: LiveAction[] = [];
    recorder.on('action', (action) => void actions.push(action));
    const session = await recorder.start(grant({ labels: { env: 'prod' } }));
    session.command({ streamId: 0, text: 'ls', source: 'exec' });
    session.command({ streamId: 0, text: 'rm -rf /srv/keep-me --password=s3cret', source: 'exec' });
    session.query({ streamId: 0, text: 'rm -rf' });
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    const alerts = actions.filter((a): a is Extract<LiveAction, { type: 'alert' }> => a.type === 'alert');
    expect(
      alerts.map(
        (a) => `${a.alert.ruleId}:${a.alert.action.type === 'command' && a.alert.action.command.text}`,
      ),
    ).toEqual([
      'prod:ls',
      'rm-rf:rm -rf /srv/keep-me --password=***',
      'prod:rm -rf /srv/keep-me --password=***',
    ]);
    expect(alerts[1]!.alert).toMatchObject({ severity: 'critical', message: 'recursive delete' });
    // Each alert right after its action on the stream.
    const order = actions.map((a) => (a.type === 'alert' ? `alert:${a.alert.ruleId}` : a.type));
    expect(order.filter((t) => t === 'command' || t.startsWith('alert'))).toEqual([
      'command',
      'alert:prod',
      'command',
      'alert:rm-rf',
      'alert:prod',
    ]);
    expect(recorder.stats().live.alerts).toBe(3);
    for (const path of [plainPath, contentPath]) {
      const metadata = readEvents(path).filter((event) => event.type === 'alert');
      expect(metadata.map((event) => event.data.ruleId)).toEqual(['prod', 'rm-rf', 'prod']);
      expect(metadata[1]!.data).toMatchObject({ severity: 'critical', action: 'command', userId: 'u-1' });
    }
    expect(readEvents(plainPath).find((e) => e.type === 'alert')!.data).not.toHaveProperty('content');
    expect(readEvents(contentPath).filter((e) => e.type === 'alert')[1]!.data.content).toMatchObject({
      text: 'rm -rf /srv/keep-me --password=***',
    });
  });
});

function recorderOptions(root: string) {
  return {
    sinks: [createFileSink({ directory: join(root, 'out2') })],
    spool: { directory: join(root, 'spool2') },
  };
}
