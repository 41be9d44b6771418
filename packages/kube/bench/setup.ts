// What the kube benchmark's proxies are made of, in the bench process and in
// a proxy process alike: the recorder kinds and a connector-like policy.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  Direction,
  EndReasonName,
  RecordedSession,
  SessionContext,
  SessionSummary,
} from '@tapline/core';
import { createFileSink, createRecorder } from '@tapline/core';
import type { KubeProxyOptions, KubeRecorder } from '../src/index.js';
import { MemoryRecorder } from '../test/memory-recorder.js';

export type BenchRecorderKind = 'null' | 'memory' | 'file';

/** Counts what it is given and keeps nothing: the proxy's own cost, not the recorder's. */
class NullSession implements RecordedSession {
  readonly sessionId = 'bench';
  readonly context: SessionContext;
  readonly signal = new AbortController().signal;
  bytes = 0;
  calls = 0;
  private next = 1;
  private readonly started = process.hrtime.bigint();
  constructor(context: SessionContext) {
    this.context = context;
  }
  now(): number {
    return Number(process.hrtime.bigint() - this.started);
  }
  openStream(): number {
    return this.next++;
  }
  closeStream(): void {}
  data(_streamId: number, _direction: Direction, bytes: Uint8Array): void {
    this.bytes += bytes.byteLength;
  }
  resize(): void {}
  command(): void {}
  query(): void {}
  apiCall(): void {
    this.calls++;
  }
  fileOperation(): void {}
  annotation(): void {}
  async end(reason: EndReasonName): Promise<SessionSummary> {
    return {
      sessionId: this.sessionId,
      reason,
      frames: 0,
      bytesClientToTarget: 0,
      bytesTargetToClient: this.bytes,
      commands: 0,
      queries: 0,
      apiCalls: this.calls,
      fileOperations: 0,
      streams: 0,
      bytesNotRecorded: 0,
      durationNs: this.now(),
    };
  }
}

export function makeRecorder(kind: BenchRecorderKind): KubeRecorder & { close?: () => Promise<void> } {
  if (kind === 'null') return { start: async (context) => new NullSession(context) };
  if (kind === 'file') {
    const recorder = createRecorder({
      spool: { directory: mkdtempSync(join(tmpdir(), 'tapline-kube-bench-spool-')) },
      sinks: [createFileSink({ directory: mkdtempSync(join(tmpdir(), 'tapline-kube-bench-out-')) })],
    });
    return { start: (context) => recorder.start(context), close: () => recorder.close() };
  }
  return new MemoryRecorder();
}

/** A policy as a connector would write one: a few field checks and regexes, then allow. */
export const benchPolicy: NonNullable<KubeProxyOptions['policy']> = (action) => {
  if (action.verb === 'delete' && action.resource === 'namespaces' && /^prod-/.test(action.name ?? ''))
    return { allow: false, message: 'deleting prod namespaces is not allowed', rule: 'no-prod-ns-delete' };
  if (action.subresource === 'exec' && /\brm\s+-rf\b/.test(action.command ?? ''))
    return { allow: false, message: 'rm -rf in pods is not allowed', rule: 'no-rm-rf' };
  if (action.namespace === 'kube-system' && action.verb !== 'get' && action.verb !== 'list')
    return { allow: false, message: 'kube-system is read-only' };
  return { allow: true };
};
