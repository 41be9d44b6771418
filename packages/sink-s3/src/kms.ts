import { DecryptCommand, EncryptCommand, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { type KeyWrapper, TaplineError, type WrappedKey } from '@tapline/frames';
import { awsErrorCode, S3SinkErrorCode } from './errors.js';

export interface KmsKeyWrapperOptions {
  client?: KMSClient;
  clientConfig?: KMSClientConfig;
  /** The KMS key: id, ARN, alias name ("alias/tapline") or alias ARN. */
  keyId: string;
  /**
   * Bound to every wrapped key (KMS authenticates it; Decrypt needs the same
   * one). Shows in CloudTrail: put no secrets here.
   * @default { "tapline:purpose": "recording-data-key" }
   */
  encryptionContext?: Record<string, string>;
}

/**
 * A KeyWrapper on AWS KMS: wrap = Encrypt of the 32-byte data key under a
 * symmetric KMS key, unwrap = Decrypt with the same encryption context. The
 * wrapped key's `keyId` is the key ARN KMS reports, so a recording names the
 * exact key (even when configured with an alias).
 */
export function createKmsKeyWrapper(
  options: KmsKeyWrapperOptions,
): KeyWrapper & { readonly client: KMSClient } {
  const client = options.client ?? new KMSClient(options.clientConfig ?? {});
  const encryptionContext = options.encryptionContext ?? { 'tapline:purpose': 'recording-data-key' };
  return {
    client,
    async wrap(dataKey: Uint8Array): Promise<WrappedKey> {
      if (dataKey.length !== 32) {
        throw new TaplineError(S3SinkErrorCode.KEY_WRAP, `data keys are 32 bytes, got ${dataKey.length}`, {
          component: 'kms',
        });
      }
      try {
        const result = await client.send(
          new EncryptCommand({
            KeyId: options.keyId,
            Plaintext: dataKey,
            EncryptionContext: encryptionContext,
          }),
        );
        if (!result.CiphertextBlob) throw new Error('Encrypt returned no CiphertextBlob');
        return { keyId: result.KeyId ?? options.keyId, wrappedKey: result.CiphertextBlob };
      } catch (error) {
        throw new TaplineError(S3SinkErrorCode.KEY_WRAP, `KMS Encrypt failed: ${(error as Error).message}`, {
          component: 'kms',
          cause: error,
          details: { kmsCode: awsErrorCode(error) },
        });
      }
    },
    async unwrap(wrapped: WrappedKey): Promise<Uint8Array> {
      if (!wrapped.keyId)
        throw new TaplineError(S3SinkErrorCode.KEY_UNWRAP, 'the wrapped key names no KMS key', {
          component: 'kms',
        });
      try {
        const result = await client.send(
          new DecryptCommand({
            CiphertextBlob: wrapped.wrappedKey,
            // KMS refuses (IncorrectKeyException) when the blob was not made by this key.
            KeyId: wrapped.keyId,
            EncryptionContext: encryptionContext,
          }),
        );
        if (result.Plaintext?.length !== 32) throw new Error('Decrypt returned no 32-byte key');
        return result.Plaintext;
      } catch (error) {
        throw new TaplineError(
          S3SinkErrorCode.KEY_UNWRAP,
          `KMS Decrypt failed: ${(error as Error).message}`,
          {
            component: 'kms',
            cause: error,
            details: { kmsCode: awsErrorCode(error), keyId: wrapped.keyId },
          },
        );
      }
    },
  };
}
