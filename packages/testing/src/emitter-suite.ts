import { strict as assert } from 'node:assert';
import type { MetadataEmitter, MetadataEvent, MetadataEventType } from '@tapline/core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { arbMetadataEvent } from './arbitraries.js';

export type EmitterCheckName =
  | 'round-trip'
  | 'order-per-session'
  | 'concurrent-emits'
  | 'no-mutation'
  | 'arbitrary-events'
  | 'emit-after-close';

export interface EmitterSuiteOptions {
  /** Shown in the describe() title. */
  name: string;
  /** A fresh emitter for each check. */
  factory: () => Promise<MetadataEmitter> | MetadataEmitter;
  /**
   * Every event the receiving side got since the last call (duplicates
   * allowed: delivery is at least once), in arrival order. Called after
   * `close()` resolved.
   */
  readBack: () => Promise<MetadataEvent[]>;
  /** Called after each check. */
  cleanup?: () => Promise<void> | void;
  /** Checks to skip, each with the reason shown in the report. */
  skip?: Partial<Record<EmitterCheckName, string>>;
  /** Per-check timeout for vitest. @default 60000 */
  timeoutMs?: number;
}

const TYPES: MetadataEventType[] = [
  'session.started',
  'recording.delivered',
  'session.ended',
  'recording.failed',
  'recording.chain_head',
];

/** A plausible event; sequence numbers are per session. */
export function makeMetadataEvent(
  sessionId: string,
  sequence: number,
  data: Record<string, unknown> = {},
): MetadataEvent {
  return {
    version: 1,
    id: crypto.randomUUID(),
    type: TYPES[sequence % TYPES.length]!,
    time: new Date(Date.UTC(2026, 2, 3, 9, 12, 0) + sequence * 1000).toISOString(),
    sessionId,
    sequence,
    data: {
      userId: 'user-42',
      accessRequestId: 'ar-7',
      resource: { id: 'res-1', type: 'ssh_server', name: 'bastion-1' },
      counts: { commands: sequence, bytes: sequence * 1024 },
      note: 'ünïcödé ✓ "quoted" \\ back\nslash',
      ...data,
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/**
 * Checks what a receiver got against what was emitted: every id present,
 * every copy equal to the emitted event (as JSON), first arrivals in order per
 * session.
 */
export function assertDelivered(
  emitted: readonly MetadataEvent[],
  received: readonly MetadataEvent[],
  what: string,
): void {
  const byId = new Map<string, MetadataEvent>();
  for (const event of emitted) byId.set(event.id, event);
  const firstArrival = new Map<string, number>();
  received.forEach((event, position) => {
    const original = byId.get(event.id);
    assert.ok(original, `${what}: received an event that was never emitted (id ${String(event.id)})`);
    assert.deepStrictEqual(
      JSON.parse(JSON.stringify(event)),
      JSON.parse(JSON.stringify(original)),
      `${what}: event ${event.id} arrived changed`,
    );
    if (!firstArrival.has(event.id)) firstArrival.set(event.id, position);
  });
  const missing = emitted.filter((event) => !firstArrival.has(event.id));
  assert.equal(missing.length, 0, `${what}: ${missing.length} of ${emitted.length} events never arrived`);
  const sessions = new Map<string, MetadataEvent[]>();
  for (const event of emitted) {
    const list = sessions.get(event.sessionId) ?? [];
    list.push(event);
    sessions.set(event.sessionId, list);
  }
  for (const [sessionId, list] of sessions) {
    const arrivalOrder = [...list].sort((a, b) => firstArrival.get(a.id)! - firstArrival.get(b.id)!);
    assert.deepStrictEqual(
      arrivalOrder.map((event) => event.id),
      list.map((event) => event.id),
      `${what}: events of session ${sessionId} arrived out of order`,
    );
  }
}

interface EmitterContext {
  options: EmitterSuiteOptions;
  newEmitter(): Promise<MetadataEmitter>;
}

const checks: Record<EmitterCheckName, (context: EmitterContext) => Promise<void>> = {
  async 'round-trip'(context) {
    const emitter = await context.newEmitter();
    const events = [0, 1, 2, 3].map((sequence) => makeMetadataEvent(crypto.randomUUID(), sequence));
    for (const event of events) await emitter.emit(event);
    await emitter.close();
    assertDelivered(events, await context.options.readBack(), 'round trip');
  },

  async 'order-per-session'(context) {
    const emitter = await context.newEmitter();
    const sessions = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const events: MetadataEvent[] = [];
    for (let sequence = 0; sequence < 8; sequence++) {
      for (const sessionId of sessions) events.push(makeMetadataEvent(sessionId, sequence));
    }
    for (const event of events) await emitter.emit(event);
    await emitter.close();
    assertDelivered(events, await context.options.readBack(), 'three interleaved sessions');
  },

  async 'concurrent-emits'(context) {
    // Emits called back to back without awaiting keep their call order per session.
    const emitter = await context.newEmitter();
    const sessionId = crypto.randomUUID();
    const events = Array.from({ length: 50 }, (_, sequence) => makeMetadataEvent(sessionId, sequence));
    await Promise.all(events.map((event) => emitter.emit(event)));
    await emitter.close();
    assertDelivered(events, await context.options.readBack(), '50 emits without awaiting');
  },

  async 'no-mutation'(context) {
    const emitter = await context.newEmitter();
    const events = [0, 1, 2].map((sequence) =>
      makeMetadataEvent(crypto.randomUUID(), sequence, { nested: { list: [1, 'two', { three: 3 }] } }),
    );
    const snapshots = events.map((event) => JSON.stringify(event));
    // Frozen: an emitter that writes into the event throws in strict mode.
    for (const event of events) await emitter.emit(deepFreeze(event));
    await emitter.close();
    events.forEach((event, i) => {
      assert.equal(JSON.stringify(event), snapshots[i], 'the emitter changed an emitted event');
    });
    assertDelivered(events, await context.options.readBack(), 'frozen events');
  },

  async 'arbitrary-events'(context) {
    const emitter = await context.newEmitter();
    const sessionId = crypto.randomUUID();
    const samples = fc.sample(arbMetadataEvent({ sessionId }), { numRuns: 40, seed: 4242 });
    const events = samples.map((event, sequence) => ({ ...event, sequence }));
    for (const event of events) await emitter.emit(event);
    await emitter.close();
    assertDelivered(events, await context.options.readBack(), 'fast-check events');
  },

  async 'emit-after-close'(context) {
    const emitter = await context.newEmitter();
    await emitter.close();
    await assert.rejects(
      emitter.emit(makeMetadataEvent(crypto.randomUUID(), 0)),
      'emit() after close() must reject, not drop the event silently',
    );
  },
};

export const emitterCheckNames: readonly EmitterCheckName[] = Object.keys(checks) as EmitterCheckName[];

/** Runs one emitter conformance check; rejects with an AssertionError that says what went wrong. */
export async function runEmitterCheck(name: EmitterCheckName, options: EmitterSuiteOptions): Promise<void> {
  await options.readBack(); // drain anything left from an earlier check
  try {
    await checks[name]({ options, newEmitter: async () => options.factory() });
  } finally {
    await options.cleanup?.();
  }
}

/** Declares the metadata emitter conformance suite as vitest tests. */
export function testMetadataEmitter(options: EmitterSuiteOptions): void {
  describe(`metadata emitter conformance: ${options.name}`, () => {
    for (const name of emitterCheckNames) {
      const reason = options.skip?.[name];
      it.skipIf(reason !== undefined)(
        reason ? `${name} (skipped: ${reason})` : name,
        () => runEmitterCheck(name, options),
        options.timeoutMs ?? 60_000,
      );
    }
  });
}
