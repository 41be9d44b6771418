// Secret redaction on every write path: JSON Patch (annotation paths, object
// values), merge and strategic merge patches, apply YAML, Lists whose items
// lack kind, case variants, protobuf; and a generator of Secret-bearing bodies
// that must never leak the value or its base64.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeKubeProtobuf,
  decodeProtobufSecret,
  decodeWatchFrames,
  encodeKubeProtobuf,
  encodeProtobufSecret,
  encodeWatchErrorFrame,
  kRedacted,
  type RecordBodyOptions,
  recordRequestBody,
  watchFrameTracker,
} from '../src/index.js';

const VALUE = 'hunter2-TOPSECRET-value';
const B64 = Buffer.from(VALUE).toString('base64');
const LAST = 'kubectl.kubernetes.io/last-applied-configuration';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const text = (body: Uint8Array | undefined): string =>
  Buffer.from(body ?? new Uint8Array()).toString('latin1');
const secretManifest = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', namespace: 'default' },
  type: 'Opaque',
  data: { password: B64 },
  stringData: { token: VALUE },
  ...extra,
});

function expectNoLeak(body: Uint8Array, options: RecordBodyOptions, complete = true): void {
  const recorded = recordRequestBody(body, complete, { maxBytes: 1 << 22, ...options });
  const out = text(recorded.body);
  expect(out).not.toContain(VALUE);
  expect(out).not.toContain(B64);
}

const onSecrets: RecordBodyOptions = { resource: 'secrets', apiGroup: '' };

describe('redaction of write paths', () => {
  it('JSON Patch: the last-applied annotation path whose value is a Secret manifest', () => {
    const patch = [
      {
        op: 'add',
        path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
        value: JSON.stringify(secretManifest()),
      },
      { op: 'replace', path: '/metadata/labels/app', value: 'web' },
    ];
    const recorded = recordRequestBody(json(patch), true, {
      ...onSecrets,
      contentType: 'application/json-patch+json',
    });
    expect(recorded.redacted).toBe(true);
    const out = JSON.parse(text(recorded.body)) as Array<{ value: string }>;
    expect(JSON.parse(out[0]!.value)).toMatchObject({
      kind: 'Secret',
      data: { password: kRedacted },
      stringData: { token: kRedacted },
    });
    expect(out[1]).toEqual(patch[1]);
  });

  it('JSON Patch: add /metadata/annotations with an object value, /metadata, the root, /data, test ops', () => {
    const patches = [
      [{ op: 'add', path: '/metadata/annotations', value: { [LAST]: JSON.stringify(secretManifest()) } }],
      [
        {
          op: 'add',
          path: '/metadata',
          value: { annotations: { [LAST]: JSON.stringify(secretManifest()) } },
        },
      ],
      [{ op: 'replace', path: '', value: secretManifest() }],
      [{ op: 'add', path: '/data', value: { password: B64 } }],
      [{ op: 'test', path: '/data/password', value: B64 }],
      [{ op: 'add', path: '/StringData/token', value: VALUE }],
      [
        {
          op: 'add',
          path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
          value: `kind: Secret\ndata:\n  password: ${B64}\n`,
        },
      ],
    ];
    for (const patch of patches) {
      expectNoLeak(json(patch), { ...onSecrets, contentType: 'application/json-patch+json' });
    }
    // The same annotation patch on another resource still finds the Secret in the manifest.
    expectNoLeak(json(patches[0]), { resource: 'configmaps', contentType: 'application/json-patch+json' });
  });

  it('merge and strategic merge patches, with directives and case variants', () => {
    for (const patch of [
      { data: { password: B64 } },
      { stringData: { token: VALUE } },
      { Data: { password: B64 }, StringData: { token: VALUE } },
      { DATA: { password: B64 }, ſtringData: { token: VALUE } },
      { $patch: 'replace', data: { password: B64, $retainKeys: ['password'] } },
      { metadata: { annotations: { [LAST]: JSON.stringify(secretManifest()) } } },
      { data: VALUE },
    ]) {
      for (const contentType of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
        expectNoLeak(json(patch), { ...onSecrets, contentType });
      }
    }
  });

  it('apply: JSON as apply-patch+yaml, and YAML that is not JSON is withheld', () => {
    expectNoLeak(json(secretManifest()), { ...onSecrets, contentType: 'application/apply-patch+yaml' });
    const yaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: ${B64}\n`;
    const recorded = recordRequestBody(Buffer.from(yaml), true, {
      ...onSecrets,
      contentType: 'application/apply-patch+yaml',
    });
    expect(recorded).toMatchObject({ body: undefined, withheld: true, redacted: true });
    // A Secret applied through another endpoint (kind in the YAML) is withheld too; a ConfigMap is kept.
    expect(
      recordRequestBody(Buffer.from(yaml), true, { resource: 'configmaps', contentType: 'application/yaml' })
        .body,
    ).toBeUndefined();
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n';
    expect(
      text(
        recordRequestBody(Buffer.from(configMap), true, {
          resource: 'configmaps',
          contentType: 'application/yaml',
        }).body,
      ),
    ).toBe(configMap);
    // Escapes could spell the kind: withheld.
    const escaped = `kind: "Secr\\x65t"\ndata:\n  password: ${B64}\n`;
    expect(
      recordRequestBody(Buffer.from(escaped), true, {
        resource: 'configmaps',
        contentType: 'application/yaml',
      }).body,
    ).toBeUndefined();
  });

  it('Lists: a SecretList posted to secrets whose items lack kind, a v1 List, nesting', () => {
    const item = { metadata: { name: 's' }, data: { password: B64 }, stringData: { token: VALUE } };
    expectNoLeak(json({ apiVersion: 'v1', kind: 'SecretList', items: [item] }), onSecrets);
    expectNoLeak(json({ apiVersion: 'v1', kind: 'SecretList', items: [item] }), { resource: 'pods' });
    expectNoLeak(json({ kind: 'List', items: [item] }), onSecrets);
    expectNoLeak(json({ kind: 'List', items: [{ kind: 'List', items: [secretManifest()] }] }), {
      resource: 'pods',
    });
    expectNoLeak(json({ kind: 'secret', data: { password: B64 } }), { resource: 'configmaps' });
  });

  it('the last-applied annotation wherever it appears: nested objects, pod templates, lists', () => {
    const annotated = { metadata: { annotations: { [LAST]: JSON.stringify(secretManifest()) } } };
    expectNoLeak(json({ kind: 'Deployment', spec: { template: annotated } }), {
      resource: 'deployments',
      apiGroup: 'apps',
    });
    expectNoLeak(json({ kind: 'List', items: [{ kind: 'ConfigMap', ...annotated }] }), {
      resource: 'configmaps',
    });
    // Not JSON and mentions a Secret: replaced whole.
    const yamlAnnotation = {
      kind: 'ConfigMap',
      metadata: { annotations: { [LAST]: `kind: Secret\ndata: {password: ${B64}}` } },
    };
    const recorded = recordRequestBody(json(yamlAnnotation), true, { resource: 'configmaps' });
    expect(JSON.parse(text(recorded.body)).metadata.annotations[LAST]).toBe(kRedacted);
  });

  it('a body for secrets that cannot be parsed is withheld: garbage, truncated, compressed, unknown type', () => {
    const body = json(secretManifest());
    for (const [bytes, options, complete] of [
      [Buffer.from('{not json'), { ...onSecrets, contentType: 'application/json' }, true],
      [body.subarray(0, 40), onSecrets, false],
      [body, { ...onSecrets, contentEncoding: 'gzip' }, true],
      [
        Buffer.concat([Buffer.from([0xd9, 0xd9, 0xf7]), body]),
        { ...onSecrets, contentType: 'application/cbor' },
        true,
      ],
      [Buffer.from(`plain ${VALUE}`), { ...onSecrets, contentType: 'text/plain' }, true],
    ] as const) {
      const recorded = recordRequestBody(bytes, complete, options);
      expect(recorded).toMatchObject({ body: undefined, withheld: true });
    }
    // JSON that is neither an object nor a JSON Patch, sent to secrets: withheld.
    for (const garbage of [
      JSON.stringify(VALUE),
      JSON.stringify([VALUE]),
      '42',
      'null',
      JSON.stringify([{ op: 'add' }, B64]),
    ]) {
      expect(
        recordRequestBody(Buffer.from(garbage), true, { ...onSecrets, contentType: 'application/json' }),
      ).toMatchObject({
        body: undefined,
        withheld: true,
      });
    }
    // A truncated prefix that holds a data key is withheld even on another resource (the kind may come later).
    expect(
      recordRequestBody(json({ data: { password: B64 }, pad: 'x'.repeat(100) }).subarray(0, 60), false, {
        resource: 'configmaps',
      }).body,
    ).toBeUndefined();
    // Other resources keep what cannot hold a Secret.
    expect(
      text(
        recordRequestBody(Buffer.from('{not json'), true, {
          resource: 'pods',
          contentType: 'application/json',
        }).body,
      ),
    ).toBe('{not json');
  });

  it('every prefix of a Secret body (split at every offset) leaks nothing, kept or not', () => {
    // [body, resources it is sent to]: a JSON Patch of /data is a Secret's only on secrets.
    const bodies: Array<[Buffer, string[]]> = [
      [
        json(
          secretManifest({
            metadata: { name: 's', annotations: { [LAST]: JSON.stringify(secretManifest()) } },
          }),
        ),
        ['secrets', 'configmaps'],
      ],
      [json([{ op: 'add', path: '/data/password', value: B64 }]), ['secrets']],
      [json({ kind: 'List', items: [secretManifest()] }), ['secrets', 'configmaps']],
    ];
    for (const [body, resources] of bodies) {
      for (let i = 0; i <= body.byteLength; i++) {
        for (const resource of resources) {
          expectNoLeak(body.subarray(0, i), { resource }, false);
          expectNoLeak(body.subarray(0, i), { resource, contentType: 'application/json' }, true);
        }
      }
    }
  });

  it('oversized: a redacted body is capped at maxBytes and says so', () => {
    const big = json(secretManifest({ padding: 'x'.repeat(200_000) }));
    const recorded = recordRequestBody(big, true, { ...onSecrets, maxBytes: 1000 });
    expect(recorded).toMatchObject({ truncated: true, redacted: true });
    expect(recorded.body?.byteLength).toBe(1000);
  });

  it('protobuf: decodes the envelope, rewrites Secret data and stringData, keeps other fields', () => {
    const raw = encodeProtobufSecret({
      name: 's',
      namespace: 'default',
      annotations: { [LAST]: JSON.stringify(secretManifest()), team: 'a' },
      data: { password: Buffer.from(VALUE) },
      stringData: { token: VALUE },
      type: 'Opaque',
    });
    const body = encodeKubeProtobuf({
      apiVersion: 'v1',
      kind: 'Secret',
      raw,
      contentType: 'application/vnd.kubernetes.protobuf',
    });
    const recorded = recordRequestBody(body, true, {
      ...onSecrets,
      contentType: 'application/vnd.kubernetes.protobuf',
    });
    expect(recorded.redacted).toBe(true);
    expect(text(recorded.body)).not.toContain(VALUE);
    expect(text(recorded.body)).not.toContain(B64);
    const envelope = decodeKubeProtobuf(recorded.body!);
    expect(envelope).toMatchObject({ apiVersion: 'v1', kind: 'Secret' });
    const secret = decodeProtobufSecret(envelope.raw);
    expect(secret).toMatchObject({
      name: 's',
      namespace: 'default',
      type: 'Opaque',
      stringData: { token: kRedacted },
    });
    expect(Buffer.from(secret.data!.password!).toString()).toBe(kRedacted);
    expect(secret.annotations?.team).toBe('a');
    expect(JSON.parse(secret.annotations![LAST]!)).toMatchObject({ data: { password: kRedacted } });
    // Other kinds are recorded as they are; a SecretList, a broken or compressed Secret is withheld.
    const configMap = encodeKubeProtobuf({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      raw: Buffer.from([0x0a, 0x00]),
    });
    expect(
      recordRequestBody(configMap, true, {
        resource: 'configmaps',
        contentType: 'application/vnd.kubernetes.protobuf',
      }).body,
    ).toEqual(configMap);
    for (const withheldBody of [
      encodeKubeProtobuf({ apiVersion: 'v1', kind: 'SecretList', raw }),
      encodeKubeProtobuf({ apiVersion: 'v1', kind: 'Secret', raw, contentEncoding: 'gzip' }),
      body.subarray(0, body.byteLength - 3),
    ]) {
      expect(
        recordRequestBody(withheldBody, true, {
          ...onSecrets,
          contentType: 'application/vnd.kubernetes.protobuf',
        }).body,
      ).toBeUndefined();
    }
  });

  it('protobuf envelope parser: garbage and every truncation throw or decode, never hang', () => {
    const body = encodeKubeProtobuf({
      apiVersion: 'v1',
      kind: 'Secret',
      raw: encodeProtobufSecret({ name: 's', data: { k: Buffer.from(VALUE) } }),
    });
    for (let i = 0; i <= body.byteLength; i++) {
      const recorded = recordRequestBody(body.subarray(0, i), true, {
        ...onSecrets,
        contentType: 'application/vnd.kubernetes.protobuf',
      });
      expect(text(recorded.body)).not.toContain(VALUE);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        const bytes = Buffer.concat([Buffer.from('k8s\0'), garbage]);
        try {
          decodeKubeProtobuf(bytes);
        } catch {}
        recordRequestBody(bytes, true, { resource: 'pods' });
      }),
      { numRuns: 500 },
    );
  });
});

describe('protobuf watch frames', () => {
  it('the tracker finds frame ends whatever the split; frames decode', () => {
    const frames = [
      encodeWatchErrorFrame({ code: 401, reason: 'Unauthorized', message: 'a' }),
      encodeWatchErrorFrame({ code: 410, reason: 'Expired', message: 'b'.repeat(300) }),
    ];
    const stream = Buffer.concat(frames);
    const ends = new Set([frames[0]!.byteLength, stream.byteLength]);
    for (let split = 0; split <= stream.byteLength; split++) {
      const tracker = watchFrameTracker();
      const first = tracker.feed(stream.subarray(0, split));
      expect(first).toBe(split === 0 || ends.has(split));
      expect(tracker.feed(stream.subarray(split))).toBe(true);
    }
    // Byte by byte.
    const tracker = watchFrameTracker();
    for (let i = 0; i < stream.byteLength; i++)
      expect(tracker.feed(stream.subarray(i, i + 1))).toBe(ends.has(i + 1));
    expect(decodeWatchFrames(stream).map((frame) => frame.type)).toEqual(['ERROR', 'ERROR']);
    // A truncated stream decodes the whole frames only.
    expect(decodeWatchFrames(stream.subarray(0, stream.byteLength - 1))).toHaveLength(1);
  });
});

// --- The generator: Secret-bearing bodies of every shape. ---

type Case = { body: Uint8Array; options: RecordBodyOptions; complete: boolean; value: string };

const keyCase = (word: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    word,
    word.toUpperCase(),
    word[0]!.toUpperCase() + word.slice(1),
    word.toLowerCase(),
    word.replace('s', 'ſ'),
  );
const kindArb = fc.constantFrom('Secret', 'secret', 'SECRET', 'Secret');
const noise = fc.dictionary(
  fc.constantFrom('labels', 'note', 'spec', 'extra', 'x'),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 2 },
);

/** One Secret's worth of data fields (data holds base64, stringData the plain value). */
const dataFields = (value: string): fc.Arbitrary<Record<string, unknown>> =>
  fc
    .record({
      dataKey: keyCase('data'),
      stringDataKey: keyCase('stringData'),
      which: fc.constantFrom('data', 'stringData', 'both'),
      entry: fc.constantFrom('password', 'token', '.dockerconfigjson', 'a/b~c'),
    })
    .map(({ dataKey, stringDataKey, which, entry }) => ({
      ...(which !== 'stringData'
        ? { [dataKey]: { [entry]: Buffer.from(value).toString('base64'), other: 'b3RoZXI=' } }
        : {}),
      ...(which !== 'data' ? { [stringDataKey]: { [entry]: value } } : {}),
    }));

const secretObject = (value: string, withKind: boolean): fc.Arbitrary<Record<string, unknown>> =>
  fc.tuple(dataFields(value), kindArb, noise, fc.boolean()).map(([data, kind, extra, annotate]) => ({
    ...(withKind ? { apiVersion: 'v1', kind } : {}),
    metadata: {
      name: 's',
      ...(annotate
        ? { annotations: { [LAST]: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', ...data }) } }
        : {}),
    },
    ...extra,
    ...data,
  }));

const pointerData = fc.constantFrom('/data', '/stringData', '/Data', '/STRINGDATA');
const jsonPatch = (value: string): fc.Arbitrary<unknown[]> =>
  fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom('add', 'replace', 'test'), pointerData).map(([op, path]) => ({
        op,
        path: `${path}/key`,
        value: path.toLowerCase().includes('string') ? value : Buffer.from(value).toString('base64'),
      })),
      dataFields(value).map((data) => ({ op: 'add', path: '/data', value: Object.values(data)[0] })),
      secretObject(value, true).map((secret) => ({
        op: 'add',
        path: '/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration',
        value: JSON.stringify(secret),
      })),
      secretObject(value, true).map((secret) => ({
        op: 'add',
        path: '/metadata/annotations',
        value: { [LAST]: JSON.stringify(secret), other: 'x' },
      })),
      secretObject(value, true).map((secret) => ({
        op: 'add',
        path: '/metadata',
        value: { annotations: { [LAST]: JSON.stringify(secret) } },
      })),
      secretObject(value, false).map((secret) => ({ op: 'replace', path: '', value: secret })),
      fc.constant({ op: 'remove', path: '/data/old' }),
      fc.constant({ op: 'move', from: '/data/a', path: '/data/b' }),
    ),
    { minLength: 1, maxLength: 4 },
  );

const nested = (value: string): fc.Arbitrary<Record<string, unknown>> =>
  fc.oneof(
    secretObject(value, true).map((secret) => ({
      kind: 'List',
      apiVersion: 'v1',
      items: [{ kind: 'ConfigMap', data: { a: 'b' } }, secret],
    })),
    secretObject(value, true).map((secret) => ({ kind: 'List', items: [{ kind: 'List', items: [secret] }] })),
    secretObject(value, false).map((secret) => ({ kind: 'SecretList', apiVersion: 'v1', items: [secret] })),
    secretObject(value, true).map((secret) => ({
      kind: 'Deployment',
      spec: { template: { metadata: { annotations: { [LAST]: JSON.stringify(secret) } } } },
    })),
  );

const protobufBody = (value: string): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()).map(([data, stringData, annotate]) =>
    encodeKubeProtobuf({
      apiVersion: 'v1',
      kind: 'Secret',
      raw: encodeProtobufSecret({
        name: 's',
        namespace: 'default',
        ...(annotate || (!data && !stringData)
          ? { annotations: { [LAST]: JSON.stringify({ kind: 'Secret', stringData: { k: value } }) } }
          : {}),
        ...(data ? { data: { k: Buffer.from(value) } } : {}),
        ...(stringData ? { stringData: { k: value } } : {}),
        type: 'Opaque',
      }),
      contentType: 'application/vnd.kubernetes.protobuf',
    }),
  );

const yamlBody = (value: string): fc.Arbitrary<Uint8Array> =>
  fc
    .constantFrom('data', 'stringData')
    .map((key) =>
      Buffer.from(
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n${key}:\n  k: ${key === 'data' ? Buffer.from(value).toString('base64') : value}\n`,
      ),
    );

const caseArb: fc.Arbitrary<Case> = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9]{12,20}$/), fc.nat(6), fc.integer({ min: 0, max: 3 }), fc.nat(3))
  .chain(([suffix, shape, indent, escapes]) => {
    const value = `V${suffix}`;
    // JSON escapes a text match would miss: \u escapes in "kind", "Secret", "data", "stringData", "annotations".
    const withEscapes = (text: string): string =>
      escapes === 0
        ? text
        : text.replace(
            /"(kind|Secret|secret|SECRET|data|stringData|annotations|items)"/g,
            (_match, word: string) => {
              const at = escapes % word.length;
              const code = word.charCodeAt(at).toString(16).padStart(4, '0');
              return `"${word.slice(0, at)}\\u${code}${word.slice(at + 1)}"`;
            },
          );
    const stringify = (v: unknown): Buffer => Buffer.from(withEscapes(JSON.stringify(v, null, indent)));
    const secretsResource: RecordBodyOptions = { resource: 'secrets', apiGroup: '' };
    const arbitraries: fc.Arbitrary<Case>[] = [
      // create / update / apply of a Secret object.
      fc
        .tuple(
          secretObject(value, true),
          fc.constantFrom('application/json', 'application/apply-patch+yaml', 'application/yaml', ''),
        )
        .map(([secret, contentType]) => ({
          body: stringify(secret),
          options: { ...secretsResource, contentType },
          complete: true,
          value,
        })),
      // merge / strategic merge patch (no kind) on secrets.
      fc
        .tuple(
          secretObject(value, false),
          fc.constantFrom('application/merge-patch+json', 'application/strategic-merge-patch+json'),
        )
        .map(([patch, contentType]) => ({
          body: stringify(patch),
          options: { ...secretsResource, contentType },
          complete: true,
          value,
        })),
      jsonPatch(value).map((patch) => ({
        body: stringify(patch),
        options: { ...secretsResource, contentType: 'application/json-patch+json' },
        complete: true,
        value,
      })),
      fc
        .tuple(nested(value), fc.constantFrom('secrets', 'pods', 'configmaps', 'deployments'))
        .map(([list, resource]) => ({
          body: stringify(list),
          options: {
            resource,
            apiGroup: resource === 'deployments' ? 'apps' : '',
            contentType: 'application/json',
          },
          complete: true,
          value,
        })),
      protobufBody(value).map((body) => ({
        body,
        options: { ...secretsResource, contentType: 'application/vnd.kubernetes.protobuf' },
        complete: true,
        value,
      })),
      fc.tuple(yamlBody(value), fc.constantFrom('secrets', 'configmaps')).map(([body, resource]) => ({
        body,
        options: { resource, contentType: 'application/apply-patch+yaml' },
        complete: true,
        value,
      })),
      // Any prefix of a Secret body the proxy could not keep whole.
      fc
        .tuple(
          secretObject(value, true),
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.constantFrom('secrets', 'configmaps'),
        )
        .map(([secret, at, resource]) => {
          const body = stringify(secret);
          return {
            body: body.subarray(0, Math.floor(body.byteLength * at)),
            options: { resource },
            complete: false,
            value,
          };
        }),
    ];
    return arbitraries[shape]!;
  });

describe('the redactor never leaks (fast-check, 10,000 cases)', () => {
  it('no Secret value nor its base64 in what is recorded', () => {
    let redactedOrWithheld = 0;
    fc.assert(
      fc.property(
        caseArb,
        fc.integer({ min: 16, max: 1 << 20 }),
        ({ body, options, complete, value }, maxBytes) => {
          const recorded = recordRequestBody(body, complete, { ...options, maxBytes });
          const out = Buffer.from(recorded.body ?? new Uint8Array());
          if (recorded.redacted) redactedOrWithheld++;
          for (const needle of [value, Buffer.from(value).toString('base64')]) {
            expect(out.includes(needle)).toBe(false);
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(redactedOrWithheld).toBeGreaterThan(0);
  });
});
