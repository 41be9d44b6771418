import { type Channel, channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { DeliveryReceipt, EndReasonName } from './contracts.js';
import type { DeliveryFailure } from './delivery.js';
import type { QuarantineEntry } from './spool.js';

// The payload of every channel Tapline publishes on (docs/operating.md,
// "Diagnostics channels"). Plain objects with ids, counts and codes, never
// session content.

/** `tapline:session:start` — a recording started. */
export interface SessionStartMessage {
  sessionId: string;
  /** "ssh", "kubernetes", … (the grant's `protocol`). */
  protocol: string;
  /** The granted user's id. */
  userId: string;
}

/** `tapline:session:end` — a recording ended and its last segment is spooled. */
export interface SessionEndMessage {
  sessionId: string;
  reason: EndReasonName;
  /** False when the recording has a gap (a segment the spool refused). */
  complete: boolean;
  /** Frames recorded. */
  frames: number;
}

/** `tapline:segment:spooled` — a segment is durable in the spool. */
export interface SegmentSpooledMessage {
  sessionId: string;
  segmentIndex: number;
  /** The segment's size on disk. */
  bytes: number;
}

/** `tapline:segment:delivered` — a sink took a segment. */
export interface SegmentDeliveredMessage {
  sessionId: string;
  /** The sink's `name`. */
  sink: string;
  segmentIndex: number;
}

/** `tapline:sink:failure` — a delivery attempt failed (it is retried when `willRetry`). */
export interface SinkFailureMessage extends DeliveryFailure {
  sessionId: string;
}

/** `tapline:recording:delivered` — a sink has the whole recording. */
export interface RecordingDeliveredMessage {
  sessionId: string;
  sink: string;
  receipt: DeliveryReceipt;
}

/** `tapline:spool:recovery` — `recorder.recover()` finished a recording a crash left in the spool. */
export interface SpoolRecoveryMessage {
  sessionId: string;
  /** Whole segments recovered. */
  segments: number;
  /** Whether the recording had its end (false: ended by recovery, `recorder_crashed`). */
  complete: boolean;
}

/** `tapline:spool:quarantine` — spool content that could not be read was moved aside. */
export type SpoolQuarantineMessage = QuarantineEntry;

/** `tapline:metadata:failure` — a metadata emitter rejected an event. */
export interface MetadataFailureMessage {
  /** The emitter's `name`. */
  emitter: string;
  /** The metadata event's `id`. */
  eventId: string;
  code: string;
}

/** The channels `@tapline/core` publishes on, by name, with their payload types. */
export interface CoreChannelMessages {
  'tapline:session:start': SessionStartMessage;
  'tapline:session:end': SessionEndMessage;
  'tapline:segment:spooled': SegmentSpooledMessage;
  'tapline:segment:delivered': SegmentDeliveredMessage;
  'tapline:sink:failure': SinkFailureMessage;
  'tapline:recording:delivered': RecordingDeliveredMessage;
  'tapline:spool:recovery': SpoolRecoveryMessage;
  'tapline:spool:quarantine': SpoolQuarantineMessage;
  'tapline:metadata:failure': MetadataFailureMessage;
}

/**
 * Every Tapline diagnostics channel, by name, with its payload type: core's,
 * and those `@tapline/ssh` and `@tapline/kube` add (`tapline:ssh:*`,
 * `tapline:kube:*`) to this interface when imported.
 */
export interface TaplineChannelMessages extends CoreChannelMessages {}

export type TaplineChannelName = keyof TaplineChannelMessages;

/** A listener for one channel: the payload typed, and the channel's name. */
export type TaplineChannelListener<T> = (message: T, name: string | symbol) => void;

/** A `node:diagnostics_channel` Channel whose messages are `T`. */
export type TaplineChannel<T> = Omit<Channel, 'publish' | 'subscribe' | 'unsubscribe'> & {
  publish(message: T): void;
  subscribe(listener: TaplineChannelListener<T>): void;
  unsubscribe(listener: TaplineChannelListener<T>): boolean;
};

function typed<N extends keyof CoreChannelMessages>(name: N): TaplineChannel<CoreChannelMessages[N]> {
  return channel(name) as TaplineChannel<CoreChannelMessages[N]>;
}

/** The channels `@tapline/core` publishes on, by short name. */
export interface CoreChannels {
  sessionStart: TaplineChannel<SessionStartMessage>;
  sessionEnd: TaplineChannel<SessionEndMessage>;
  segmentSpooled: TaplineChannel<SegmentSpooledMessage>;
  segmentDelivered: TaplineChannel<SegmentDeliveredMessage>;
  sinkFailure: TaplineChannel<SinkFailureMessage>;
  recordingDelivered: TaplineChannel<RecordingDeliveredMessage>;
  recovery: TaplineChannel<SpoolRecoveryMessage>;
  quarantine: TaplineChannel<SpoolQuarantineMessage>;
  metadataFailure: TaplineChannel<MetadataFailureMessage>;
}

/**
 * diagnostics_channel events, named `tapline:area:event`. Subscribers get
 * plain objects with ids and counts, never session content.
 */
export const channels: Readonly<CoreChannels> = {
  sessionStart: typed('tapline:session:start'),
  sessionEnd: typed('tapline:session:end'),
  segmentSpooled: typed('tapline:segment:spooled'),
  segmentDelivered: typed('tapline:segment:delivered'),
  sinkFailure: typed('tapline:sink:failure'),
  recordingDelivered: typed('tapline:recording:delivered'),
  recovery: typed('tapline:spool:recovery'),
  quarantine: typed('tapline:spool:quarantine'),
  metadataFailure: typed('tapline:metadata:failure'),
};

/**
 * Subscribes to one Tapline channel with its payload typed (the `tapline:ssh:*`
 * and `tapline:kube:*` names too, once `@tapline/ssh` / `@tapline/kube` are
 * imported). Returns the function that unsubscribes.
 *
 * @example
 * const stop = subscribeTapline('tapline:session:start', (message) => log(message.sessionId, message.userId));
 */
export function subscribeTapline<N extends TaplineChannelName>(
  name: N,
  listener: TaplineChannelListener<TaplineChannelMessages[N]>,
): () => void {
  const untyped = listener as (message: unknown, name: string | symbol) => void;
  subscribe(name, untyped);
  return () => {
    unsubscribe(name, untyped);
  };
}
