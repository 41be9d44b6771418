// The syslog emitter against the real rsyslog: messages land in its output
// file, parse as RFC 5424, and a restart of rsyslog mid-stream loses nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataEvent } from '@tapline/core';
import { makeMetadataEvent } from '@tapline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createSyslogMetadataEmitter,
  parseSyslogMessage,
  type SyslogMetadataEmitterEvent,
} from '../src/index.js';
import { type Rsyslog, startRsyslog } from './rsyslog.js';

const directories: string[] = [];
const receivers: Rsyslog[] = [];
function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'tapline-syslog-'));
  directories.push(directory);
  return directory;
}
afterAll(async () => {
  for (const receiver of receivers) await receiver.stop();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The events rsyslog wrote, each line parsed as RFC 5424 (a line that does not parse fails the test). */
function received(
  receiver: Rsyslog,
): Array<{ event: MetadataEvent; sd: Record<string, Record<string, string>> }> {
  return receiver.lines().map((line) => {
    const message = parseSyslogMessage(line);
    expect(message).toMatchObject({ version: 1, appName: 'tapline', facility: 13 });
    const event = JSON.parse(message.message!) as MetadataEvent;
    expect(message.msgId).toBe(event.type);
    expect(message.structuredData['tapline@32473']).toMatchObject({
      id: event.id,
      sessionId: event.sessionId,
      sequence: String(event.sequence),
    });
    return { event, sd: message.structuredData };
  });
}

describe('syslog emitter with the real rsyslog', () => {
  it('every event arrives as RFC 5424 with structured data; an rsyslog restart mid-stream loses nothing', async () => {
    const receiver = await startRsyslog();
    receivers.push(receiver);
    const failures: SyslogMetadataEmitterEvent[] = [];
    const emitter = createSyslogMetadataEmitter({
      host: '127.0.0.1',
      port: receiver.port,
      directory: join(tempDirectory(), 'outbox'),
      batch: { maxDelayMs: 10, maxEvents: 20 },
      retry: { initialDelayMs: 50, maxDelayMs: 300 },
      onEvent: (event) => {
        if (event.type === 'error') failures.push(event);
      },
    });
    await emitter.start();
    const sessions = [crypto.randomUUID(), crypto.randomUUID()];
    const emitted: MetadataEvent[] = [];
    const emitSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const sessionId = sessions[emitted.length % 2]!;
        const sequence = emitted.filter((event) => event.sessionId === sessionId).length;
        const event = makeMetadataEvent(sessionId, sequence, { n: emitted.length, quote: 'a "b" ]c\\' });
        emitted.push(event);
        await emitter.emit(event);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    await emitSome(100);
    // Restart while events keep coming.
    const restarting = receiver.restart();
    await emitSome(100);
    await restarting;
    await emitSome(100);
    await emitter.flush();
    await emitter.close();
    await until(
      () => new Set(received(receiver).map(({ event }) => event.id)).size >= emitted.length,
      15_000,
      'rsyslog to write every event',
    );
    const arrivals = received(receiver);
    const firstById = new Map<string, { event: MetadataEvent; sd: Record<string, Record<string, string>> }>();
    for (const arrival of arrivals)
      if (!firstById.has(arrival.event.id)) firstById.set(arrival.event.id, arrival);
    // Nothing lost, nothing changed, nothing invented.
    expect(emitted.filter((event) => !firstById.has(event.id))).toEqual([]);
    expect(firstById.size).toBe(emitted.length);
    for (const event of emitted) {
      const arrival = firstById.get(event.id)!;
      expect(arrival.event).toEqual(JSON.parse(JSON.stringify(event)));
      // The data fields are structured data too (dotted paths).
      expect(arrival.sd['data@32473']).toMatchObject({
        userId: 'user-42',
        'resource.name': 'bastion-1',
        quote: 'a "b" ]c\\',
        n: String(event.data.n),
      });
    }
    // In order per session (first arrivals).
    for (const sessionId of sessions) {
      const order = [...firstById.values()]
        .filter(({ event }) => event.sessionId === sessionId)
        .map(({ event }) => event.sequence);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    console.log(
      `rsyslog restart mid-stream: ${emitted.length} events emitted, ${firstById.size} arrived, ${arrivals.length - firstById.size} duplicates (resent after the restart), ${failures.length} failed attempts retried`,
    );
  }, 120_000);

  it('over TLS (rsyslog gtls), with content only when opted in', async () => {
    const receiver = await startRsyslog({ tls: true });
    receivers.push(receiver);
    const secret = 'rm -rf /srv/keep-me';
    const send = async (includeContent: boolean) => {
      const emitter = createSyslogMetadataEmitter({
        host: '127.0.0.1',
        port: receiver.port,
        tls: { ca: receiver.caPem!, servername: 'localhost' },
        directory: join(tempDirectory(), 'outbox'),
        batch: { maxDelayMs: 10 },
        includeContent,
      });
      const event = makeMetadataEvent(crypto.randomUUID(), 0, { content: { text: secret } });
      await emitter.emit({ ...event, type: 'session.action' });
      await emitter.close();
      expect(emitter.stats()).toMatchObject({ pending: 0, delivered: 1 });
      return event.id;
    };
    const plainId = await send(false);
    const contentId = await send(true);
    await until(() => receiver.lines().length >= 2, 10_000, 'two messages over TLS');
    const byId = new Map(received(receiver).map((arrival) => [arrival.event.id, arrival]));
    expect(byId.get(plainId)!.event.data).not.toHaveProperty('content');
    expect(byId.get(plainId)!.sd['data@32473']).not.toHaveProperty('content.text');
    expect(byId.get(contentId)!.event.data.content).toEqual({ text: secret });
    expect(byId.get(contentId)!.sd['data@32473']!['content.text']).toBe(secret);
  }, 60_000);
});
