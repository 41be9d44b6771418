// A test Kubernetes API server: HTTPS on 127.0.0.1:0, enough of the real API
// for kubectl (discovery, namespaces and pods with watch, Status errors), and
// exec/attach over WebSocket (v5/v4 channels) running real processes, and
// port-forward (SPDY/3.1 tunnelled in a WebSocket, as kubectl ≥ 1.31 does) to
// a local TCP server.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import * as net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { encodeChannelMessage, RemoteCommandDecoder } from '../src/channel.js';
import { decodeKubeProtobuf, encodeKubeProtobuf, encodeProtobufSecret } from '../src/k8s-protobuf.js';
import {
  SpdyHeaderWriter,
  SpdyParser,
  spdyDataFrame,
  spdyPingFrame,
  spdyRstStreamFrame,
  spdySynReplyFrame,
} from '../src/spdy.js';
import { closePayload, serializeFrame, WebSocketOpcode, WebSocketParser } from '../src/websocket.js';
import {
  applyJsonPatch,
  applyMergePatch,
  continueToken,
  decodeProtobufObject,
  encodeWatchFrame,
  type Json,
  type JsonObject,
  openApiV3,
  PatchError,
  parseContinue,
  parseLabelSelector,
  protobufFields,
  protobufString,
  toTable,
  wantsTable,
} from './fake-resources.js';

export interface FakeApiServerOptions {
  key: string;
  cert: string;
  /** CA for client certificates. */
  ca: string;
  /** Bearer tokens accepted (the connector's). */
  tokens: string[];
  /** Users (impersonated) refused with 403 everywhere. */
  forbiddenUsers?: string[];
  /** Namespaces where everyone gets 403. */
  forbiddenNamespaces?: string[];
  /** Where port-forward connects, whatever port the client names. */
  forwardTo: number;
  /**
   * Bearer tokens allowed to impersonate (Impersonate-User / -Group); others
   * get 403 "cannot impersonate", as RBAC without the impersonate verb does.
   * Impersonating the group `system:masters` is always refused. @default every token in `tokens`
   */
  impersonators?: string[];
  /** Offer HTTP/2 besides HTTP/1.1 (ALPN), as kube-apiserver does. @default true */
  http2?: boolean;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  clientCertificate: string | undefined;
  /** "2.0" for a client that negotiated HTTP/2, "1.1" otherwise. */
  httpVersion: string;
}

export interface FakeApiServer {
  url: string;
  port: number;
  requests: SeenRequest[];
  /** Every child process started by exec, for cleanup checks. */
  children: Set<ChildProcess>;
  addPod(namespace: string, name: string): void;
  /** Forgets the watch history: a watch from an older resourceVersion gets an ERROR event with 410 Gone. */
  compact(): void;
  /** Sends a BOOKMARK event to every watch that asked for them. */
  bookmark(): void;
  /** The next `count` requests (to paths starting with `pathPrefix`) get 429 with `Retry-After: seconds`. */
  throttle(count: number, seconds?: number, pathPrefix?: string): void;
  /** Bytes of the `limitBytes` log of a pod handed to the socket so far. */
  logWritten: Map<string, number>;
  close(): Promise<void>;
}

type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string; namespace?: string };
} & Record<string, unknown>;

const PTY_HELPER = `
import os, pty, sys, select, fcntl, termios, struct, signal
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
def setsize(cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
setsize(80, 24)
ctl = b''
inputs = [0, fd, 3]
while True:
    try:
        r, _, _ = select.select(inputs, [], [])
    except InterruptedError:
        continue
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if not data:
            inputs.remove(0)
        else:
            os.write(fd, data)
    if 3 in r:
        data = os.read(3, 4096)
        if not data:
            inputs.remove(3)
        ctl += data
        while b'\\n' in ctl:
            line, ctl = ctl.split(b'\\n', 1)
            cols, rows = line.split()
            setsize(int(cols), int(rows))
            os.kill(pid, signal.SIGWINCH)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else (status >> 8))
`;

/** The server side of one WebSocket connection, on the package's own parser. */
class ServerWebSocket extends EventEmitter {
  private readonly parser = new WebSocketParser({ from: 'client' });
  private fragments: Buffer[] = [];
  private closed = false;

  constructor(readonly socket: Socket) {
    super();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.parser.parse(chunk, (frame) => {
          if (frame.opcode === WebSocketOpcode.ping) {
            this.write(serializeFrame({ opcode: WebSocketOpcode.pong, payload: frame.payload }));
          } else if (frame.opcode === WebSocketOpcode.close) {
            this.close(frame.closeCode ?? 1000);
          } else if (frame.opcode !== WebSocketOpcode.pong) {
            this.fragments.push(Buffer.from(frame.payload));
            if (frame.fin && frame.endsFrame) {
              const message =
                this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
              this.fragments = [];
              this.emit('message', message);
            }
          }
        });
      } catch (error) {
        if (process.env.TAPLINE_DEBUG) console.log('fake server websocket error', error);
        this.emit('protocolError', error);
        socket.destroy();
      }
    });
    socket.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
    socket.on('error', () => {});
  }

  write(bytes: Buffer): boolean {
    if (this.closed || this.socket.destroyed) return true;
    return this.socket.write(bytes);
  }

  send(payload: Buffer): boolean {
    return this.write(serializeFrame({ opcode: WebSocketOpcode.binary, payload }));
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end(serializeFrame({ opcode: WebSocketOpcode.close, payload: closePayload(code, reason) }));
  }
}

export async function startFakeApiServer(options: FakeApiServerOptions): Promise<FakeApiServer> {
  const requests: SeenRequest[] = [];
  const children = new Set<ChildProcess>();
  const store = new Map<string, KubeObject>();
  let resourceVersion = 100;
  const watchers = new Set<{
    resource: string;
    namespace: string | undefined;
    name: string | undefined;
    res: ServerResponse;
    selected?: (object: KubeObject) => boolean;
    kind?: string;
    bookmarks?: boolean;
    protobuf?: boolean;
  }>();
  /** A protobuf watch frame of a Secret event (client-go asks for `;stream=watch` protobuf). */
  const secretWatchFrame = (type: string, object: KubeObject): Uint8Array => {
    const data = (object.data as Record<string, string> | undefined) ?? {};
    return encodeWatchFrame(
      type,
      encodeKubeProtobuf({
        apiVersion: 'v1',
        kind: 'Secret',
        raw: encodeProtobufSecret({
          name: object.metadata.name,
          ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
          data: Object.fromEntries(
            Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
          ),
        }),
      }),
    );
  };
  let compactedBefore = 0;
  const throttled = { count: 0, seconds: 1, pathPrefix: '/' };
  const writeBookmark = (watcher: { res: ServerResponse; kind?: string }): void => {
    watcher.res.write(
      `${JSON.stringify({ type: 'BOOKMARK', object: { kind: watcher.kind, apiVersion: 'v1', metadata: { resourceVersion: String(resourceVersion) } } })}\n`,
    );
  };
  const sockets = new Set<Socket>();
  const history: Array<{ resourceVersion: number; resource: string; type: string; object: KubeObject }> = [];
  const logWritten = new Map<string, number>();

  const keyOf = (resource: string, namespace: string | undefined, name: string): string =>
    `${resource}/${namespace ?? ''}/${name}`;
  const put = (resource: string, object: KubeObject, type: 'ADDED' | 'MODIFIED' | 'DELETED'): void => {
    resourceVersion++;
    object.metadata.resourceVersion = String(resourceVersion);
    const key = keyOf(resource, object.metadata.namespace, object.metadata.name);
    if (type === 'DELETED') store.delete(key);
    else store.set(key, object);
    // Kept so a watch from an older resourceVersion replays what it missed, as the API server does.
    history.push({ resourceVersion, resource, type, object: structuredClone(object) });
    for (const watcher of watchers) {
      if (watcher.resource !== resource) continue;
      if (watcher.namespace && watcher.namespace !== object.metadata.namespace) continue;
      if (watcher.name && watcher.name !== object.metadata.name) continue;
      if (watcher.selected && !watcher.selected(object)) continue;
      watcher.res.write(
        watcher.protobuf ? secretWatchFrame(type, object) : `${JSON.stringify({ type, object })}\n`,
      );
    }
  };
  const newObject = (
    kind: string,
    namespace: string | undefined,
    name: string,
    extra: Record<string, unknown> = {},
  ): KubeObject => ({
    apiVersion: 'v1',
    kind,
    ...extra,
    metadata: {
      ...((extra.metadata as Record<string, unknown>) ?? {}),
      name,
      ...(namespace ? { namespace } : {}),
      uid: randomUUID(),
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    },
  });
  const addPod = (namespace: string, name: string): void => {
    put(
      'pods',
      newObject('Pod', namespace, name, {
        spec: { containers: [{ name: 'main', image: 'busybox' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'main',
              ready: true,
              restartCount: 0,
              image: 'busybox',
              imageID: '',
              started: true,
              state: { running: {} },
            },
          ],
        },
      }),
      'ADDED',
    );
  };
  for (const namespace of ['default', 'kube-system', 'forbidden'])
    put('namespaces', newObject('Namespace', undefined, namespace, { status: { phase: 'Active' } }), 'ADDED');

  /** A Secret as protobuf, for clients that ask for it first (client-go with protobuf content config). */
  const protobufResponse = (res: ServerResponse, code: number, object: KubeObject): void => {
    const data = (object.data as Record<string, string> | undefined) ?? {};
    const body = encodeKubeProtobuf({
      apiVersion: 'v1',
      kind: 'Secret',
      raw: encodeProtobufSecret({
        name: object.metadata.name,
        ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
        data: Object.fromEntries(
          Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
        ),
        type: String(object.type ?? 'Opaque'),
      }),
    });
    res.writeHead(code, {
      'content-type': 'application/vnd.kubernetes.protobuf',
      'content-length': body.byteLength,
    });
    res.end(body);
  };
  const json = (res: ServerResponse, code: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const status = (
    res: ServerResponse,
    code: number,
    reason: string,
    message: string,
    details?: unknown,
  ): void =>
    json(res, code, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
      ...(details ? { details } : {}),
    });

  const resources = [
    {
      name: 'namespaces',
      singularName: 'namespace',
      namespaced: false,
      kind: 'Namespace',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['ns'],
    },
    {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    },
    {
      name: 'pods/exec',
      singularName: '',
      namespaced: true,
      kind: 'PodExecOptions',
      verbs: ['create', 'get'],
    },
    {
      name: 'pods/attach',
      singularName: '',
      namespaced: true,
      kind: 'PodAttachOptions',
      verbs: ['create', 'get'],
    },
    {
      name: 'pods/portforward',
      singularName: '',
      namespaced: true,
      kind: 'PodPortForwardOptions',
      verbs: ['create', 'get'],
    },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    {
      name: 'configmaps',
      singularName: 'configmap',
      namespaced: true,
      kind: 'ConfigMap',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['cm'],
    },
    {
      name: 'secrets',
      singularName: 'secret',
      namespaced: true,
      kind: 'Secret',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    },
  ];
  const kindOf: Record<string, { kind: string; namespaced: boolean }> = Object.fromEntries(
    resources
      .filter((r) => !r.name.includes('/'))
      .map((r) => [r.name, { kind: r.kind, namespaced: r.namespaced }]),
  );
  const authorizationResources = [
    {
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
    {
      name: 'selfsubjectrulesreviews',
      singularName: 'selfsubjectrulesreview',
      namespaced: true,
      kind: 'SelfSubjectRulesReview',
      verbs: ['create'],
    },
  ];
  const openApi = openApiV3([
    {
      kind: 'Pod',
      resource: 'pods',
      namespaced: true,
      description: 'Pod is a collection of containers that can run on a host.',
      fields: {
        spec: 'Specification of the desired behavior of the pod.',
        status: 'Most recently observed status of the pod.',
      },
    },
    {
      kind: 'Namespace',
      resource: 'namespaces',
      namespaced: false,
      description: 'Namespace provides a scope for Names.',
      fields: {
        spec: 'Spec defines the behavior of the Namespace.',
        status: 'Status describes the current status of a Namespace.',
      },
    },
    {
      kind: 'ConfigMap',
      resource: 'configmaps',
      namespaced: true,
      description: 'ConfigMap holds configuration data for pods to consume.',
      fields: { data: 'Data contains the configuration data.' },
    },
    {
      kind: 'Secret',
      resource: 'secrets',
      namespaced: true,
      description: 'Secret holds secret data of a certain type.',
      fields: {
        data: 'Data contains the secret data.',
        stringData: 'stringData allows specifying non-binary secret data in string form.',
      },
    },
  ]);
  const aggregatedDiscovery = (core: boolean): JsonObject => {
    const toResource = (list: typeof resources, group: string, version: string): Json[] =>
      list
        .filter((r) => !r.name.includes('/'))
        .map((r) => ({
          resource: r.name,
          responseKind: { group, version, kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singularName,
          verbs: r.verbs,
          ...((r as { shortNames?: string[] }).shortNames
            ? { shortNames: (r as { shortNames?: string[] }).shortNames! }
            : {}),
          ...((r as { categories?: string[] }).categories
            ? { categories: (r as { categories?: string[] }).categories! }
            : {}),
          subresources: list
            .filter((sub) => sub.name.startsWith(`${r.name}/`))
            .map((sub) => ({
              subresource: sub.name.slice(r.name.length + 1),
              responseKind: { group, version, kind: sub.kind },
              verbs: sub.verbs,
            })),
        }));
    const items = core
      ? [
          {
            metadata: { name: '' },
            versions: [{ version: 'v1', resources: toResource(resources, '', 'v1'), freshness: 'Current' }],
          },
        ]
      : [
          {
            metadata: { name: 'authorization.k8s.io' },
            versions: [
              {
                version: 'v1',
                resources: toResource(
                  authorizationResources as typeof resources,
                  'authorization.k8s.io',
                  'v1',
                ),
                freshness: 'Current',
              },
            ],
          },
        ];
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: 'apidiscovery.k8s.io/v2',
      metadata: {},
      items,
    } as unknown as JsonObject;
  };
  const openApiHash = createHash('sha256')
    .update(JSON.stringify(openApi))
    .digest('hex')
    .slice(0, 16)
    .toUpperCase();

  /** Who the request acts as, or undefined (401). */
  const identify = (req: IncomingMessage): string | undefined => {
    const authorization = req.headers.authorization ?? '';
    const socket = req.socket as TLSSocket;
    const byToken = authorization.startsWith('Bearer ') && options.tokens.includes(authorization.slice(7));
    const byCertificate = socket.authorized === true && Boolean(socket.getPeerCertificate()?.subject);
    if (!byToken && !byCertificate) return undefined;
    const impersonate = req.headers['impersonate-user'];
    return typeof impersonate === 'string' ? impersonate : 'connector';
  };
  /** Why the request may not impersonate what it asks for, or undefined when it may. */
  const impersonationRefused = (req: IncomingMessage): string | undefined => {
    const user = req.headers['impersonate-user'];
    const groups = ([] as string[]).concat(req.headers['impersonate-group'] ?? []);
    if (user === undefined && groups.length === 0) return undefined;
    const authorization = req.headers.authorization ?? '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    const who = token ? 'connector' : 'certificate user';
    if (token && options.impersonators && !options.impersonators.includes(token))
      return `users "${String(user)}" is forbidden: User "${who}" cannot impersonate resource "users" in API group "" at the cluster scope`;
    if (groups.includes('system:masters'))
      return `groups "system:masters" is forbidden: User "${who}" cannot impersonate resource "groups" in API group "" at the cluster scope`;
    return undefined;
  };

  const forbidden = (user: string, namespace: string | undefined): boolean =>
    (options.forbiddenUsers ?? []).includes(user) ||
    (namespace !== undefined && (options.forbiddenNamespaces ?? []).includes(namespace));

  const route = (
    req: IncomingMessage,
  ): { resource?: string; namespace?: string; name?: string; subresource?: string } | undefined => {
    const path = (req.url ?? '/').split('?')[0]!;
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
    let rest = parts.slice(2);
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const out: { resource?: string; namespace?: string; name?: string; subresource?: string } = {};
    if (rest[0]) out.resource = rest[0];
    if (rest[1]) out.name = rest[1];
    if (rest[2]) out.subresource = rest[2];
    if (namespace) out.namespace = namespace;
    return out;
  };

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  /** A review body, JSON or protobuf (kubectl sends built-in kinds as protobuf): `spec` (field 2) read by `readSpec`. */
  const readReview = async (
    req: IncomingMessage,
    readSpec: (spec: Map<number, Uint8Array[]>) => JsonObject,
  ): Promise<JsonObject> => {
    const body = await readBody(req);
    if (!String(req.headers['content-type'] ?? '').includes('protobuf'))
      return JSON.parse(body.toString() || '{}') as JsonObject;
    const message = protobufFields(decodeKubeProtobuf(body).raw);
    return { spec: readSpec(protobufFields(message.get(2)?.[0] ?? new Uint8Array())) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const user = identify(req);
    if (user === undefined) return status(res, 401, 'Unauthorized', 'Unauthorized');
    const cannotImpersonate = impersonationRefused(req);
    if (cannotImpersonate) return status(res, 403, 'Forbidden', cannotImpersonate, { kind: 'users' });
    if (throttled.count > 0 && (req.url ?? '/').startsWith(throttled.pathPrefix)) {
      throttled.count--;
      const text = JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Too many requests, please try again later.',
        reason: 'TooManyRequests',
        details: { retryAfterSeconds: throttled.seconds },
        code: 429,
      });
      res.writeHead(429, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'retry-after': String(throttled.seconds),
      });
      res.end(text);
      return;
    }
    const url = new URL(req.url ?? '/', 'https://x');
    const path = url.pathname;
    if ((path === '/api' || path === '/apis') && /as=APIGroupDiscoveryList/.test(req.headers.accept ?? '')) {
      // Aggregated discovery (apidiscovery.k8s.io/v2), as kubectl ≥ 1.30 asks for first.
      const text = JSON.stringify(aggregatedDiscovery(path === '/api'));
      res.writeHead(200, {
        'content-type': 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    if (path === '/version')
      return json(res, 200, {
        major: '1',
        minor: '32',
        gitVersion: 'v1.32.0-tapline',
        platform: 'linux/amd64',
      });
    if (path === '/api')
      return json(res, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
      });
    if (path === '/apis')
      return json(res, 200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          {
            name: 'authorization.k8s.io',
            versions: [{ groupVersion: 'authorization.k8s.io/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'authorization.k8s.io/v1', version: 'v1' },
          },
        ],
      });
    if (path === '/apis/authorization.k8s.io/v1')
      return json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'authorization.k8s.io/v1',
        resources: authorizationResources,
      });
    if (path === '/openapi/v3')
      return json(res, 200, {
        paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${openApiHash}` } },
      });
    if (path === '/openapi/v3/api/v1') return json(res, 200, openApi);
    if (req.method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      // Answered from the impersonation config: forbidden users and namespaces are denied.
      const review = await readReview(req, (spec) => {
        // SelfSubjectAccessReviewSpec.resourceAttributes (1): namespace 1, verb 2, group 3, version 4, resource 5, subresource 6, name 7.
        const attributes = protobufFields(spec.get(1)?.[0] ?? new Uint8Array());
        const names = ['', 'namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
        const resourceAttributes: JsonObject = {};
        for (let field = 1; field < names.length; field++) {
          const value = protobufString(attributes, field);
          if (value) resourceAttributes[names[field]!] = value;
        }
        return { resourceAttributes };
      });
      const attributes = ((review.spec as JsonObject)?.resourceAttributes ?? {}) as JsonObject;
      const deniedNamespace = typeof attributes.namespace === 'string' ? attributes.namespace : undefined;
      const allowed = !forbidden(user, deniedNamespace);
      return json(res, 201, {
        ...review,
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        status: { allowed, ...(allowed ? {} : { denied: true, reason: `user ${user} is forbidden here` }) },
      });
    }
    if (req.method === 'POST' && path === '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews') {
      const review = await readReview(req, (spec) => ({ namespace: protobufString(spec, 1) }));
      const reviewNamespace = String((review.spec as JsonObject)?.namespace ?? '');
      const denied = forbidden(user, reviewNamespace || undefined);
      return json(res, 201, {
        ...review,
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        status: {
          resourceRules: denied
            ? [
                {
                  verbs: ['create'],
                  apiGroups: ['authorization.k8s.io'],
                  resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
                },
              ]
            : [
                { verbs: ['*'], apiGroups: [''], resources: Object.keys(kindOf) },
                {
                  verbs: ['create'],
                  apiGroups: ['authorization.k8s.io'],
                  resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
                },
              ],
          nonResourceRules: [
            {
              verbs: ['get'],
              nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/version', '/openapi/*'],
            },
          ],
          incomplete: false,
        },
      });
    }
    if (path === '/api/v1') return json(res, 200, { kind: 'APIResourceList', groupVersion: 'v1', resources });
    const target = route(req);
    if (!target?.resource || !kindOf[target.resource])
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const { resource, namespace, name, subresource } = target;
    const namespaceOf = resource === 'namespaces' ? name : namespace;
    if (forbidden(user, namespaceOf)) {
      return status(
        res,
        403,
        'Forbidden',
        `${resource} is forbidden: User "${user}" cannot ${req.method?.toLowerCase()} resource "${resource}" in API group "" in the namespace "${namespaceOf ?? ''}"`,
        { kind: resource },
      );
    }
    if (subresource === 'log' && req.method === 'GET' && url.searchParams.has('limitBytes')) {
      // A large log written as fast as the connection takes it: for backpressure tests.
      const total = Number(url.searchParams.get('limitBytes'));
      const chunk = Buffer.alloc(65536, 0x6c);
      res.writeHead(200, { 'content-type': 'text/plain' });
      logWritten.set(name ?? '', 0);
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          const piece = chunk.subarray(0, Math.min(chunk.byteLength, total - sent));
          sent += piece.byteLength;
          logWritten.set(name ?? '', sent);
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    if (subresource === 'log' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let line = 0;
      const follow = url.searchParams.get('follow') === 'true';
      const timer = setInterval(() => {
        res.write(`log line ${line++}\n`);
        if (!follow && line >= 3) {
          clearInterval(timer);
          res.end();
        }
      }, 20);
      res.on('close', () => clearInterval(timer));
      return;
    }
    const kind = kindOf[resource]!.kind;
    const maxBody = 3 * 1024 * 1024;
    const dryRun = url.searchParams.getAll('dryRun').includes('All');
    const accept = req.headers.accept;
    const includeObject = url.searchParams.get('includeObject') ?? 'Metadata';
    const respondObject = (code: number, object: KubeObject): void =>
      wantsTable(accept)
        ? json(
            res,
            code,
            toTable(
              resource,
              [object as unknown as JsonObject],
              { resourceVersion: String(object.metadata.resourceVersion ?? '') },
              includeObject,
            ),
          )
        : kind === 'Secret' && /^application\/vnd\.kubernetes\.protobuf/.test(accept ?? '')
          ? protobufResponse(res, code, object)
          : json(res, code, object);
    /** The request body, or undefined after answering 413 (above the API server's 3 MiB) or 400/415. */
    const readObject = async (): Promise<Json | undefined> => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size <= maxBody) chunks.push(chunk);
      }
      if (size > maxBody) {
        status(res, 413, 'RequestEntityTooLarge', `Request entity too large: limit is ${maxBody}`);
        return undefined;
      }
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers['content-type'] ?? '');
      if (contentType.includes('protobuf')) {
        // kubectl create sends built-in kinds as protobuf.
        try {
          const envelope = decodeKubeProtobuf(body);
          return decodeProtobufObject(envelope.kind || kind, envelope.raw);
        } catch (error) {
          status(
            res,
            415,
            'UnsupportedMediaType',
            `protobuf body not accepted here: ${(error as Error).message}`,
          );
          return undefined;
        }
      }
      try {
        return JSON.parse(body.toString('utf8')) as Json;
      } catch {
        status(res, 400, 'BadRequest', 'the body is not JSON (YAML is not parsed by this test server)');
        return undefined;
      }
    };
    /** As the API server stores it: stringData folded into data (base64). */
    const normalize = (object: KubeObject): KubeObject => {
      if (kind === 'Secret' && object.stringData && typeof object.stringData === 'object') {
        const data = { ...((object.data as Record<string, string>) ?? {}) };
        for (const [key, value] of Object.entries(object.stringData as Record<string, string>)) {
          data[key] = Buffer.from(String(value)).toString('base64');
        }
        object.data = data;
        delete object.stringData;
      }
      if (kind === 'Secret' && !object.type) object.type = 'Opaque';
      object.apiVersion = 'v1';
      object.kind = kind;
      return object;
    };
    const existingKey = name ? keyOf(resource, namespace, name) : '';
    if (req.method === 'GET' && name) {
      const object = store.get(existingKey);
      if (!object)
        return status(res, 404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
      return respondObject(200, object);
    }
    if (req.method === 'GET') {
      const fieldName = /metadata\.name=([^,]+)/.exec(url.searchParams.get('fieldSelector') ?? '')?.[1];
      let matches: (labels: Record<string, string>) => boolean;
      try {
        matches = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
      } catch (error) {
        return status(res, 400, 'BadRequest', (error as Error).message);
      }
      const selected = (object: KubeObject): boolean =>
        (!fieldName || object.metadata.name === fieldName) &&
        matches((object.metadata.labels as Record<string, string> | undefined) ?? {});
      const items = [...store.entries()]
        .filter(
          ([key]) =>
            key.startsWith(`${resource}/${namespace ?? ''}/`) ||
            (!namespace && key.startsWith(`${resource}/`)),
        )
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, object]) => object)
        .filter(selected);
      if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
        const protobufWatch = resource === 'secrets' && /protobuf;stream=watch/.test(accept ?? '');
        res.writeHead(200, {
          'content-type': protobufWatch
            ? 'application/vnd.kubernetes.protobuf;stream=watch'
            : 'application/json',
          'transfer-encoding': 'chunked',
        });
        res.flushHeaders();
        const since = Number(url.searchParams.get('resourceVersion') ?? '0');
        if (since && since < compactedBefore) {
          // As etcd after compaction: the watch cannot start there.
          const gone = {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `too old resource version: ${since} (${compactedBefore})`,
            reason: 'Expired',
            code: 410,
          };
          res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
          return;
        }
        if (!since)
          for (const object of items)
            res.write(
              protobufWatch
                ? secretWatchFrame('ADDED', object)
                : `${JSON.stringify({ type: 'ADDED', object })}\n`,
            );
        else {
          for (const event of history) {
            if (event.resourceVersion <= since || event.resource !== resource) continue;
            if (namespace && event.object.metadata.namespace !== namespace) continue;
            if (!selected(event.object)) continue;
            res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
          }
        }
        const bookmarks = url.searchParams.get('allowWatchBookmarks') === 'true';
        const watcher = {
          resource,
          namespace,
          name: fieldName,
          res,
          selected,
          kind,
          bookmarks,
          protobuf: protobufWatch,
        };
        watchers.add(watcher);
        if (bookmarks) writeBookmark(watcher);
        const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
        const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
        res.on('close', () => {
          watchers.delete(watcher);
          if (timer) clearTimeout(timer);
        });
        return;
      }
      // Paging: limit / continue, as the API server does (a token pinned to the list's resourceVersion).
      let start = 0;
      let listVersion = String(resourceVersion);
      const token = url.searchParams.get('continue');
      if (token) {
        try {
          ({ start, rv: listVersion } = parseContinue(token));
        } catch {
          return status(res, 400, 'BadRequest', 'invalid continue token');
        }
      }
      const limit = Number(url.searchParams.get('limit') ?? '0');
      const page = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
      const next = start + page.length;
      const metadata: JsonObject = { resourceVersion: listVersion };
      if (limit > 0 && next < items.length) {
        metadata.continue = continueToken(next, listVersion);
        metadata.remainingItemCount = items.length - next;
      }
      if (wantsTable(accept))
        return json(res, 200, toTable(resource, page as unknown as JsonObject[], metadata, includeObject));
      return json(res, 200, { kind: `${kind}List`, apiVersion: 'v1', metadata, items: page });
    }
    if (req.method === 'POST' && !name) {
      const body = (await readObject()) as KubeObject | undefined;
      if (body === undefined) return;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return status(res, 400, 'BadRequest', 'the body is not an object');
      if (body.kind !== undefined && body.kind !== kind)
        return status(res, 400, 'BadRequest', `the body's kind ${String(body.kind)} does not match ${kind}`);
      const objectName = body.metadata?.name;
      if (!objectName) return status(res, 422, 'Invalid', 'metadata.name is required');
      if (store.has(keyOf(resource, namespace, objectName))) {
        return status(res, 409, 'AlreadyExists', `${resource} "${objectName}" already exists`, {
          name: objectName,
          kind: resource,
        });
      }
      const object = normalize(newObject(kind, namespace, objectName, body));
      if (kind === 'Pod') object.status = { phase: 'Running' };
      if (dryRun) return json(res, 201, object);
      put(resource, object, 'ADDED');
      return json(res, 201, object);
    }
    if ((req.method === 'PUT' || req.method === 'PATCH') && name && !subresource) {
      const body = await readObject();
      if (body === undefined) return;
      const existing = store.get(existingKey);
      const contentType = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      let next: KubeObject;
      try {
        if (req.method === 'PUT') {
          if (!existing)
            return status(res, 404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
          const given = (body as KubeObject).metadata?.resourceVersion;
          if (given && given !== existing.metadata.resourceVersion)
            return status(
              res,
              409,
              'Conflict',
              `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            );
          next = body as KubeObject;
        } else if (contentType === 'application/apply-patch+yaml') {
          // Server-side apply, approximated: the applied configuration merged onto what is there (or created).
          next = applyMergePatch(
            (existing ?? { metadata: { name } }) as unknown as Json,
            body,
          ) as unknown as KubeObject;
        } else if (!existing) {
          return status(res, 404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
        } else if (contentType === 'application/json-patch+json') {
          next = applyJsonPatch(existing as unknown as Json, body) as unknown as KubeObject;
        } else if (contentType === 'application/merge-patch+json') {
          next = applyMergePatch(existing as unknown as Json, body) as unknown as KubeObject;
        } else if (contentType === 'application/strategic-merge-patch+json') {
          next = applyMergePatch(existing as unknown as Json, body, true) as unknown as KubeObject;
        } else {
          return status(res, 415, 'UnsupportedMediaType', `the body of type ${contentType} is not supported`);
        }
      } catch (error) {
        if (error instanceof PatchError)
          return status(res, error.code, error.code === 400 ? 'BadRequest' : 'Invalid', error.message);
        throw error;
      }
      next = normalize(structuredClone(next));
      next.metadata = {
        ...next.metadata,
        name,
        ...(namespace ? { namespace } : {}),
        uid: existing?.metadata.uid ?? randomUUID(),
        creationTimestamp:
          existing?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      };
      if (dryRun) return json(res, existing ? 200 : 201, next);
      put(resource, next, existing ? 'MODIFIED' : 'ADDED');
      return json(res, existing ? 200 : 201, next);
    }
    if (req.method === 'DELETE' && name) {
      await readBody(req);
      const object = store.get(existingKey);
      if (!object)
        return status(res, 404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });
      if (dryRun) return json(res, 200, object);
      put(resource, object, 'DELETED');
      return json(res, 200, object);
    }
    return status(res, 405, 'MethodNotAllowed', 'method not allowed');
  };

  const upgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    socket.on('error', () => {});
    const raw = (code: number, text: string, body: object): void => {
      const payload = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', ...body, code });
      socket.end(
        `HTTP/1.1 ${code} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`,
      );
    };
    const user = identify(req);
    if (user === undefined)
      return raw(401, 'Unauthorized', { reason: 'Unauthorized', message: 'Unauthorized' });
    const cannotImpersonate = impersonationRefused(req);
    if (cannotImpersonate) return raw(403, 'Forbidden', { reason: 'Forbidden', message: cannotImpersonate });
    const target = route(req);
    if (forbidden(user, target?.namespace))
      return raw(403, 'Forbidden', {
        reason: 'Forbidden',
        message: `pods "${target?.name}" is forbidden: User "${user}" cannot create resource "pods/${target?.subresource}"`,
      });
    if (!target?.name || !store.has(keyOf('pods', target.namespace, target.name))) {
      return raw(404, 'Not Found', { reason: 'NotFound', message: `pods "${target?.name}" not found` });
    }
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket')
      return raw(400, 'Bad Request', { reason: 'BadRequest', message: 'SPDY is not served here' });
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const isPortForward = target.subresource === 'portforward';
    const supported = isPortForward
      ? ['SPDY/3.1+portforward.k8s.io', 'portforward.k8s.io']
      : ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
    const protocol = supported.find((p) => offered.includes(p));
    if (!protocol)
      return raw(400, 'Bad Request', { reason: 'BadRequest', message: 'no supported subprotocol' });
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`,
    );
    const ws = new ServerWebSocket(socket);
    if (head.byteLength > 0) socket.unshift(head);
    const query = new URL(req.url ?? '/', 'https://x').searchParams;
    if (isPortForward && protocol === 'portforward.k8s.io') serveChannelPortForward(ws, query);
    else if (isPortForward) servePortForward(ws);
    else serveExec(ws, protocol, new URL(req.url ?? '/', 'https://x').searchParams);
  };

  const serveExec = (ws: ServerWebSocket, protocol: string, query: URLSearchParams): void => {
    const command = query.getAll('command');
    const tty = query.get('tty') === 'true';
    const argv = command.length > 0 ? command : ['sh'];
    const child = tty
      ? spawn('python3', ['-c', PTY_HELPER, ...argv], {
          stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
          env: { ...process.env, TERM: 'xterm', PS1: '$ ' },
        })
      : spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    const control = tty ? (child.stdio[3] as NodeJS.WritableStream) : undefined;
    child.stdin?.on('error', () => {});
    const decoder = new RemoteCommandDecoder({ protocol });
    ws.on('message', (message: Buffer) => {
      decoder.frame({ opcode: WebSocketOpcode.binary, fin: true, payload: message }, (decoded) => {
        if (decoded.name === 'data' && decoded.channel === 0) child.stdin?.write(Buffer.from(decoded.data));
        else if (decoded.name === 'resize') control?.write(`${decoded.cols} ${decoded.rows}\n`);
        else if (decoded.name === 'close' && decoded.channel === 0) child.stdin?.end();
      });
    });
    ws.on('close', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    // Backpressure: stop reading the process when the WebSocket is full.
    const forward = (stream: NodeJS.ReadableStream | null, channel: number): void => {
      stream?.on('data', (chunk: Buffer) => {
        if (!ws.send(encodeChannelMessage(channel, chunk))) {
          stream.pause();
          ws.socket.once('drain', () => stream.resume());
        }
      });
    };
    forward(child.stdout, 1);
    forward(child.stderr, 2);
    let exited = false;
    child.on('error', () => {});
    child.on('close', (code, signal) => {
      children.delete(child);
      if (exited) return;
      exited = true;
      const exitCode = code ?? (signal ? 128 : 1);
      const statusBody =
        exitCode === 0
          ? { metadata: {}, status: 'Success' }
          : {
              metadata: {},
              status: 'Failure',
              message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${exitCode}`,
              reason: 'NonZeroExitCode',
              details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
            };
      ws.send(encodeChannelMessage(3, JSON.stringify(statusBody)));
      ws.close(1000);
    });
  };

  // portforward.k8s.io over channels: port i uses data channel 2i and error channel 2i+1;
  // the first message on each channel carries the port, little-endian.
  const serveChannelPortForward = (ws: ServerWebSocket, query: URLSearchParams): void => {
    const ports = (query.get('ports') ?? '').split(',').filter(Boolean).map(Number);
    const connections = ports.map((port, index) => {
      const prefix = Buffer.from([port & 0xff, port >> 8]);
      ws.send(Buffer.concat([Buffer.from([2 * index]), prefix]));
      ws.send(Buffer.concat([Buffer.from([2 * index + 1]), prefix]));
      const connection = net.connect(options.forwardTo, '127.0.0.1');
      connection.on('error', () => ws.send(encodeChannelMessage(2 * index + 1, 'connection refused')));
      connection.on('data', (chunk: Buffer) => ws.send(encodeChannelMessage(2 * index, chunk)));
      return connection;
    });
    ws.on('message', (message: Buffer) => {
      const channel = message[0]!;
      const connection = connections[channel >> 1];
      if (connection && (channel & 1) === 0) connection.write(message.subarray(1));
    });
    ws.on('close', () => {
      for (const connection of connections) connection.destroy();
    });
  };

  const servePortForward = (ws: ServerWebSocket): void => {
    const parser = new SpdyParser();
    const writer = new SpdyHeaderWriter();
    const connections = new Map<number, Socket>();
    ws.on('message', (message: Buffer) => {
      parser.parse(message, (frame) => {
        if (frame.name === 'syn_stream') {
          ws.send(spdySynReplyFrame(writer, frame.streamId, {}));
          if (frame.headers?.streamtype?.[0] === 'data') {
            const connection = net.connect(options.forwardTo, '127.0.0.1');
            connection.on('error', () => ws.send(spdyRstStreamFrame(frame.streamId, 6)));
            connection.on('data', (chunk: Buffer) => ws.send(spdyDataFrame(frame.streamId, chunk)));
            connection.on('end', () => ws.send(spdyDataFrame(frame.streamId, Buffer.alloc(0), true)));
            connections.set(frame.streamId, connection);
          }
        } else if (frame.name === 'data') {
          const connection = connections.get(frame.streamId);
          if (connection && frame.data.byteLength > 0) connection.write(Buffer.from(frame.data));
          if (connection && frame.fin) connection.end();
        } else if (frame.name === 'rst_stream') {
          connections.get(frame.streamId)?.destroy();
        } else if (frame.name === 'ping') {
          ws.send(spdyPingFrame(frame.id));
        }
      });
    });
    ws.on('close', () => {
      for (const connection of connections.values()) connection.destroy();
    });
  };

  // Like kube-apiserver, it offers HTTP/2 (ALPN h2) and HTTP/1.1: kubectl straight to it speaks h2,
  // the proxy's upstream connections HTTP/1.1 (and WebSocket upgrades always do).
  const tlsOptions = {
    key: options.key,
    cert: options.cert,
    ca: options.ca,
    requestCert: true,
    rejectUnauthorized: false,
  };
  const server = (
    options.http2 === false
      ? https.createServer(tlsOptions)
      : http2.createSecureServer({ ...tlsOptions, allowHTTP1: true })
  ) as https.Server;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const certificate = (req.socket as TLSSocket).getPeerCertificate?.();
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      clientCertificate: certificate?.subject?.CN as string | undefined,
      httpVersion: req.httpVersion,
    });
    handle(req, res).catch((error) => status(res, 500, 'InternalError', String(error)));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const certificate = (req.socket as TLSSocket).getPeerCertificate?.();
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      clientCertificate: certificate?.subject?.CN as string | undefined,
      httpVersion: req.httpVersion,
    });
    upgrade(req, socket, head);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    requests,
    children,
    addPod,
    compact() {
      compactedBefore = resourceVersion;
      history.length = 0;
    },
    bookmark() {
      for (const watcher of watchers) if (watcher.bookmarks) writeBookmark(watcher);
    },
    throttle(count: number, seconds = 1, pathPrefix = '/') {
      throttled.count = count;
      throttled.seconds = seconds;
      throttled.pathPrefix = pathPrefix;
    },
    logWritten,
    async close() {
      for (const watcher of watchers) watcher.res.end();
      for (const child of children) child.kill('SIGKILL');
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP echo server on 127.0.0.1:0. */
export async function startEchoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
