// Pure helpers of the test API server: the four patch types, label selectors,
import protobuf from 'protobufjs/minimal.js';
// Table responses, paging tokens and the small OpenAPI v3 document.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: number = 422,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`bad JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, segments: string[]): { parent: Json; key: string } {
  let node = doc;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(segment)] as Json;
    else if (isObject(node)) node = node[segment] as Json;
    else node = undefined as unknown as Json;
    if (node === undefined) throw new PatchError(`path not found: /${segments.join('/')}`);
  }
  return { parent: node, key: segments.at(-1)! };
}

function getAt(doc: Json, path: string): Json {
  let node: Json | undefined = doc;
  for (const segment of pointer(path)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[segment];
    else node = undefined;
    if (node === undefined) throw new PatchError(`path not found: ${path}`);
  }
  return node;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const segments = pointer(path);
  if (segments.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, segments);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw new PatchError(`bad index ${key}`);
    if (replace) parent[index] = structuredClone(value);
    else parent.splice(index, 0, structuredClone(value));
  } else if (isObject(parent)) {
    if (replace && !(key in parent)) throw new PatchError(`path not found: ${path}`);
    parent[key] = structuredClone(value);
  } else throw new PatchError(`path not found: ${path}`);
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const { parent, key } = parentOf(doc, pointer(path));
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObject(parent) && key in parent) delete parent[key];
  else throw new PatchError(`path not found: ${path}`);
  return doc;
}

/** RFC 6902. */
export function applyJsonPatch(document: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch is an array of operations', 400);
  let doc = structuredClone(document);
  for (const operation of operations) {
    if (!isObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string')
      throw new PatchError('bad JSON patch operation', 400);
    const { op, path } = operation;
    switch (op) {
      case 'add':
        doc = addAt(doc, path, operation.value as Json, false);
        break;
      case 'replace':
        doc = addAt(doc, path, operation.value as Json, true);
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(operation.value))
          throw new PatchError(`test failed at ${path}`);
        break;
      case 'move':
      case 'copy': {
        const value = getAt(doc, String(operation.from));
        if (op === 'move') doc = removeAt(doc, String(operation.from));
        doc = addAt(doc, path, value, false);
        break;
      }
      default:
        throw new PatchError(`unknown JSON patch op "${op}"`, 400);
    }
  }
  return doc;
}

/** RFC 7386; `strategic` drops the strategic-merge directives ($patch, $retainKeys, $setElementOrder/…). */
export function applyMergePatch(target: Json, patch: Json, strategic = false): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (strategic && key.startsWith('$')) continue;
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key] ?? null, value, strategic);
  }
  return out;
}

type Requirement = (labels: Record<string, string>) => boolean;

/** A label selector (`a=b,c!=d,e,!f,g in (h,i),j notin (k)`) as a predicate; throws on bad syntax. */
export function parseLabelSelector(selector: string): (labels: Record<string, string>) => boolean {
  const requirements: Requirement[] = [];
  const parts = selector.match(/[^,()]+(\([^)]*\))?/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const setMatch = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    const absent = /^!([\w./-]+)$/.exec(part);
    const present = /^([\w./-]+)$/.exec(part);
    if (setMatch) {
      const [, key, op, list] = setMatch;
      const values = list!.split(',').map((v) => v.trim());
      requirements.push((labels) => (op === 'in') === (key! in labels && values.includes(labels[key!]!)));
    } else if (equality) {
      const [, key, op, value] = equality;
      requirements.push((labels) => (op === '!=' ? labels[key!] !== value : labels[key!] === value));
    } else if (absent) {
      const key = absent[1]!;
      requirements.push((labels) => !(key in labels));
    } else if (present) {
      const key = present[1]!;
      requirements.push((labels) => key in labels);
    } else throw new PatchError(`unable to parse requirement: "${part}"`, 400);
  }
  return (labels) => requirements.every((requirement) => requirement(labels));
}

export interface ColumnDefinition {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cells: (object: JsonObject) => Json;
}

const age = (object: JsonObject): string => {
  const created = Date.parse(String((object.metadata as JsonObject)?.creationTimestamp ?? ''));
  if (Number.isNaN(created)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((Date.now() - created) / 1000));
  return seconds < 120 ? `${seconds}s` : `${Math.floor(seconds / 60)}m`;
};
const nameOf = (object: JsonObject): string => String((object.metadata as JsonObject)?.name ?? '');

/** The columns the real API server prints for the resources the test server keeps. */
export const tableColumns: Record<string, ColumnDefinition[]> = {
  pods: [
    { name: 'Name', type: 'string', format: 'name', cells: nameOf },
    { name: 'Ready', type: 'string', cells: () => '1/1' },
    { name: 'Status', type: 'string', cells: (o) => String((o.status as JsonObject)?.phase ?? 'Pending') },
    { name: 'Restarts', type: 'string', cells: () => '0' },
    { name: 'Age', type: 'string', cells: age },
    { name: 'IP', type: 'string', priority: 1, cells: () => '10.0.0.7' },
    { name: 'Node', type: 'string', priority: 1, cells: () => 'tapline-node' },
  ],
  namespaces: [
    { name: 'Name', type: 'string', format: 'name', cells: nameOf },
    { name: 'Status', type: 'string', cells: (o) => String((o.status as JsonObject)?.phase ?? 'Active') },
    { name: 'Age', type: 'string', cells: age },
  ],
  configmaps: [
    { name: 'Name', type: 'string', format: 'name', cells: nameOf },
    { name: 'Data', type: 'integer', cells: (o) => Object.keys((o.data as JsonObject) ?? {}).length },
    { name: 'Age', type: 'string', cells: age },
  ],
  secrets: [
    { name: 'Name', type: 'string', format: 'name', cells: nameOf },
    { name: 'Type', type: 'string', cells: (o) => String(o.type ?? 'Opaque') },
    { name: 'Data', type: 'integer', cells: (o) => Object.keys((o.data as JsonObject) ?? {}).length },
    { name: 'Age', type: 'string', cells: age },
  ],
};

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '');
}

export function toTable(
  resource: string,
  objects: JsonObject[],
  listMetadata: JsonObject,
  includeObject: string,
): JsonObject {
  const columns = tableColumns[resource] ?? tableColumns.namespaces!;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: columns.map((column) => ({
      name: column.name,
      type: column.type,
      format: column.format ?? '',
      description: column.name,
      priority: column.priority ?? 0,
    })),
    rows: objects.map((object) => ({
      cells: columns.map((column) => column.cells(object)),
      object:
        includeObject === 'Object'
          ? object
          : includeObject === 'None'
            ? null
            : {
                kind: 'PartialObjectMetadata',
                apiVersion: 'meta.k8s.io/v1',
                metadata: object.metadata ?? {},
              },
    })),
  };
}

/** An opaque `continue` token: where the next page starts, at which resourceVersion. */
export function continueToken(start: number, resourceVersion: string): string {
  return Buffer.from(JSON.stringify({ start, rv: resourceVersion })).toString('base64url');
}

export function parseContinue(token: string): { start: number; rv: string } {
  const parsed = JSON.parse(Buffer.from(token, 'base64url').toString()) as { start?: unknown; rv?: unknown };
  if (typeof parsed.start !== 'number' || typeof parsed.rv !== 'string')
    throw new Error('bad continue token');
  return { start: parsed.start, rv: parsed.rv };
}

const objectMeta = {
  type: 'object',
  description: 'Standard object metadata.',
  properties: {
    name: { type: 'string', description: 'Name must be unique within a namespace.' },
    namespace: {
      type: 'string',
      description: 'Namespace defines the space within which each name must be unique.',
    },
    labels: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Map of string keys and values.',
    },
    annotations: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Unstructured key value map.',
    },
    resourceVersion: {
      type: 'string',
      description: 'An opaque value that represents the internal version of this object.',
    },
    uid: { type: 'string', description: 'UID is the unique in time and space value for this object.' },
  },
};

/** A small OpenAPI v3 document for the core group, generated from the test server's own kinds. */
export function openApiV3(
  kinds: Array<{
    kind: string;
    resource: string;
    namespaced: boolean;
    description: string;
    fields: Record<string, string>;
  }>,
): JsonObject {
  const paths: JsonObject = {};
  const schemas: JsonObject = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': objectMeta as unknown as Json,
  };
  for (const { kind, resource, namespaced, description, fields } of kinds) {
    const ref = { $ref: `#/components/schemas/io.k8s.api.core.v1.${kind}` };
    const base = namespaced ? `/api/v1/namespaces/{namespace}/${resource}` : `/api/v1/${resource}`;
    const gvk = { group: '', kind, version: 'v1' };
    paths[`${base}/{name}`] = {
      get: {
        description: `read the specified ${kind}`,
        operationId: `readCoreV1${kind}`,
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
      },
      // kubectl looks for fieldValidation among the PATCH parameters to use server-side validation.
      patch: {
        description: `partially update the specified ${kind}`,
        operationId: `patchCoreV1${kind}`,
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
          name,
          in: 'query',
          schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
        })),
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      },
    };
    const properties: JsonObject = {
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: {
        allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
        default: {},
        description: 'Standard object metadata.',
      },
    };
    for (const [field, fieldDescription] of Object.entries(fields)) {
      properties[field] = { type: 'object', description: fieldDescription };
    }
    schemas[`io.k8s.api.core.v1.${kind}`] = {
      type: 'object',
      description,
      properties,
      'x-kubernetes-group-version-kind': [{ group: '', kind, version: 'v1' }],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0-tapline' },
    paths,
    components: { schemas },
  };
}

/** The length-delimited fields of a protobuf message, by field number (enough to read strings and messages). */
export function protobufFields(bytes: Uint8Array): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 0) throw new Error('bad protobuf tag');
    if ((tag & 7) === 2) {
      const value = reader.bytes();
      out.set(tag >>> 3, [...(out.get(tag >>> 3) ?? []), value]);
    } else reader.skipType(tag & 7);
  }
  return out;
}

/** A string field of a protobuf message ('' when absent). */
export function protobufString(fields: Map<number, Uint8Array[]>, field: number): string {
  const value = fields.get(field)?.[0];
  return value ? Buffer.from(value).toString('utf8') : '';
}

function protobufMap(entries: Uint8Array[] | undefined, asBase64: boolean): JsonObject | undefined {
  if (!entries?.length) return undefined;
  const out: JsonObject = {};
  for (const entry of entries) {
    const fields = protobufFields(entry);
    const value = fields.get(2)?.[0] ?? new Uint8Array();
    out[protobufString(fields, 1)] = asBase64
      ? Buffer.from(value).toString('base64')
      : Buffer.from(value).toString('utf8');
  }
  return out;
}

/**
 * A v1 ConfigMap or Secret from its protobuf `raw` (k8s.io/api core/v1
 * generated.proto), as JSON: ObjectMeta name 1, namespace 3, labels 11,
 * annotations 12; ConfigMap data 2, binaryData 3; Secret data 2, type 3,
 * stringData 4.
 */
export function decodeProtobufObject(kind: string, raw: Uint8Array): JsonObject {
  const fields = protobufFields(raw);
  const meta = protobufFields(fields.get(1)?.[0] ?? new Uint8Array());
  const metadata: JsonObject = { name: protobufString(meta, 1) };
  const labels = protobufMap(meta.get(11), false);
  const annotations = protobufMap(meta.get(12), false);
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  const out: JsonObject = { apiVersion: 'v1', kind, metadata };
  if (kind === 'ConfigMap') {
    const data = protobufMap(fields.get(2), false);
    const binaryData = protobufMap(fields.get(3), true);
    if (data) out.data = data;
    if (binaryData) out.binaryData = binaryData;
  } else if (kind === 'Secret') {
    const data = protobufMap(fields.get(2), true);
    const stringData = protobufMap(fields.get(4), false);
    if (data) out.data = data;
    if (stringData) out.stringData = stringData;
    if (protobufString(fields, 3)) out.type = protobufString(fields, 3);
  } else throw new Error(`protobuf ${kind} is not decoded by this test server`);
  return out;
}

/** One frame of a protobuf watch stream: length, then WatchEvent {type 1, object 2: RawExtension {raw 1}}. */
export function encodeWatchFrame(type: string, envelope: Uint8Array): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).string(type);
  writer.uint32((2 << 3) | 2).fork();
  writer.uint32((1 << 3) | 2).bytes(envelope);
  writer.ldelim();
  const body = writer.finish();
  const frame = Buffer.alloc(4 + body.byteLength);
  frame.writeUInt32BE(body.byteLength, 0);
  frame.set(body, 4);
  return frame;
}
