// The shared metadata emitter suite (@tapline/testing), with a Node TCP
// receiver that reads octet-counted frames with this package's parser and,
// like rsyslog, closes a connection once it has read to its end.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetadataEvent } from '@tapline/core';
import { makeMetadataEvent, testMetadataEmitter } from '@tapline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyslogMetadataEmitter, OctetFrameParser, parseSyslogMessage } from '../src/index.js';

let server: Server;
let port = 0;
let received: MetadataEvent[] = [];
const directories: string[] = [];

beforeAll(async () => {
  server = createServer({ allowHalfOpen: true }, (socket) => {
    const parser = new OctetFrameParser();
    socket.on('data', (chunk: Buffer) => {
      try {
        parser.parse(chunk, (frame) => {
          received.push(JSON.parse(parseSyslogMessage(frame).message!) as MetadataEvent);
        });
      } catch {
        socket.destroy();
      }
    });
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

testMetadataEmitter({
  name: 'syslog (RFC 5424, octet counting over TCP)',
  factory: () => {
    const directory = mkdtempSync(join(tmpdir(), 'tapline-syslog-suite-'));
    directories.push(directory);
    return createSyslogMetadataEmitter({
      host: '127.0.0.1',
      port,
      directory,
      batch: { maxDelayMs: 5 },
      // The suite's arbitrary events can be large: keep the JSON body whole.
      maxMessageBytes: 1024 * 1024,
    });
  },
  readBack: async () => {
    const out = received;
    received = [];
    return out;
  },
});

describe("acknowledge: 'write' for a receiver that never closes", () => {
  it('delivers without waiting for the receiver to close; the default waits and retries', async () => {
    const got: string[] = [];
    const open = new Set<import('node:net').Socket>();
    const stubborn = createServer({ allowHalfOpen: true }, (socket) => {
      open.add(socket);
      const parser = new OctetFrameParser();
      socket.on('data', (chunk: Buffer) => parser.parse(chunk, (frame) => got.push(frame.toString())));
      socket.on('error', () => {});
      // Never ends its side.
    });
    await new Promise<void>((resolve) => stubborn.listen(0, '127.0.0.1', resolve));
    const stubbornPort = (stubborn.address() as { port: number }).port;
    const make = (acknowledge: 'close' | 'write') => {
      const directory = mkdtempSync(join(tmpdir(), 'tapline-syslog-ack-'));
      directories.push(directory);
      return createSyslogMetadataEmitter({
        host: '127.0.0.1',
        port: stubbornPort,
        directory,
        acknowledge,
        batch: { maxDelayMs: 5 },
        timeoutMs: 200,
        closeTimeoutMs: 600,
        retry: { initialDelayMs: 10, maxDelayMs: 20 },
      });
    };
    const writing = make('write');
    await writing.emit(makeMetadataEvent(crypto.randomUUID(), 0));
    await writing.flush();
    expect(writing.stats()).toMatchObject({ pending: 0, delivered: 1 });
    await writing.close();
    const closing = make('close');
    await closing.emit(makeMetadataEvent(crypto.randomUUID(), 0));
    await closing.close();
    // Sent (more than once), never acknowledged: it stays in the outbox.
    expect(closing.stats().pending).toBe(1);
    expect(closing.stats().failedAttempts).toBeGreaterThan(0);
    expect(got.length).toBeGreaterThanOrEqual(2);
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => stubborn.close(resolve));
  }, 30_000);
});
