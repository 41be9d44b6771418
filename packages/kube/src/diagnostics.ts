// The diagnostics channels the kube proxy publishes on, with their payloads.
import type { TaplineError } from '@tapline/frames';
import type { KubeRefusal } from './proxy.js';

/** `tapline:kube:error` — an error that ended a request or stream (also `onEvent`, type `error`). */
export interface KubeErrorMessage {
  error: TaplineError;
}

/**
 * The payload of each `tapline:kube:*` diagnostics channel. Importing
 * `@tapline/kube` adds these to `@tapline/core`'s `TaplineChannelMessages`,
 * so `subscribeTapline('tapline:kube:refused', …)` is typed.
 */
export interface KubeChannelMessages {
  /** A request or connection refused before it reached the API server (also `onEvent`, type `refused`). */
  'tapline:kube:refused': KubeRefusal;
  'tapline:kube:error': KubeErrorMessage;
}

declare module '@tapline/core' {
  interface TaplineChannelMessages extends KubeChannelMessages {}
}
