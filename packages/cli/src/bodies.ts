import type { DecodedFrame, tapline } from '@tapline/frames';

/**
 * The bodies of a decoded frame. The reader decodes whole messages (every
 * field set or defaulted), but the generated types describe them as
 * `$Properties` with every field optional; this states what they are.
 */
export interface Bodies {
  data: tapline.v1.Data;
  resize: tapline.v1.Resize;
  sessionStart: tapline.v1.SessionStart;
  sessionEnd: tapline.v1.SessionEnd;
  streamOpen: tapline.v1.StreamOpen;
  streamClose: tapline.v1.StreamClose;
  command: tapline.v1.Command;
  query: tapline.v1.Query;
  apiCall: tapline.v1.ApiCall;
  fileOperation: tapline.v1.FileOperation;
  annotation: tapline.v1.Annotation;
}

/** The frame's body when it is of that kind. */
export function bodyOf<K extends keyof Bodies>(frame: DecodedFrame, name: K): Bodies[K] | undefined {
  return frame.body === name ? (frame[name] as Bodies[K]) : undefined;
}
