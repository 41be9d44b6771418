// Names renamed by docs/conventions.md keep working for one minor version,
// each with one DeprecationWarning naming the replacement.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createJsonlMetadataEmitter, createRecorder } from '../src/index.js';
import { grant, readEvents, tempDirectory } from './helpers.js';

describe('renamed options', () => {
  it('createRecorder({ delivery }) and a boolean JSONL fsync still work, warning once each', async () => {
    const codes: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => codes.push(String(warning.code));
    process.on('warning', onWarning);
    try {
      const root = tempDirectory();
      for (let round = 0; round < 2; round++) {
        const recorder = createRecorder({
          sinks: [createFileSink({ directory: join(root, `out-${round}`) })],
          spool: { directory: join(root, `spool-${round}`), fsync: 'none' },
          metadata: createJsonlMetadataEmitter({ path: join(root, `events-${round}.jsonl`), fsync: false }),
          delivery: { initialDelayMs: 5 },
        });
        const session = await recorder.start(grant());
        await session.end('client_closed');
        await recorder.close();
        expect(readEvents(join(root, `events-${round}.jsonl`)).map((event) => event.type)).toContain(
          'recording.delivered',
        );
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(codes.filter((code) => code.startsWith('TAPLINE_DEP_')).sort()).toEqual([
        'TAPLINE_DEP_CREATEJSONLMETADATAEMITTER_FSYNC_BOOLEAN',
        'TAPLINE_DEP_CREATERECORDER_DELIVERY',
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
