// The WebSocket relay hands the recorder and the terminal extractor views
// into socket 'data' chunks (WebSocketParser parses in place), and they may
// keep them after the event. That is only safe if Node never writes into a
// chunk's memory once it was emitted: each TCP read lands in memory of its
// own (stream_base allocates per read), and TLS copies each decrypted record
// into a fresh buffer. This checks it on real sockets, with the pauses the
// relay makes under backpressure.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePki, type TestPki } from './certs.js';

/** Sends `total` random bytes in writes of varying size; returns what was sent. */
function sendAll(socket: net.Socket, total: number): Buffer {
  const sent = randomBytes(total);
  let offset = 0;
  let size = 1;
  while (offset < total) {
    socket.write(sent.subarray(offset, offset + size));
    offset += size;
    size = (size * 7 + 13) % 70000;
  }
  socket.end();
  return sent;
}

/** Keeps every chunk and a copy made during the event; pauses now and then, as the relay does under backpressure. */
async function receiveAll(socket: net.Socket): Promise<{ kept: Buffer[]; copies: Buffer[] }> {
  const kept: Buffer[] = [];
  const copies: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    kept.push(chunk);
    copies.push(Buffer.from(chunk));
    if (kept.length % 5 === 0) {
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    }
  });
  await once(socket, 'end');
  return { kept, copies };
}

function expectIntactAndDisjoint(sent: Buffer, kept: Buffer[], copies: Buffer[]): void {
  expect(kept.length).toBeGreaterThan(20);
  expect(Buffer.concat(copies).equals(sent)).toBe(true);
  // every chunk still holds what it held during its event
  for (const [i, chunk] of kept.entries()) expect(chunk.equals(copies[i]!)).toBe(true);
  // and no two chunks share memory
  const ranges = kept
    .map((chunk) => ({
      buffer: chunk.buffer,
      start: chunk.byteOffset,
      end: chunk.byteOffset + chunk.byteLength,
    }))
    .sort((a, b) => a.start - b.start);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length && ranges[j]!.start < ranges[i]!.end; j++) {
      expect(ranges[j]!.buffer).not.toBe(ranges[i]!.buffer);
    }
  }
}

describe("socket 'data' chunks are never written after their event", () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makePki();
  });

  it('over TCP', async () => {
    let sent: Buffer | undefined;
    const server = net.createServer((socket) => {
      sent = sendAll(socket, 8 * 1024 * 1024);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    const { kept, copies } = await receiveAll(socket);
    server.close();
    expectIntactAndDisjoint(sent!, kept, copies);
  });

  it('over TLS', async () => {
    let sent: Buffer | undefined;
    const server = tls.createServer({ cert: pki.serverCert, key: pki.serverKey }, (socket) => {
      sent = sendAll(socket, 8 * 1024 * 1024);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const socket = tls.connect({ port, host: '127.0.0.1', ca: pki.ca, servername: 'localhost' });
    const { kept, copies } = await receiveAll(socket);
    server.close();
    expectIntactAndDisjoint(sent!, kept, copies);
  });

  it('(control) the check sees memory that is reused: a socket reading into one buffer (`onread`)', async () => {
    let sent: Buffer | undefined;
    const server = net.createServer((socket) => {
      sent = sendAll(socket, 1024 * 1024);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const kept: Buffer[] = [];
    const copies: Buffer[] = [];
    const socket = net.connect({
      port,
      host: '127.0.0.1',
      onread: {
        buffer: Buffer.alloc(16 * 1024),
        callback: (length: number, buffer: Uint8Array) => {
          kept.push(Buffer.from(buffer.buffer, buffer.byteOffset, length));
          copies.push(Buffer.from(buffer.subarray(0, length)));
          return true;
        },
      },
    });
    await once(socket, 'end');
    server.close();
    expect(() => expectIntactAndDisjoint(sent!, kept, copies)).toThrow();
  });
});
