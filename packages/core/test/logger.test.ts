import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSink, createRecorder, type TaplineLogger } from '../src/index.js';
import { grant, tempDirectory } from './helpers.js';

function collectingLogger() {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message?: string }> = [];
  const at =
    (level: string) =>
    (fields: object, message?: string): void => {
      lines.push({ level, fields: fields as Record<string, unknown>, ...(message ? { message } : {}) });
    };
  const logger: TaplineLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('the logger option (pino-compatible)', () => {
  it('logs every metadata event with ids and counts, never content', async () => {
    const root = tempDirectory();
    const { logger, lines } = collectingLogger();
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
      logger,
    });
    const session = await recorder.start(grant());
    const stream = session.openStream('ssh_shell');
    session.data(stream, 'target_to_client', Buffer.from('top secret output'));
    session.command({ streamId: stream, text: 'cat secret.txt', source: 'terminal' });
    await session.end('client_closed');
    await recorder.close();
    const messages = lines.map((line) => `${line.level} ${line.message}`);
    expect(messages).toEqual(
      expect.arrayContaining(['info session.started', 'info session.ended', 'info recording.delivered']),
    );
    for (const line of lines) expect(line.fields.sessionId).toBe(session.sessionId);
    expect(JSON.stringify(lines)).not.toMatch(/top secret|secret\.txt/);
  });

  it('a logger that throws changes nothing', async () => {
    const root = tempDirectory();
    const broken = () => {
      throw new Error('logger down');
    };
    const recorder = createRecorder({
      sinks: [createFileSink({ directory: join(root, 'out') })],
      spool: { directory: join(root, 'spool'), fsync: 'none' },
      logger: { info: broken, warn: broken, error: broken },
    });
    const session = await recorder.start(grant());
    expect((await session.end('client_closed')).reason).toBe('client_closed');
    await recorder.close();
  });
});
