import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalKeyWrapper, readFrames, verifyRecording } from '../src/index.js';
import { sampleFrames, writeRecording } from './helpers.js';

const keyWrapper = createLocalKeyWrapper({ key: randomBytes(32), keyId: 'local:test' });
const frames = sampleFrames(200, 80);
const segments = await writeRecording(frames, { segmentBytes: 2048, keyWrapper });

async function count(options: Parameters<typeof readFrames>[1]): Promise<number> {
  let n = 0;
  for await (const _ of readFrames(segments, options)) n++;
  return n;
}

describe('envelope encryption', () => {
  it('round-trips with the key wrapper and hides the content without it', async () => {
    expect(await count({ keyWrapper })).toBe(frames.length);
    expect(Buffer.concat(segments).includes('line 7 of output')).toBe(false);
    await expect(count({})).rejects.toMatchObject({ code: 'TAPLINE_ERR_KEY_REQUIRED', segmentIndex: 0 });
  });

  it('verifies integrity without the key, and bodies with it', async () => {
    const withoutKey = await verifyRecording(segments);
    expect(withoutKey).toMatchObject({
      complete: true,
      encrypted: true,
      bodiesDecoded: false,
      frames: frames.length,
    });
    const withKey = await verifyRecording(segments, { keyWrapper });
    expect(withKey).toMatchObject({ complete: true, bodiesDecoded: true });
  });

  it('refuses a different master key with a coded error', async () => {
    const other = createLocalKeyWrapper({ key: randomBytes(32), keyId: 'local:test' });
    await expect(count({ keyWrapper: other })).rejects.toMatchObject({ code: 'TAPLINE_ERR_KEY_UNAVAILABLE' });
    const wrongId = createLocalKeyWrapper({ key: randomBytes(32), keyId: 'local:other' });
    await expect(count({ keyWrapper: wrongId })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_KEY_UNAVAILABLE',
    });
  });

  it('uses one data key per session and a fresh nonce per segment', async () => {
    const again = await writeRecording(frames, { segmentBytes: 2048, keyWrapper });
    expect(Buffer.compare(again[1]!, segments[1]!)).not.toBe(0);
  });

  it('rejects a master key of the wrong size', () => {
    expect(() => createLocalKeyWrapper({ key: randomBytes(16), keyId: 'x' })).toThrow(
      expect.objectContaining({ code: 'TAPLINE_ERR_INVALID_OPTION' }),
    );
  });
});
