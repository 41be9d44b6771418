import type { MetadataEvent, MetadataEventType, SessionContext } from '@tapline/core';
import fc from 'fast-check';

// Plain-object shapes of tapline.v1 messages (proto/tapline/v1/frame.proto), as
// protobufjs `fromObject()` accepts them and `toObject()` returns them: camelCase
// fields, enums as numbers, 64-bit integers as numbers (--force-number), bytes
// as Uint8Array.

export interface DataBody {
  streamId: number;
  direction: number;
  bytes: Uint8Array;
  channel: number;
}
export interface ResizeBody {
  streamId: number;
  cols: number;
  rows: number;
}
export interface GrantBody {
  user: { id: string; name: string; email: string };
  approvers: Array<{ id: string; name: string; email: string; approvedAtUnixMs: number }>;
  accessFlow: { id: string; name: string };
  accessRequestId: string;
  accessRequestStatus: string;
  resource: { id: string; type: string; name: string; integration: string };
  permissions: string[];
  expiresAtUnixMs: number;
}
export interface SessionStartBody {
  startedAtUnixMs: number;
  sessionId: string;
  protocol: string;
  clientAddress: string;
  target: string;
  grant: GrantBody;
  labels: Record<string, string>;
}
export interface SessionEndBody {
  reason: number;
  detail: string;
  errorCode: string;
  frames: number;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  commands: number;
  queries: number;
  apiCalls: number;
  fileOperations: number;
  streams: number;
  bytesNotRecorded: number;
}
export interface StreamOpenBody {
  streamId: number;
  kind: number;
  details: Record<string, string>;
  cols: number;
  rows: number;
  contentRecorded: boolean;
}
export interface StreamCloseBody {
  streamId: number;
  exitStatus?: number;
  exitSignal: string;
  detail: string;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
}
export interface CommandBody {
  streamId: number;
  text: string;
  source: string;
  startedOffsetNs: number;
  endedOffsetNs: number;
  program: string;
}
export interface QueryBody {
  streamId: number;
  text: string;
  parameters: Array<{ value: string; isNull: boolean; type: string }>;
  commandTag: string;
  rows?: number;
  errorCode: string;
  errorMessage: string;
  durationNs: number;
  database: string;
}
export interface ApiCallBody {
  streamId: number;
  verb: string;
  method: string;
  path: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  statusCode: number;
  durationNs: number;
  requestBody: Uint8Array;
  requestBodyTruncated: boolean;
  requestBytes: number;
  responseBytes: number;
  userAgent: string;
}
export interface FileOperationBody {
  streamId: number;
  kind: number;
  path: string;
  targetPath: string;
  flags: string[];
  bytesRead: number;
  bytesWritten: number;
  status: string;
  statusMessage: string;
  attributes: Record<string, string>;
}
export interface AnnotationBody {
  kind: number;
  streamId: number;
  code: string;
  message: string;
  bytesNotRecorded: number;
  details: Record<string, string>;
}

export interface FrameBodies {
  data: DataBody;
  resize: ResizeBody;
  sessionStart: SessionStartBody;
  sessionEnd: SessionEndBody;
  streamOpen: StreamOpenBody;
  streamClose: StreamCloseBody;
  command: CommandBody;
  query: QueryBody;
  apiCall: ApiCallBody;
  fileOperation: FileOperationBody;
  annotation: AnnotationBody;
}
export type FrameBodyName = keyof FrameBodies;

/** A tapline.v1.Frame as a plain object: seq, offsetNs and exactly one body. */
export type FrameObject = { seq: number; offsetNs: number } & {
  [K in FrameBodyName]: { [P in K]: FrameBodies[K] } & { [Q in Exclude<FrameBodyName, K>]?: undefined };
}[FrameBodyName];

/** uint64 fields decode as JS numbers; keep them exact. */
const u64 = fc.maxSafeNat();
const small = fc.nat({ max: 1 << 20 });
const text = fc.string({ maxLength: 40, unit: 'grapheme' });
const id = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,23}$/);
const labels = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,15}$/), text, { maxKeys: 3 });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const streamId = fc.nat({ max: 64 });

const grant: fc.Arbitrary<GrantBody> = fc.record({
  user: fc.record({ id, name: text, email: fc.emailAddress() }),
  approvers: fc.array(fc.record({ id, name: text, email: fc.emailAddress(), approvedAtUnixMs: u64 }), {
    maxLength: 3,
  }),
  accessFlow: fc.record({ id, name: text }),
  accessRequestId: id,
  accessRequestStatus: fc.constantFrom('approved', 'auto_approved'),
  resource: fc.record({
    id,
    type: fc.constantFrom('ssh_server', 'kubernetes_cluster', 'postgres_database'),
    name: text,
    integration: id,
  }),
  permissions: fc.array(id, { maxLength: 4 }),
  expiresAtUnixMs: u64,
});

const bodies: { [K in FrameBodyName]: fc.Arbitrary<FrameBodies[K]> } = {
  data: fc.record({
    streamId,
    direction: fc.constantFrom(1, 2),
    bytes: bytes(512),
    channel: fc.constantFrom(0, 1),
  }),
  resize: fc.record({ streamId, cols: fc.nat({ max: 1000 }), rows: fc.nat({ max: 1000 }) }),
  sessionStart: fc.record({
    startedAtUnixMs: u64,
    sessionId: fc.uuid(),
    protocol: fc.constantFrom('ssh', 'kubernetes', 'postgres', 'mysql'),
    clientAddress: fc.constantFrom('203.0.113.7:51234', '[2001:db8::1]:40022'),
    target: fc.constantFrom('db.internal:5432', 'bastion:22'),
    grant,
    labels,
  }),
  sessionEnd: fc.record({
    reason: fc.integer({ min: 0, max: 8 }),
    detail: text,
    errorCode: fc.constantFrom('', 'TAPLINE_ERR_SINK_PERMANENT'),
    frames: u64,
    bytesClientToTarget: u64,
    bytesTargetToClient: u64,
    commands: small,
    queries: small,
    apiCalls: small,
    fileOperations: small,
    streams: small,
    bytesNotRecorded: u64,
  }),
  streamOpen: fc.record({
    streamId,
    kind: fc.constantFrom(1, 2, 3, 4, 5, 16, 17, 18, 19, 32),
    details: labels,
    cols: fc.nat({ max: 1000 }),
    rows: fc.nat({ max: 1000 }),
    contentRecorded: fc.boolean(),
  }),
  streamClose: fc.record(
    {
      streamId,
      exitStatus: fc.integer({ min: -2147483648, max: 2147483647 }),
      exitSignal: fc.constantFrom('', 'KILL', 'TERM'),
      detail: text,
      bytesClientToTarget: u64,
      bytesTargetToClient: u64,
    },
    { requiredKeys: ['streamId', 'exitSignal', 'detail', 'bytesClientToTarget', 'bytesTargetToClient'] },
  ),
  command: fc.record({
    streamId,
    text,
    source: fc.constantFrom('exec', 'terminal', 'fullscreen'),
    startedOffsetNs: u64,
    endedOffsetNs: u64,
    program: text,
  }),
  query: fc.record(
    {
      streamId,
      text,
      parameters: fc.array(
        fc.record({ value: text, isNull: fc.boolean(), type: fc.constantFrom('int4', 'text', '25') }),
        {
          maxLength: 3,
        },
      ),
      commandTag: fc.constantFrom('SELECT 3', 'INSERT 0 1', ''),
      rows: u64,
      errorCode: fc.constantFrom('', '42P01'),
      errorMessage: text,
      durationNs: u64,
      database: id,
    },
    {
      requiredKeys: [
        'streamId',
        'text',
        'parameters',
        'commandTag',
        'errorCode',
        'errorMessage',
        'durationNs',
        'database',
      ],
    },
  ),
  apiCall: fc.record({
    streamId,
    verb: fc.constantFrom('get', 'list', 'create', 'delete', 'patch'),
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH'),
    path: fc.constantFrom('/api/v1/namespaces/default/pods', '/apis/apps/v1/deployments'),
    apiGroup: fc.constantFrom('', 'apps'),
    apiVersion: fc.constantFrom('v1'),
    resource: fc.constantFrom('pods', 'deployments'),
    subresource: fc.constantFrom('', 'exec', 'log'),
    namespace: id,
    name: id,
    statusCode: fc.constantFrom(200, 201, 403, 404, 500),
    durationNs: u64,
    requestBody: bytes(256),
    requestBodyTruncated: fc.boolean(),
    requestBytes: u64,
    responseBytes: u64,
    userAgent: text,
  }),
  fileOperation: fc.record({
    streamId,
    kind: fc.integer({ min: 1, max: 16 }),
    path: fc.constantFrom('/etc/hosts', '/home/alice/report.csv', '/tmp/ü file'),
    targetPath: fc.constantFrom('', '/tmp/x'),
    flags: fc.subarray(['read', 'write', 'append', 'create', 'truncate', 'excl']),
    bytesRead: u64,
    bytesWritten: u64,
    status: fc.constantFrom('ok', 'no_such_file', 'permission_denied'),
    statusMessage: text,
    attributes: labels,
  }),
  annotation: fc.record({
    kind: fc.integer({ min: 1, max: 6 }),
    streamId,
    code: fc.constantFrom('', 'TAPLINE_ERR_SFTP_MALFORMED_PACKET'),
    message: text,
    bytesNotRecorded: u64,
    details: labels,
  }),
};

/** Any one frame body, tagged with its name. */
export function arbFrameBody(
  names: readonly FrameBodyName[] = Object.keys(bodies) as FrameBodyName[],
): fc.Arbitrary<
  {
    [K in FrameBodyName]: { name: K; body: FrameBodies[K] };
  }[FrameBodyName]
> {
  return fc.oneof(
    ...names.map((name) =>
      (bodies[name] as fc.Arbitrary<FrameBodies[FrameBodyName]>).map((body) => ({ name, body }) as never),
    ),
  );
}

/** One frame with the given (or any) seq, a non-negative offset and one body. */
export function arbFrame(
  options: { seq?: number; bodies?: readonly FrameBodyName[] } = {},
): fc.Arbitrary<FrameObject> {
  return fc
    .record({
      seq: options.seq === undefined ? u64 : fc.constant(options.seq),
      offsetNs: u64,
      body: arbFrameBody(options.bodies),
    })
    .map(({ seq, offsetNs, body }) => ({ seq, offsetNs, [body.name]: body.body }) as unknown as FrameObject);
}

/**
 * A session's frames as the recorder makes them: seq dense from 0, offsets
 * non-decreasing, a sessionStart first and (when `complete`) a sessionEnd last.
 */
export function arbFrames(
  options: { maxLength?: number; complete?: boolean } = {},
): fc.Arbitrary<FrameObject[]> {
  const middle: FrameBodyName[] = (Object.keys(bodies) as FrameBodyName[]).filter(
    (name) => name !== 'sessionStart' && name !== 'sessionEnd',
  );
  return fc
    .record({
      start: bodies.sessionStart,
      middle: fc.array(fc.tuple(arbFrameBody(middle), fc.nat({ max: 5_000_000 })), {
        maxLength: options.maxLength ?? 30,
      }),
      end: bodies.sessionEnd,
      complete: options.complete === undefined ? fc.boolean() : fc.constant(options.complete),
    })
    .map(({ start, middle, end, complete }) => {
      const frames: FrameObject[] = [{ seq: 0, offsetNs: 0, sessionStart: start } as FrameObject];
      let offsetNs = 0;
      for (const [body, gap] of middle) {
        offsetNs += gap;
        frames.push({ seq: frames.length, offsetNs, [body.name]: body.body } as unknown as FrameObject);
      }
      if (complete)
        frames.push({ seq: frames.length, offsetNs: offsetNs + 1, sessionEnd: end } as FrameObject);
      return frames;
    });
}

/** A valid SessionContext (the grant), as `recorder.start()` accepts it. */
export function arbSessionContext(): fc.Arbitrary<SessionContext> {
  return fc.record(
    {
      sessionId: fc.uuid({ version: 4 }),
      protocol: fc.constantFrom('ssh', 'kubernetes', 'postgres', 'mysql'),
      user: fc.record({ id, name: text, email: fc.emailAddress() }, { requiredKeys: ['id'] }),
      approvers: fc.array(
        fc.record(
          { id, name: text, email: fc.emailAddress(), approvedAt: fc.nat({ max: 4102444800000 }) },
          { requiredKeys: ['id'] },
        ),
        { maxLength: 3 },
      ),
      accessFlow: fc.record({ id, name: text }, { requiredKeys: ['id'] }),
      accessRequestId: id,
      accessRequestStatus: fc.constantFrom('approved', 'auto_approved'),
      resource: fc.record(
        {
          id,
          type: fc.constantFrom('ssh_server', 'kubernetes_cluster', 'postgres_database', 'mysql_database'),
          name: text,
          integration: id,
        },
        { requiredKeys: ['id', 'type'] },
      ),
      permissions: fc.array(id, { maxLength: 4 }),
      clientAddress: fc.constantFrom('203.0.113.7:51234', '198.51.100.20:40022'),
      target: fc.constantFrom('db.internal:5432', 'bastion.internal:22', 'https://k8s.internal:6443'),
      expiresAt: fc.integer({ min: 1_700_000_000_000, max: 4_102_444_800_000 }),
      labels,
    },
    { requiredKeys: ['protocol', 'user', 'accessRequestId', 'resource'] },
  );
}

const jsonValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A MetadataEvent with JSON-safe data (what an emitter must carry unchanged). */
export function arbMetadataEvent(
  options: { sessionId?: string; sequence?: number } = {},
): fc.Arbitrary<MetadataEvent> {
  const types: MetadataEventType[] = [
    'session.started',
    'session.ended',
    'recording.delivered',
    'recording.failed',
    'recording.chain_head',
  ];
  return fc.record({
    version: fc.constant(1 as const),
    id: fc.uuid({ version: 4 }),
    type: fc.constantFrom(...types),
    time: fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2100, 0, 1) })
      .map((ms) => new Date(ms).toISOString()),
    sessionId: options.sessionId === undefined ? fc.uuid({ version: 4 }) : fc.constant(options.sessionId),
    sequence: options.sequence === undefined ? fc.nat({ max: 1_000_000 }) : fc.constant(options.sequence),
    data: fc.dictionary(
      fc.string({ maxLength: 12 }).filter((key) => key !== '__proto__'),
      jsonValue,
      { maxKeys: 6 },
    ),
  });
}
