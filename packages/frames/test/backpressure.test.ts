import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createRecordingWriter, readFrames, type tapline } from '../src/index.js';
import { SESSION_ID } from './helpers.js';

const payload = Buffer.alloc(32 * 1024, 'x');

/** Writes frames as fast as write() (or appendFrame()) allows, honouring it or not, into a slow consumer. */
async function run(
  honourBackpressure: boolean,
  method: 'write' | 'appendFrame' = 'write',
): Promise<{ peakBuffered: number; frames: number }> {
  let consumedBytes = 0;
  const writer = createRecordingWriter({ sessionId: SESSION_ID, codec: 'none', segmentBytes: 64 * 1024 });
  const slow = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      consumedBytes += chunk.length;
      setTimeout(callback, 5);
    },
  });
  const done = pipeline(writer, slow);
  let peakBuffered = 0;
  const frames = 400;
  for (let seq = 0; seq < frames; seq++) {
    const ok = writer[method]({ seq, offsetNs: seq, data: { streamId: 1, direction: 2, bytes: payload } });
    // Bytes produced but not yet taken by the consumer: what the pipeline holds.
    peakBuffered = Math.max(peakBuffered, (seq + 1) * payload.length - consumedBytes);
    if (!ok && honourBackpressure) await new Promise((resolve) => writer.once('drain', resolve));
  }
  writer.end();
  await done;
  return { peakBuffered, frames };
}

describe('writer backpressure', () => {
  it('signals a slow consumer through write() so a producer that listens stays bounded', async () => {
    const honoured = await run(true);
    // The control ignores write()'s answer: its queue must swell, proving the assertion has teeth.
    const ignored = await run(false);
    // 64 queued frames plus two segments compressing plus one being consumed.
    expect(honoured.peakBuffered).toBeLessThan(4 * 1024 * 1024);
    expect(ignored.peakBuffered).toBeGreaterThan(honoured.peakBuffered * 2);
  });

  it('appendFrame() says "wait" the same way: a producer that listens for drain stays bounded', async () => {
    const honoured = await run(true, 'appendFrame');
    const ignored = await run(false, 'appendFrame');
    // Two segments compressing plus one being consumed; appendFrame queues no frames of its own.
    expect(honoured.peakBuffered).toBeLessThan(4 * 1024 * 1024);
    expect(ignored.peakBuffered).toBeGreaterThan(honoured.peakBuffered * 2);
  });

  it('appendFrame(), write() and cutSegment() mixed keep the frames in order through a slow consumer', async () => {
    const writer = createRecordingWriter({ sessionId: SESSION_ID, codec: 'gzip', segmentBytes: 4096 });
    const segments: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        segments.push(chunk);
        setTimeout(callback, 1);
      },
    });
    const done = pipeline(writer, slow);
    const frames = 3000;
    for (let seq = 0; seq < frames; seq++) {
      const frame = {
        seq,
        offsetNs: seq,
        data: { streamId: 1, direction: 2, bytes: Buffer.from(`frame ${seq};`) },
      };
      // A fixed pattern of the three calls, so appends land while writes are still queued and the other way round.
      const ok = seq % 7 === 3 ? writer.write(frame) : writer.appendFrame(frame);
      if (seq % 97 === 0) writer.cutSegment();
      if (!ok && seq % 5 === 0) await new Promise((resolve) => writer.once('drain', resolve));
    }
    writer.end();
    await done;
    const seqs: number[] = [];
    const texts: string[] = [];
    for await (const frame of readFrames(Buffer.concat(segments))) {
      seqs.push(frame.seq);
      texts.push(Buffer.from(frame.data?.bytes ?? []).toString());
    }
    expect(seqs).toEqual(Array.from({ length: frames }, (_, seq) => seq));
    expect(texts[2999]).toBe('frame 2999;');
  });

  it('rejects a seq gap and time running backwards with coded errors, through write() and appendFrame()', async () => {
    for (const method of ['write', 'appendFrame'] as const) {
      for (const [frame, code] of [
        [{ seq: 1, offsetNs: 0, annotation: {} }, 'TAPLINE_ERR_SEQ_GAP'],
        [{ seq: 0, offsetNs: -1, annotation: {} }, 'TAPLINE_ERR_TIME_REVERSED'],
      ] as const) {
        const writer = createRecordingWriter({ sessionId: SESSION_ID });
        writer.resume();
        const failed = new Promise((resolve) => writer.once('error', resolve));
        const accepted = writer[method](frame as tapline.v1.IFrame);
        // appendFrame() fails at once; write() answers through the stream.
        if (method === 'appendFrame') expect(accepted).toBe(false);
        expect(await failed).toMatchObject({ code });
      }
    }
  });

  it('refuses a session id that is not a UUID', () => {
    expect(() => createRecordingWriter({ sessionId: 'not-a-uuid' })).toThrow(
      expect.objectContaining({ code: 'TAPLINE_ERR_INVALID_SESSION_ID' }),
    );
  });
});
