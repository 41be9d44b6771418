import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kRedacted, recordRequestBody } from '../src/index.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const parsed = (body: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(body!).toString());

describe('recordRequestBody', () => {
  it('keeps an ordinary body as it is', () => {
    const body = json({ kind: 'Pod', metadata: { name: 'a' } });
    expect(recordRequestBody(body, true, { resource: 'pods', contentType: 'application/json' })).toEqual({
      body,
      truncated: false,
      redacted: false,
      withheld: false,
    });
  });

  it('caps the size and says so', () => {
    const body = Buffer.alloc(100_000, 0x61);
    const recorded = recordRequestBody(body, true, {
      resource: 'configmaps',
      contentType: 'text/plain',
      maxBytes: 1000,
    });
    expect(recorded.body?.byteLength).toBe(1000);
    expect(recorded.truncated).toBe(true);
  });

  it('replaces Secret data and stringData values, keeping the keys', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { password: 'c2VjcmV0' },
      stringData: { token: 'plain' },
    };
    const recorded = recordRequestBody(json(secret), true, {
      resource: 'secrets',
      contentType: 'application/json',
    });
    expect(recorded.redacted).toBe(true);
    expect(parsed(recorded.body)).toEqual({
      ...secret,
      data: { password: kRedacted },
      stringData: { token: kRedacted },
    });
    expect(Buffer.from(recorded.body!).toString()).not.toContain('c2VjcmV0');
  });

  it('redacts merge patches and JSON patches on secrets, and last-applied annotations', () => {
    const merge = recordRequestBody(json({ data: { k: 'dmFsdWU=' } }), true, { resource: 'secrets' });
    expect(parsed(merge.body)).toEqual({ data: { k: kRedacted } });
    const patch = recordRequestBody(
      json([
        { op: 'replace', path: '/data/k', value: 'dmFsdWU=' },
        { op: 'add', path: '/metadata/labels/a', value: 'b' },
      ]),
      true,
      { resource: 'secrets', contentType: 'application/json-patch+json' },
    );
    expect(parsed(patch.body)).toEqual([
      { op: 'replace', path: '/data/k', value: kRedacted },
      { op: 'add', path: '/metadata/labels/a', value: 'b' },
    ]);
    const applied = {
      kind: 'Secret',
      metadata: {
        name: 's',
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
            kind: 'Secret',
            data: { k: 'dmFsdWU=' },
          }),
        },
      },
      data: { k: 'dmFsdWU=' },
    };
    const recorded = recordRequestBody(json(applied), true, { resource: 'secrets' });
    expect(Buffer.from(recorded.body!).toString()).not.toContain('dmFsdWU=');
  });

  it('finds Secrets inside Lists sent to other endpoints', () => {
    const list = {
      kind: 'List',
      items: [
        { kind: 'ConfigMap', data: { a: 'visible' } },
        { kind: 'Secret', data: { b: 'hidden' } },
      ],
    };
    const recorded = recordRequestBody(json(list), true, { resource: 'pods' });
    expect(parsed(recorded.body)).toEqual({
      kind: 'List',
      items: [
        { kind: 'ConfigMap', data: { a: 'visible' } },
        { kind: 'Secret', data: { b: kRedacted } },
      ],
    });
  });

  it('withholds what it cannot parse when it may hold a secret: truncated, YAML, garbage', () => {
    expect(
      recordRequestBody(json({ kind: 'Secret', data: { a: 'x' } }).subarray(0, 20), false, {}),
    ).toMatchObject({ body: undefined, redacted: true });
    expect(
      recordRequestBody(Buffer.from('kind: Secret\ndata:\n  a: eA=='), true, {
        resource: 'secrets',
        contentType: 'application/yaml',
      }),
    ).toMatchObject({ body: undefined, redacted: true });
    expect(
      recordRequestBody(Buffer.from('{not json'), true, {
        resource: 'secrets',
        contentType: 'application/json',
      }),
    ).toMatchObject({ body: undefined });
    expect(
      recordRequestBody(Buffer.from('{not json'), true, { resource: 'pods', contentType: 'application/json' })
        .body?.byteLength,
    ).toBe(9);
  });

  it('never leaks a secret value, whatever the JSON (fast-check)', () => {
    const marker = 'TOPSECRETVALUE';
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), (extra, asList) => {
        const secret = { kind: 'Secret', metadata: { name: 'x' }, data: { k: marker }, extra };
        const body = json(asList ? { kind: 'List', items: [secret] } : secret);
        const recorded = recordRequestBody(body, true, {
          resource: asList ? 'pods' : 'secrets',
          maxBytes: 1 << 20,
        });
        expect(Buffer.from(recorded.body ?? new Uint8Array()).toString()).not.toContain(marker);
      }),
      { numRuns: 500 },
    );
  });
});
