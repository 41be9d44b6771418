import { type Channel, channel } from 'node:diagnostics_channel';

type ChannelName =
  | 'sessionStart'
  | 'sessionEnd'
  | 'segmentSpooled'
  | 'segmentDelivered'
  | 'sinkFailure'
  | 'recordingDelivered'
  | 'recovery'
  | 'quarantine'
  | 'metadataFailure';

/**
 * diagnostics_channel events, named `tapline:area:event`. Subscribers get
 * plain objects with ids and counts, never session content.
 */
export const channels: Readonly<Record<ChannelName, Channel>> = {
  sessionStart: channel('tapline:session:start'),
  sessionEnd: channel('tapline:session:end'),
  segmentSpooled: channel('tapline:segment:spooled'),
  segmentDelivered: channel('tapline:segment:delivered'),
  sinkFailure: channel('tapline:sink:failure'),
  recordingDelivered: channel('tapline:recording:delivered'),
  recovery: channel('tapline:spool:recovery'),
  quarantine: channel('tapline:spool:quarantine'),
  metadataFailure: channel('tapline:metadata:failure'),
};
