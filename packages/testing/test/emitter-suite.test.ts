import type { MetadataEmitter, MetadataEvent } from '@tapline/core';
import { describe, expect, it } from 'vitest';
import {
  createMemoryMetadataEmitter,
  type EmitterCheckName,
  type EmitterSuiteOptions,
  runEmitterCheck,
  testMetadataEmitter,
} from '../src/index.js';

function memoryOptions(
  wrap: (emitter: ReturnType<typeof createMemoryMetadataEmitter>) => MetadataEmitter = (e) => e,
) {
  let current = createMemoryMetadataEmitter();
  const options: EmitterSuiteOptions = {
    name: 'memory',
    factory: () => {
      current = createMemoryMetadataEmitter();
      return wrap(current);
    },
    readBack: async () => current.drain(),
  };
  return options;
}

testMetadataEmitter(memoryOptions());

const controls: Array<{
  check: EmitterCheckName;
  defect: string;
  wrap: (emitter: ReturnType<typeof createMemoryMetadataEmitter>) => MetadataEmitter;
}> = [
  {
    check: 'round-trip',
    defect: 'loses the last event',
    wrap: (emitter) => {
      let held: MetadataEvent | undefined;
      return {
        name: 'broken',
        emit: async (event) => {
          if (held) await emitter.emit(held);
          held = event;
        },
        close: () => emitter.close(),
      };
    },
  },
  {
    check: 'round-trip',
    defect: 'replaces the idempotency id',
    wrap: (emitter) => ({
      name: 'broken',
      emit: (event) => emitter.emit({ ...event, id: crypto.randomUUID() }),
      close: () => emitter.close(),
    }),
  },
  {
    check: 'order-per-session',
    defect: 'delivers each batch newest first',
    wrap: (emitter) => {
      const batch: MetadataEvent[] = [];
      return {
        name: 'broken',
        emit: async (event) => {
          batch.push(event);
        },
        close: async () => {
          for (const event of batch.reverse()) await emitter.emit(event);
          await emitter.close();
        },
      };
    },
  },
  {
    check: 'concurrent-emits',
    defect: 'lets concurrent emits overtake each other',
    wrap: (emitter) => {
      let n = 0;
      return {
        name: 'broken',
        emit: async (event) => {
          const delay = n++ % 2 === 0 ? 5 : 0;
          await new Promise((resolve) => setTimeout(resolve, delay));
          await emitter.emit(event);
        },
        close: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          await emitter.close();
        },
      };
    },
  },
  {
    check: 'no-mutation',
    defect: 'stamps the event it was given',
    wrap: (emitter) => ({
      name: 'broken',
      emit: (event) => {
        (event as { data: Record<string, unknown> }).data.emittedBy = 'broken';
        return emitter.emit(event);
      },
      close: () => emitter.close(),
    }),
  },
  {
    check: 'arbitrary-events',
    defect: 'drops keys whose value is null',
    wrap: (emitter) => ({
      name: 'broken',
      emit: (event) =>
        emitter.emit({
          ...event,
          data: Object.fromEntries(Object.entries(event.data).filter(([, v]) => v !== null)),
        }),
      close: () => emitter.close(),
    }),
  },
  {
    check: 'emit-after-close',
    defect: 'silently drops events after close',
    wrap: (emitter) => {
      let closed = false;
      return {
        name: 'broken',
        emit: async (event) => {
          if (!closed) await emitter.emit(event);
        },
        close: async () => {
          closed = true;
          await emitter.close();
        },
      };
    },
  },
];

describe('broken emitters fail the suite', () => {
  for (const control of controls) {
    it(`${control.check}: an emitter that ${control.defect}`, async () => {
      await expect(runEmitterCheck(control.check, memoryOptions(control.wrap))).rejects.toThrow();
    });
  }
});
