// One pass over a recording → the report `tapline inspect` prints: who, what,
// when, how it ended, whether the recording is whole, and the timeline.
import { type KeyWrapper, tapline, type VerifyFailure } from '@tapline/frames';
import { bodyOf } from './bodies.js';
import { frameEvent, type SessionEndEvent, type TimelineEvent } from './events.js';
import { readRecordingFrames } from './read.js';
import type { RecordingManifest } from './source.js';

export interface StreamSummary {
  streamId: number;
  kind: string | number;
  details: Record<string, string>;
  cols: number;
  rows: number;
  contentRecorded: boolean;
  openedOffsetNs: number;
  closedOffsetNs: number | null;
  exitStatus: number | null;
  exitSignal: string | null;
  bytesClientToTarget: number;
  bytesTargetToClient: number;
}

export interface Totals {
  /** `session_end`: as the recorder counted them; `recorded`: counted from the frames (no SessionEnd). */
  source: 'session_end' | 'recorded';
  bytesClientToTarget: number;
  bytesTargetToClient: number;
  commands: number;
  queries: number;
  apiCalls: number;
  fileOperations: number;
  streams: number;
  bytesNotRecorded: number;
}

export interface InspectReport {
  location: string;
  sessionId: string | null;
  protocol: string | null;
  user: { id: string; name: string | null; email: string | null } | null;
  approvers: Array<{ id: string; name: string | null; email: string | null; approvedAt: string | null }>;
  accessFlow: { id: string; name: string | null } | null;
  accessRequestId: string | null;
  accessRequestStatus: string | null;
  resource: { id: string; type: string | null; name: string | null; integration: string | null } | null;
  permissions: string[];
  clientAddress: string | null;
  target: string | null;
  labels: Record<string, string>;
  expiresAt: string | null;
  startedAt: string | null;
  /** Null when the recording has no SessionEnd. */
  endedAt: string | null;
  /** To the SessionEnd, or to the last frame of an incomplete recording. */
  durationMs: number;
  endReason: string | number | null;
  endDetail: string | null;
  endErrorCode: string | null;
  recording: {
    /** Intact and ends with the end marker. */
    complete: boolean;
    /** No damage in what is there. */
    intact: boolean;
    /** The first damage, or TAPLINE_ERR_INCOMPLETE. */
    error: VerifyFailure | null;
    /** Why it is incomplete, when known (manifest, or the recorder's note). */
    incompleteReason: string | null;
    segments: number;
    frames: number;
    bytes: number;
    encrypted: boolean;
    chainHash: string | null;
    /** From the manifest; `tapline verify --public-key` checks it. */
    signature: { algorithm: string; keyId: string } | null;
  };
  totals: Totals;
  streams: StreamSummary[];
  /** Every frame but Data, in order (empty when not asked for), up to MAX_TIMELINE_EVENTS. */
  timeline: TimelineEvent[];
  /** Events past MAX_TIMELINE_EVENTS, counted but not kept. */
  timelineOmitted: number;
}

/**
 * A recording is untrusted, and a forged one can hold millions of events:
 * `inspect` keeps this many in its report (`export --format jsonl` streams
 * every one of them in constant memory).
 */
export const MAX_TIMELINE_EVENTS = 50_000;
/** Streams summarized one by one; further streams are only counted. */
export const MAX_STREAM_SUMMARIES = 10_000;

export interface InspectOptions {
  keyWrapper?: KeyWrapper;
  manifest?: RecordingManifest | undefined;
  /** Collect the timeline. @default true */
  timeline?: boolean;
}

/** Reads a whole recording and summarizes it. Damage stops the read; the report says where. */
export async function inspectRecording(
  location: string,
  bytes: AsyncIterable<Uint8Array>,
  options: InspectOptions = {},
): Promise<InspectReport> {
  const pass = readRecordingFrames(bytes, options.keyWrapper ? { keyWrapper: options.keyWrapper } : {});
  const wantTimeline = options.timeline ?? true;
  const report: InspectReport = {
    location,
    sessionId: null,
    protocol: null,
    user: null,
    approvers: [],
    accessFlow: null,
    accessRequestId: null,
    accessRequestStatus: null,
    resource: null,
    permissions: [],
    clientAddress: null,
    target: null,
    labels: {},
    expiresAt: null,
    startedAt: null,
    endedAt: null,
    durationMs: 0,
    endReason: null,
    endDetail: null,
    endErrorCode: null,
    recording: {
      complete: false,
      intact: false,
      error: null,
      incompleteReason: null,
      segments: 0,
      frames: 0,
      bytes: 0,
      encrypted: false,
      chainHash: null,
      signature: null,
    },
    totals: {
      source: 'recorded',
      bytesClientToTarget: 0,
      bytesTargetToClient: 0,
      commands: 0,
      queries: 0,
      apiCalls: 0,
      fileOperations: 0,
      streams: 0,
      bytesNotRecorded: 0,
    },
    streams: [],
    timeline: [],
    timelineOmitted: 0,
  };
  const streams = new Map<number, StreamSummary>();
  const counted = report.totals;
  let startedAtMs: number | undefined;
  let lastOffsetNs = 0;
  let lastAnnotationCode: string | null = null;
  let sessionEnd: SessionEndEvent | undefined;

  for await (const frame of pass.frames) {
    lastOffsetNs = frame.offsetNs;
    if (frame.body === 'data') {
      // The hot case: no event object, just the counts.
      const data = bodyOf(frame, 'data')!;
      const stream = streams.get(data.streamId);
      if (data.direction === tapline.v1.Direction.DIRECTION_CLIENT_TO_TARGET) {
        counted.bytesClientToTarget += data.bytes.length;
        if (stream) stream.bytesClientToTarget += data.bytes.length;
      } else {
        counted.bytesTargetToClient += data.bytes.length;
        if (stream) stream.bytesTargetToClient += data.bytes.length;
      }
      continue;
    }
    // Past the timeline cap an event object is made only for the frames the
    // summary reads it from, so a recording of millions of events stays cheap.
    let made: TimelineEvent | undefined;
    const eventOf = (): TimelineEvent => {
      made ??= frameEvent(frame, { startedAtMs });
      return made;
    };
    if (wantTimeline) {
      if (report.timeline.length < MAX_TIMELINE_EVENTS) report.timeline.push(eventOf());
      else report.timelineOmitted++;
    }
    switch (frame.body) {
      case 'sessionStart': {
        const event = eventOf();
        if (event.type !== 'session_start') break;
        startedAtMs = bodyOf(frame, 'sessionStart')!.startedAtUnixMs;
        report.sessionId = event.sessionId;
        report.protocol = event.protocol;
        report.user = event.user;
        report.approvers = event.approvers;
        report.accessFlow = event.accessFlow;
        report.accessRequestId = event.accessRequestId;
        report.accessRequestStatus = event.accessRequestStatus;
        report.resource = event.resource;
        report.permissions = event.permissions;
        report.clientAddress = event.clientAddress;
        report.target = event.target;
        report.labels = event.labels;
        report.expiresAt = event.expiresAt;
        report.startedAt = event.startedAt;
        break;
      }
      case 'sessionEnd': {
        const event = eventOf();
        if (event.type === 'session_end') sessionEnd = event;
        break;
      }
      case 'streamOpen': {
        const event = eventOf();
        if (event.type !== 'stream_open') break;
        counted.streams++;
        const open = bodyOf(frame, 'streamOpen')!;
        if (streams.size >= MAX_STREAM_SUMMARIES && !streams.has(open.streamId)) break;
        streams.set(open.streamId, {
          streamId: open.streamId,
          kind: event.kind,
          details: event.details,
          cols: open.cols,
          rows: open.rows,
          contentRecorded: open.contentRecorded,
          openedOffsetNs: frame.offsetNs,
          closedOffsetNs: null,
          exitStatus: null,
          exitSignal: null,
          bytesClientToTarget: 0,
          bytesTargetToClient: 0,
        });
        break;
      }
      case 'streamClose': {
        const close = bodyOf(frame, 'streamClose')!;
        const stream = streams.get(close.streamId);
        if (stream) {
          stream.closedOffsetNs = frame.offsetNs;
          stream.exitStatus = close.exitStatus ?? null;
          stream.exitSignal = close.exitSignal || null;
          // The close frame counts what passed, recorded or not (forwards are only counted).
          if (!stream.contentRecorded) {
            counted.bytesClientToTarget += close.bytesClientToTarget;
            counted.bytesTargetToClient += close.bytesTargetToClient;
          }
          stream.bytesClientToTarget = Math.max(stream.bytesClientToTarget, close.bytesClientToTarget);
          stream.bytesTargetToClient = Math.max(stream.bytesTargetToClient, close.bytesTargetToClient);
        }
        break;
      }
      case 'command':
        counted.commands++;
        break;
      case 'query':
        counted.queries++;
        break;
      case 'apiCall':
        counted.apiCalls++;
        break;
      case 'fileOperation':
        counted.fileOperations++;
        break;
      case 'annotation':
        counted.bytesNotRecorded += bodyOf(frame, 'annotation')!.bytesNotRecorded;
        if (bodyOf(frame, 'annotation')!.code) lastAnnotationCode = bodyOf(frame, 'annotation')!.code;
        break;
    }
  }

  const state = pass.state;
  report.streams = [...streams.values()];
  if (report.sessionId === null && state.sessionId !== undefined) report.sessionId = state.sessionId;
  if (sessionEnd) {
    report.endedAt = sessionEnd.time;
    report.endReason = sessionEnd.reason;
    report.endDetail = sessionEnd.detail;
    report.endErrorCode = sessionEnd.errorCode;
    report.totals = {
      source: 'session_end',
      bytesClientToTarget: sessionEnd.bytesClientToTarget,
      bytesTargetToClient: sessionEnd.bytesTargetToClient,
      commands: sessionEnd.commands,
      queries: sessionEnd.queries,
      apiCalls: sessionEnd.apiCalls,
      fileOperations: sessionEnd.fileOperations,
      streams: sessionEnd.streams,
      bytesNotRecorded: sessionEnd.bytesNotRecorded,
    };
  }
  report.durationMs = Math.round((sessionEnd?.offsetNs ?? lastOffsetNs) / 1e6);
  const error = state.error ?? null;
  report.recording = {
    complete: error === null,
    intact: error === null || error.code === 'TAPLINE_ERR_INCOMPLETE',
    error,
    incompleteReason:
      error?.code === 'TAPLINE_ERR_INCOMPLETE'
        ? (options.manifest?.incompleteReason ?? (sessionEnd ? null : lastAnnotationCode))
        : null,
    segments: state.segments,
    frames: state.frames,
    bytes: state.bytes,
    encrypted: state.encrypted,
    chainHash: state.chainHash ?? null,
    signature: options.manifest?.signature
      ? { algorithm: options.manifest.signature.algorithm, keyId: options.manifest.signature.keyId }
      : null,
  };
  return report;
}
