// Cost of the request-body redactor: MiB/s for a Secret manifest, a JSON
// Patch on a Secret, a ConfigMap (nothing to redact) and a protobuf Secret.
// `pnpm exec tsx --conditions=source packages/kube/bench/redaction.ts [--mib=1] [--rounds=20]`
import { encodeKubeProtobuf, encodeProtobufSecret, recordRequestBody } from '../src/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'];
  }),
);
const mib = Number(args.mib ?? 1);
const rounds = Number(args.rounds ?? 20);
const entries = Math.max(1, Math.floor((mib * 1024 * 1024) / 64));
const data: Record<string, string> = {};
for (let i = 0; i < entries; i++)
  data[`key-${i}`] = Buffer.from(`value-${i}-`.padEnd(40, 'x')).toString('base64');

const cases: Array<[string, Buffer, { resource: string; contentType: string }]> = [
  [
    'Secret (JSON)',
    Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data })),
    { resource: 'secrets', contentType: 'application/json' },
  ],
  [
    'JSON Patch on a Secret',
    Buffer.from(
      JSON.stringify(Object.entries(data).map(([k, v]) => ({ op: 'add', path: `/data/${k}`, value: v }))),
    ),
    { resource: 'secrets', contentType: 'application/json-patch+json' },
  ],
  [
    'ConfigMap (JSON, kept as is)',
    Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data })),
    { resource: 'configmaps', contentType: 'application/json' },
  ],
  [
    'Secret (protobuf)',
    Buffer.from(
      encodeKubeProtobuf({
        apiVersion: 'v1',
        kind: 'Secret',
        raw: encodeProtobufSecret({
          name: 's',
          data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        }),
      }),
    ),
    { resource: 'secrets', contentType: 'application/vnd.kubernetes.protobuf' },
  ],
];

for (const [name, body, options] of cases) {
  recordRequestBody(body, true, options);
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) recordRequestBody(body, true, { ...options, maxBytes: 65536 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perBody = (seconds / rounds) * 1000;
  console.log(
    `${name.padEnd(30)} ${(body.byteLength / 1024 / 1024).toFixed(2)} MiB  ${perBody.toFixed(1)} ms/body  ${((body.byteLength * rounds) / 1024 / 1024 / seconds).toFixed(0)} MiB/s`,
  );
}
