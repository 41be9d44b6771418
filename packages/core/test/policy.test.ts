import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFrames } from '@tapline/frames';
import { describe, expect, it } from 'vitest';
import {
  createFileSink,
  createPolicyGate,
  createRecorder,
  type PolicyAction,
  PolicyCode,
  policyContextOf,
  type ResolvedPolicyDecision,
} from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

const context = policyContextOf(grant({ labels: { env: 'prod' } }));
const deleteNs: PolicyAction = {
  protocol: 'kubernetes',
  type: 'api_call',
  verb: 'delete',
  resource: 'namespaces',
  name: 'prod-x',
  apiGroup: '',
  context,
};

function recorded(): { events: unknown[]; annotation(event: unknown): void } {
  const events: unknown[] = [];
  return { events, annotation: (event) => events.push(event) };
}

describe('policy gate', () => {
  it('without a policy everything is allowed synchronously and nothing is recorded', () => {
    const gate = createPolicyGate();
    const target = recorded();
    expect(gate.enabled).toBe(false);
    expect(gate.check(deleteNs, target)).toEqual({ allow: true, message: '' });
    expect(target.events).toEqual([]);
  });

  it('a synchronous policy is answered synchronously; a denial is recorded as refused', () => {
    const gate = createPolicyGate({
      policy: (a) =>
        a.verb === 'delete' && a.context.labels?.env === 'prod'
          ? { allow: false, message: 'no deletes in prod', rule: 'no-prod-delete' }
          : { allow: true },
    });
    const target = recorded();
    const d = gate.check(deleteNs, target, 3) as ResolvedPolicyDecision;
    expect(d).toEqual({ allow: false, message: 'no deletes in prod', rule: 'no-prod-delete' });
    expect(target.events).toEqual([
      expect.objectContaining({
        kind: 'refused',
        code: PolicyCode.DENIED,
        message: 'no deletes in prod',
        streamId: 3,
        details: expect.objectContaining({
          decision: 'deny',
          rule: 'no-prod-delete',
          verb: 'delete',
          resource: 'namespaces',
          name: 'prod-x',
        }),
      }),
    ]);
    expect(gate.check({ ...deleteNs, verb: 'get' }, target)).toEqual({ allow: true, message: '' });
    expect(target.events).toHaveLength(1);
  });

  it('an allow that names a rule is recorded as a note', async () => {
    const gate = createPolicyGate({ policy: async () => ({ allow: true, rule: 'break-glass' }) });
    const target = recorded();
    const d = await gate.check(deleteNs, target);
    expect(d).toEqual({ allow: true, message: '', rule: 'break-glass' });
    expect(target.events).toEqual([
      expect.objectContaining({
        kind: 'note',
        code: PolicyCode.MATCHED,
        details: expect.objectContaining({ rule: 'break-glass' }),
      }),
    ]);
  });

  it('fails closed by default: a throwing, rejecting, malformed or slow policy denies', async () => {
    const throwing = createPolicyGate({
      policy: () => {
        throw new Error('boom');
      },
    });
    const target = recorded();
    const d = throwing.check(deleteNs, target) as ResolvedPolicyDecision;
    expect(d.allow).toBe(false);
    expect(d.error).toContain('boom');
    expect(target.events).toEqual([expect.objectContaining({ kind: 'error', code: PolicyCode.ERROR })]);

    const rejecting = createPolicyGate({ policy: () => Promise.reject(new Error('db down')) });
    expect(await rejecting.decide(deleteNs)).toMatchObject({
      allow: false,
      error: expect.stringContaining('db down'),
    });

    const malformed = createPolicyGate({ policy: () => ({ allowed: true }) as never });
    expect(malformed.decide(deleteNs)).toMatchObject({ allow: false });

    const slow = createPolicyGate({ policy: () => new Promise(() => {}), policyTimeoutMs: 20 });
    expect(await slow.decide(deleteNs)).toMatchObject({
      allow: false,
      error: expect.stringContaining('20 ms'),
    });
  });

  it("onPolicyError: 'allow' fails open, and still records the error", async () => {
    const gate = createPolicyGate({
      policy: () => new Promise(() => {}),
      policyTimeoutMs: 10,
      onPolicyError: 'allow',
    });
    const target = recorded();
    const d = await gate.check(deleteNs, target);
    expect(d.allow).toBe(true);
    expect(target.events).toEqual([
      expect.objectContaining({ kind: 'error', details: expect.objectContaining({ decision: 'allow' }) }),
    ]);
  });

  it('a denial without a message gets a default one; bad options are refused', () => {
    const gate = createPolicyGate({ policy: () => ({ allow: false, message: '' }) });
    expect(gate.decide(deleteNs)).toEqual({ allow: false, message: 'denied by policy' });
    expect(() => createPolicyGate({ policyTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createPolicyGate({ onPolicyError: 'maybe' as never })).toThrow(RangeError);
  });

  it('decisions land in the recording as annotation frames', async () => {
    const root = tempDirectory();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
      segment: { codec: 'none' },
    });
    const session = await recorder.start(grant());
    const gate = createPolicyGate({
      policy: (a) =>
        a.command?.startsWith('rm') ? { allow: false, message: 'no rm', rule: 'no-rm' } : { allow: true },
    });
    const ctx = policyContextOf(session.context);
    gate.check({ protocol: 'ssh', type: 'exec', command: 'rm -rf /srv/keep-me', context: ctx }, session);
    gate.check({ protocol: 'ssh', type: 'exec', command: 'ls', context: ctx }, session);
    await session.end('client_closed');
    await recorder.idle();
    await recorder.close();
    const file = readFileSync(join(root, 'out', `${session.sessionId}.tapline`));
    const annotations = [];
    for await (const frame of readFrames(file)) {
      if (frame.annotation?.code?.includes('POLICY')) annotations.push(frame.annotation);
    }
    expect(annotations).toHaveLength(1);
    expect(annotations[0]?.kind).toBe(4 /* refused */);
    expect(annotations[0]?.message).toBe('no rm');
    expect(annotations[0]?.details?.command).toBe('rm -rf /srv/keep-me');
  });
});

describe('policy decisions in the metadata', () => {
  it('every emitter gets policy.decision for a denial, a matched allow and an error; only includeContent ones get what it was about', async () => {
    const root = tempDirectory();
    const { createJsonlMetadataEmitter } = await import('../src/index.js');
    const plainPath = join(root, 'plain.jsonl');
    const contentPath = join(root, 'content.jsonl');
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool') },
      metadata: [
        createJsonlMetadataEmitter({ path: plainPath }),
        createJsonlMetadataEmitter({ path: contentPath, name: 'siem', includeContent: true }),
      ],
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_exec');
    const gate = createPolicyGate({
      policy: (action) => {
        if (action.command === 'boom') throw new Error('policy bug');
        return action.command?.startsWith('rm ')
          ? { allow: false, message: 'no rm', rule: 'no-rm' }
          : { allow: true, rule: 'audited' };
      },
    });
    const exec = (command: string): PolicyAction => ({ protocol: 'ssh', type: 'exec', command, context });
    gate.check(exec('rm -rf /srv/x'), session, stream);
    gate.check(exec('ls /srv'), session, stream);
    gate.check(exec('boom'), session, stream);
    await session.end('client_closed');
    await recorder.close();
    const decisions = (path: string) =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
        .filter((event) => event.type === 'policy.decision')
        .map((event) => event.data);
    const plain = decisions(plainPath);
    expect(plain.map((data) => [data.decision, data.code, data.action, data.rule])).toEqual([
      ['deny', PolicyCode.DENIED, 'exec', 'no-rm'],
      ['allow', PolicyCode.MATCHED, 'exec', 'audited'],
      ['deny', PolicyCode.ERROR, 'exec', undefined],
    ]);
    expect(plain[0]).toMatchObject({ message: 'no rm', streamId: stream, protocol: 'ssh', userId: 'u-1' });
    expect(plain[2]!.error).toContain('policy bug');
    expect(JSON.stringify(plain)).not.toContain('/srv');
    const withContent = decisions(contentPath);
    expect(withContent[0]!.content).toEqual({ summary: 'rm -rf /srv/x', command: 'rm -rf /srv/x' });
  });
});
