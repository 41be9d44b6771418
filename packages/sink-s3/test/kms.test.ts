import { createRecordingWriter, type Frame, readFrames } from '@tapline/frames';
import { arbFrames } from '@tapline/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKmsKeyWrapper } from '../src/index.js';
import { startFakeKms } from './kms-fake.js';

// The SDK's notice that releases after January 2027 need Node 22 (the catalog pins it): known, and noisy in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let kms: Awaited<ReturnType<typeof startFakeKms>>;
beforeAll(async () => {
  kms = await startFakeKms([
    { id: '1234abcd-12ab-34cd-56ef-1234567890ab', alias: 'alias/tapline' },
    { id: 'other-key' },
  ]);
});
afterAll(async () => {
  await kms?.close();
});

const clientConfig = () => ({
  endpoint: kms.endpoint,
  region: kms.region,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
});

describe('createKmsKeyWrapper (against a local fake speaking the KMS JSON protocol)', () => {
  it('wraps with Encrypt and unwraps with Decrypt; the wrapped key names the key ARN even when given an alias', async () => {
    const wrapper = createKmsKeyWrapper({ clientConfig: clientConfig(), keyId: 'alias/tapline' });
    const dataKey = crypto.getRandomValues(new Uint8Array(32));
    const wrapped = await wrapper.wrap(dataKey);
    expect(wrapped.keyId).toBe(kms.arns[0]);
    expect(Buffer.from(wrapped.wrappedKey).includes(Buffer.from(dataKey))).toBe(false);
    expect(Buffer.from(await wrapper.unwrap(wrapped))).toEqual(Buffer.from(dataKey));
    const encrypt = kms.requests.find((r) => r.target === 'TrentService.Encrypt')!;
    expect(encrypt.contentType).toBe('application/x-amz-json-1.1');
    expect(encrypt.signed).toBe(true);
    expect(encrypt.body.EncryptionContext).toEqual({ 'tapline:purpose': 'recording-data-key' });
    const decrypt = kms.requests.find((r) => r.target === 'TrentService.Decrypt')!;
    expect(decrypt.body.KeyId).toBe(kms.arns[0]);
    wrapper.client.destroy();
  });

  it('refuses with coded errors: wrong context, wrong key, corrupt blob, unknown key, bad data key', async () => {
    const wrapper = createKmsKeyWrapper({ clientConfig: clientConfig(), keyId: kms.arns[0]! });
    const wrapped = await wrapper.wrap(new Uint8Array(32).fill(7));
    const otherContext = createKmsKeyWrapper({
      clientConfig: clientConfig(),
      keyId: kms.arns[0]!,
      encryptionContext: { 'tapline:purpose': 'something-else' },
    });
    await expect(otherContext.unwrap(wrapped)).rejects.toMatchObject({
      code: 'TAPLINE_ERR_KEY_UNWRAP',
      details: expect.objectContaining({ kmsCode: 'InvalidCiphertextException' }),
    });
    await expect(wrapper.unwrap({ ...wrapped, keyId: kms.arns[1]! })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_KEY_UNWRAP',
      details: expect.objectContaining({ kmsCode: 'IncorrectKeyException' }),
    });
    const corrupt = Uint8Array.from(wrapped.wrappedKey);
    corrupt[corrupt.length - 1]! ^= 1;
    await expect(wrapper.unwrap({ ...wrapped, wrappedKey: corrupt })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_KEY_UNWRAP',
    });
    await expect(wrapper.unwrap({ ...wrapped, keyId: '' })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_KEY_UNWRAP',
    });
    const unknown = createKmsKeyWrapper({ clientConfig: clientConfig(), keyId: 'alias/nope' });
    await expect(unknown.wrap(new Uint8Array(32))).rejects.toMatchObject({
      code: 'TAPLINE_ERR_KEY_WRAP',
      details: expect.objectContaining({ kmsCode: 'NotFoundException' }),
    });
    await expect(wrapper.wrap(new Uint8Array(16))).rejects.toMatchObject({ code: 'TAPLINE_ERR_KEY_WRAP' });
    for (const w of [wrapper, otherContext, unknown]) w.client.destroy();
  });

  it('encrypts a real recording with the container writer and reads it back through KMS', async () => {
    const wrapper = createKmsKeyWrapper({ clientConfig: clientConfig(), keyId: 'alias/tapline' });
    const [frames] = fc.sample(arbFrames({ maxLength: 40, complete: true }), { numRuns: 1, seed: 7 });
    const sessionId = frames![0]!.sessionStart!.sessionId;
    const writer = createRecordingWriter({ sessionId, keyWrapper: wrapper, segmentBytes: 1024 });
    const segments: Uint8Array[] = [];
    writer.on('data', (chunk: Uint8Array) => segments.push(chunk));
    const done = new Promise((resolve, reject) => writer.on('end', resolve).on('error', reject));
    for (const frame of frames!) writer.write(frame as Frame);
    writer.end();
    await done;
    const read = [];
    for await (const frame of readFrames(segments, { keyWrapper: wrapper })) read.push(frame);
    expect(read).toHaveLength(frames!.length);
    const elsewhere = createKmsKeyWrapper({
      clientConfig: clientConfig(),
      keyId: kms.arns[1]!,
      encryptionContext: { x: 'y' },
    });
    await expect(
      (async () => {
        for await (const _ of readFrames(segments, { keyWrapper: elsewhere })) void _;
      })(),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^TAPLINE_ERR_/) });
    wrapper.client.destroy();
    elsewhere.client.destroy();
  });
});
