// The Kubernetes protobuf envelope (`k8s\0` + runtime.Unknown) and the
// redaction of Secret values inside it. Pure; wire-level with protobufjs's
// Reader/Writer (no schema: the field numbers are those of k8s.io/api
// core/v1 generated.proto and apimachinery runtime generated.proto).
import protobuf from 'protobufjs/minimal.js';

/** The four bytes every Kubernetes protobuf body starts with. */
export const kubeProtobufMagic: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** runtime.Unknown, as the envelope carries it. */
export interface KubeProtobufEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

/** True when `body` starts with the `k8s\0` magic. */
export function hasKubeProtobufMagic(body: Uint8Array): boolean {
  return body.byteLength >= 4 && body[0] === 0x6b && body[1] === 0x38 && body[2] === 0x73 && body[3] === 0x00;
}

/** Decodes the envelope; throws on anything that is not one. */
export function decodeKubeProtobuf(body: Uint8Array): KubeProtobufEnvelope {
  if (!hasKubeProtobufMagic(body)) throw new Error('not a Kubernetes protobuf body (no k8s\\0 magic)');
  const out: KubeProtobufEnvelope = {
    apiVersion: '',
    kind: '',
    raw: new Uint8Array(),
    contentEncoding: '',
    contentType: '',
  };
  forEachField(body.subarray(4), (field, reader, wireType) => {
    if (field === 1 && wireType === 2) {
      forEachField(reader.bytes(), (inner, innerReader, innerWire) => {
        if (inner === 1 && innerWire === 2) out.apiVersion = innerReader.string();
        else if (inner === 2 && innerWire === 2) out.kind = innerReader.string();
        else innerReader.skipType(innerWire);
      });
    } else if (field === 2 && wireType === 2) out.raw = reader.bytes();
    else if (field === 3 && wireType === 2) out.contentEncoding = reader.string();
    else if (field === 4 && wireType === 2) out.contentType = reader.string();
    else reader.skipType(wireType);
  });
  return out;
}

/** Encodes an envelope (`k8s\0` + runtime.Unknown). */
export function encodeKubeProtobuf(envelope: Partial<KubeProtobufEnvelope>): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).fork();
  if (envelope.apiVersion) writer.uint32((1 << 3) | 2).string(envelope.apiVersion);
  if (envelope.kind) writer.uint32((2 << 3) | 2).string(envelope.kind);
  writer.ldelim();
  if (envelope.raw) writer.uint32((2 << 3) | 2).bytes(envelope.raw);
  if (envelope.contentEncoding) writer.uint32((3 << 3) | 2).string(envelope.contentEncoding);
  if (envelope.contentType) writer.uint32((4 << 3) | 2).string(envelope.contentType);
  const message = writer.finish();
  const out = new Uint8Array(4 + message.byteLength);
  out.set(kubeProtobufMagic, 0);
  out.set(message, 4);
  return out;
}

/** A v1.Secret in protobuf (only the fields the tests and the redactor use). */
export interface ProtobufSecret {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  data?: Record<string, Uint8Array>;
  stringData?: Record<string, string>;
  type?: string;
}

/** Encodes a v1.Secret message (the `raw` of an envelope). */
export function encodeProtobufSecret(secret: ProtobufSecret): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).fork();
  if (secret.name) writer.uint32((1 << 3) | 2).string(secret.name);
  if (secret.namespace) writer.uint32((3 << 3) | 2).string(secret.namespace);
  for (const [key, value] of Object.entries(secret.annotations ?? {})) {
    writer.uint32((12 << 3) | 2).fork();
    writer.uint32((1 << 3) | 2).string(key);
    writer.uint32((2 << 3) | 2).string(value);
    writer.ldelim();
  }
  writer.ldelim();
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    writer.uint32((2 << 3) | 2).fork();
    writer.uint32((1 << 3) | 2).string(key);
    writer.uint32((2 << 3) | 2).bytes(value);
    writer.ldelim();
  }
  if (secret.type) writer.uint32((3 << 3) | 2).string(secret.type);
  for (const [key, value] of Object.entries(secret.stringData ?? {})) {
    writer.uint32((4 << 3) | 2).fork();
    writer.uint32((1 << 3) | 2).string(key);
    writer.uint32((2 << 3) | 2).string(value);
    writer.ldelim();
  }
  return writer.finish();
}

/** Decodes a v1.Secret message (the fields of ProtobufSecret). */
export function decodeProtobufSecret(raw: Uint8Array): ProtobufSecret {
  const out: ProtobufSecret = {};
  forEachField(raw, (field, reader, wireType) => {
    if (field === 1 && wireType === 2) {
      forEachField(reader.bytes(), (metaField, metaReader, metaWire) => {
        if (metaField === 1 && metaWire === 2) out.name = metaReader.string();
        else if (metaField === 3 && metaWire === 2) out.namespace = metaReader.string();
        else if (metaField === 12 && metaWire === 2) {
          const [key, value] = mapEntry(metaReader.bytes());
          out.annotations ??= {};
          out.annotations[key] = Buffer.from(value).toString('utf8');
        } else metaReader.skipType(metaWire);
      });
    } else if ((field === 2 || field === 4) && wireType === 2) {
      const [key, value] = mapEntry(reader.bytes());
      if (field === 2) {
        out.data ??= {};
        out.data[key] = value;
      } else {
        out.stringData ??= {};
        out.stringData[key] = Buffer.from(value).toString('utf8');
      }
    } else if (field === 3 && wireType === 2) out.type = reader.string();
    else reader.skipType(wireType);
  });
  return out;
}

function mapEntry(bytes: Uint8Array): [string, Uint8Array] {
  let key = '';
  let value: Uint8Array = new Uint8Array();
  forEachField(bytes, (field, reader, wireType) => {
    if (field === 1 && wireType === 2) key = reader.string();
    else if (field === 2 && wireType === 2) value = reader.bytes();
    else reader.skipType(wireType);
  });
  return [key, value];
}

/** Calls `visit` for every field of a message (`start`: where its tag begins); `visit` must consume the value. */
function forEachField(
  bytes: Uint8Array,
  visit: (field: number, reader: protobuf.Reader, wireType: number, start: number) => void,
): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0 || wireType === 6 || wireType === 7) throw new Error(`bad protobuf tag ${tag}`);
    visit(field, reader, wireType, start);
    if (reader.pos > reader.len) throw new Error('protobuf message ends inside a field');
  }
}

export interface ProtobufRedaction {
  /** The body to record. */
  body: Uint8Array;
  /** True when Secret values were replaced. */
  redacted: boolean;
}

/**
 * Rewrites the `raw` of a Secret envelope: every `data` value becomes
 * `[REDACTED]` (bytes), every `stringData` value `[REDACTED]`, and the
 * annotations go through `redactAnnotation` (the last-applied manifest).
 * Unknown fields are copied. Throws when the bytes are not a Secret message.
 */
export function redactProtobufSecret(
  envelope: KubeProtobufEnvelope,
  redactAnnotation: (key: string, value: string) => string,
  marker: string,
): ProtobufRedaction {
  const raw = redactSecretMessage(envelope.raw, redactAnnotation, marker);
  return { body: encodeKubeProtobuf({ ...envelope, raw }), redacted: true };
}

function redactSecretMessage(
  raw: Uint8Array,
  redactAnnotation: (key: string, value: string) => string,
  marker: string,
): Uint8Array {
  const parts: Uint8Array[] = [];
  forEachField(raw, (field, reader, wireType, start) => {
    if (field === 1 && wireType === 2) {
      const meta = redactObjectMeta(reader.bytes(), redactAnnotation);
      parts.push(
        protobuf.Writer.create()
          .uint32((1 << 3) | 2)
          .bytes(meta)
          .finish(),
      );
    } else if ((field === 2 || field === 4) && wireType === 2) {
      const [key] = mapEntry(reader.bytes());
      parts.push(encodeMapEntry(field, key, Buffer.from(marker, 'utf8')));
    } else {
      reader.skipType(wireType);
      parts.push(raw.subarray(start, reader.pos));
    }
  });
  return Buffer.concat(parts);
}

function redactObjectMeta(
  meta: Uint8Array,
  redactAnnotation: (key: string, value: string) => string,
): Uint8Array {
  const parts: Uint8Array[] = [];
  forEachField(meta, (field, reader, wireType, start) => {
    if (field === 12 && wireType === 2) {
      const [key, value] = mapEntry(reader.bytes());
      const replaced = redactAnnotation(key, Buffer.from(value).toString('utf8'));
      parts.push(encodeMapEntry(12, key, Buffer.from(replaced, 'utf8')));
    } else {
      reader.skipType(wireType);
      parts.push(meta.subarray(start, reader.pos));
    }
  });
  return Buffer.concat(parts);
}

function encodeMapEntry(field: number, key: string, value: Uint8Array): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32((field << 3) | 2).fork();
  writer.uint32((1 << 3) | 2).string(key);
  writer.uint32((2 << 3) | 2).bytes(value);
  writer.ldelim();
  return writer.finish();
}

/** A metav1.Status, as the fields a watch ERROR event carries. */
export interface KubeStatusFields {
  code: number;
  reason: string;
  message: string;
}

/**
 * One frame of a protobuf watch stream (`;stream=watch`): a 4-byte big-endian
 * length, then a metav1.WatchEvent {type 1, object 2: RawExtension {raw 1}}
 * whose raw is the envelope of a metav1.Status {status 2, message 3, reason 4, code 6}.
 */
export function encodeWatchErrorFrame(status: KubeStatusFields): Uint8Array {
  const statusMessage = protobuf.Writer.create();
  statusMessage.uint32((1 << 3) | 2).bytes(new Uint8Array());
  statusMessage.uint32((2 << 3) | 2).string('Failure');
  statusMessage.uint32((3 << 3) | 2).string(status.message);
  statusMessage.uint32((4 << 3) | 2).string(status.reason);
  statusMessage.uint32(6 << 3).int32(status.code);
  const raw = encodeKubeProtobuf({ apiVersion: 'v1', kind: 'Status', raw: statusMessage.finish() });
  const event = protobuf.Writer.create();
  event.uint32((1 << 3) | 2).string('ERROR');
  event.uint32((2 << 3) | 2).fork();
  event.uint32((1 << 3) | 2).bytes(raw);
  event.ldelim();
  const body = event.finish();
  const frame = new Uint8Array(4 + body.byteLength);
  new DataView(frame.buffer).setUint32(0, body.byteLength);
  frame.set(body, 4);
  return frame;
}

/** Reads the frames of a protobuf watch stream: `{ type, object }` with the object's envelope decoded. */
export function decodeWatchFrames(stream: Uint8Array): Array<{ type: string; object: KubeProtobufEnvelope }> {
  const out: Array<{ type: string; object: KubeProtobufEnvelope }> = [];
  let offset = 0;
  while (offset + 4 <= stream.byteLength) {
    const length = new DataView(stream.buffer, stream.byteOffset + offset, 4).getUint32(0);
    const body = stream.subarray(offset + 4, offset + 4 + length);
    if (body.byteLength < length) break;
    let type = '';
    let raw: Uint8Array = new Uint8Array();
    forEachField(body, (field, reader, wireType) => {
      if (field === 1 && wireType === 2) type = reader.string();
      else if (field === 2 && wireType === 2) {
        forEachField(reader.bytes(), (inner, innerReader, innerWire) => {
          if (inner === 1 && innerWire === 2) raw = innerReader.bytes();
          else innerReader.skipType(innerWire);
        });
      } else reader.skipType(wireType);
    });
    out.push({ type, object: decodeKubeProtobuf(raw) });
    offset += 4 + length;
  }
  return out;
}

/** The fields of a metav1.Status message (the `raw` of its envelope). */
export function decodeStatus(raw: Uint8Array): KubeStatusFields & { status: string } {
  const out = { status: '', message: '', reason: '', code: 0 };
  forEachField(raw, (field, reader, wireType) => {
    if (field === 2 && wireType === 2) out.status = reader.string();
    else if (field === 3 && wireType === 2) out.message = reader.string();
    else if (field === 4 && wireType === 2) out.reason = reader.string();
    else if (field === 6 && wireType === 0) out.code = reader.int32();
    else reader.skipType(wireType);
  });
  return out;
}

/** Where a protobuf watch stream is: between frames or inside one. */
export interface WatchFrameTracker {
  feed(chunk: Uint8Array): boolean;
}

/**
 * Follows a stream of 4-byte big-endian length-prefixed frames (a protobuf
 * watch); `feed` returns true when the bytes so far end a frame. Pure.
 */
export function watchFrameTracker(): WatchFrameTracker {
  let header = 0;
  let headerBytes = 0;
  let remaining = 0;
  return {
    feed(chunk) {
      let i = 0;
      while (i < chunk.byteLength) {
        if (remaining > 0) {
          const take = Math.min(remaining, chunk.byteLength - i);
          remaining -= take;
          i += take;
          continue;
        }
        header = header * 256 + chunk[i++]!;
        if (++headerBytes === 4) {
          remaining = header;
          header = 0;
          headerBytes = 0;
        }
      }
      return remaining === 0 && headerBytes === 0;
    },
  };
}
