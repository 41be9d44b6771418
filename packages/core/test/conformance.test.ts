import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { recordedSegmentMaker, testMetadataEmitter, testSink } from '@tapline/testing';
import { createFileSink, createJsonlMetadataEmitter, type MetadataEvent } from '../src/index.js';
import { tempDirectory } from './helpers.js';

const fileSinkOptions = (fsync: 'segment' | 'close') => ({
  factory: () => createFileSink({ directory: tempDirectory('tapline-file-sink-'), fsync }),
  readBack: async (receipt: { location: string }) =>
    new Uint8Array(await readFile(fileURLToPath(receipt.location))),
  skip: {
    backpressure:
      'FileSink holds no buffer: write() resolves only after the bytes are written (and fsynced), so a stalled disk stalls write() itself',
  },
});

testSink({ name: 'FileSink (fsync each segment)', ...fileSinkOptions('segment') });
testSink({ name: 'FileSink (fsync at close)', ...fileSinkOptions('close') });
testSink({
  name: 'FileSink with real container segments',
  ...fileSinkOptions('segment'),
  makeSegments: recordedSegmentMaker(),
});

// readBack drains: it returns the events appended since the previous call.
const { mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const eventsPath = `${mkdtempSync(`${tmpdir()}/tapline-jsonl-`)}/events.jsonl`;
let linesRead = 0;
testMetadataEmitter({
  name: 'JSONL emitter',
  factory: () => createJsonlMetadataEmitter({ path: eventsPath }),
  readBack: async () => {
    let lines: string[] = [];
    try {
      lines = (await readFile(eventsPath, 'utf8')).split('\n').filter(Boolean);
    } catch {
      return [];
    }
    const fresh = lines.slice(linesRead).map((line) => JSON.parse(line) as MetadataEvent);
    linesRead = lines.length;
    return fresh;
  },
});
