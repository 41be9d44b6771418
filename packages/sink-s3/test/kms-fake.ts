import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for AWS KMS that speaks its real wire protocol (JSON 1.1
 * over HTTP POST, X-Amz-Target: TrentService.Encrypt / TrentService.Decrypt,
 * errors as {"__type": ...}), so the real @aws-sdk/client-kms talks to it.
 * Encrypt is AES-256-GCM under a per-key secret with the encryption context
 * as associated data, like KMS binds it. No real KMS can run here.
 */
export async function startFakeKms(keys: Array<{ id: string; alias?: string }>) {
  const region = 'eu-west-1';
  const account = '111122223333';
  const table = keys.map((key, index) => ({
    index,
    arn: `arn:aws:kms:${region}:${account}:key/${key.id}`,
    id: key.id,
    alias: key.alias,
    secret: randomBytes(32),
  }));
  const find = (keyId: string | undefined) =>
    table.find(
      (key) =>
        key.id === keyId ||
        key.arn === keyId ||
        (key.alias && (key.alias === keyId || `arn:aws:kms:${region}:${account}:${key.alias}` === keyId)),
    );
  const requests: Array<{
    target: string;
    contentType: string;
    signed: boolean;
    body: Record<string, unknown>;
  }> = [];
  const aad = (context: Record<string, string> | undefined) =>
    Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))));

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    const target = String(req.headers['x-amz-target'] ?? '');
    requests.push({
      target,
      contentType: String(req.headers['content-type'] ?? ''),
      signed: String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 '),
      body,
    });
    const reply = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
      res.end(JSON.stringify(payload));
    };
    const fail = (type: string, message: string) => reply(400, { __type: type, message });
    const context = body.EncryptionContext as Record<string, string> | undefined;
    if (target === 'TrentService.Encrypt') {
      const key = find(body.KeyId as string);
      if (!key) return fail('NotFoundException', `Key '${String(body.KeyId)}' does not exist`);
      const plaintext = Buffer.from(String(body.Plaintext ?? ''), 'base64');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.secret, iv);
      cipher.setAAD(aad(context));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const blob = Buffer.concat([Buffer.of(key.index), iv, cipher.getAuthTag(), sealed]);
      return reply(200, {
        CiphertextBlob: blob.toString('base64'),
        KeyId: key.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      });
    }
    if (target === 'TrentService.Decrypt') {
      const blob = Buffer.from(String(body.CiphertextBlob ?? ''), 'base64');
      const key = table[blob[0] ?? 255];
      if (!key || blob.length < 29) return fail('InvalidCiphertextException', 'The ciphertext is invalid');
      if (body.KeyId !== undefined && find(body.KeyId as string) !== key) {
        return fail(
          'IncorrectKeyException',
          'The key ID in the request does not identify the key that encrypted the ciphertext',
        );
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.secret, blob.subarray(1, 13));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(blob.subarray(13, 29));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
        return reply(200, {
          Plaintext: plaintext.toString('base64'),
          KeyId: key.arn,
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        });
      } catch {
        return fail('InvalidCiphertextException', 'The ciphertext or its encryption context is invalid');
      }
    }
    return fail('UnknownOperationException', target);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    arns: table.map((key) => key.arn),
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
