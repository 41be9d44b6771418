import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetadataEvent } from '@tapline/core';
import { verifyMetadataSignature } from '../src/index.js';

/** What the receiver does with one request. */
export type Behavior =
  | 'ok'
  /** Destroy the connection without reading or answering. */
  | 'drop'
  /** Store the events but answer only after `ms` (past the client's timeout: a duplicate follows). */
  | { delayMs: number }
  | { status: number; retryAfter?: string };

export interface ReceivedRequest {
  at: number;
  behavior: Behavior;
  headers: http.IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
  events: MetadataEvent[];
}

/** A metadata receiver on 127.0.0.1:0 that verifies signatures and misbehaves on cue. */
export async function startReceiver(
  secret: string,
  script: (index: number) => Behavior = () => 'ok',
  /** Answer 422 (refused for good) to any batch holding an event this picks. */
  refuse: (event: MetadataEvent) => boolean = () => false,
) {
  const requests: ReceivedRequest[] = [];
  let stored: MetadataEvent[] = [];
  let index = 0;
  const server = http.createServer(async (req, res) => {
    const behavior = script(index++);
    if (behavior === 'drop') {
      req.socket.destroy();
      requests.push({
        at: performance.now(),
        behavior,
        headers: req.headers,
        body: '',
        signatureValid: false,
        events: [],
      });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    let signatureValid = true;
    try {
      verifyMetadataSignature({ body, header: req.headers['tapline-signature'], secret });
    } catch {
      signatureValid = false;
    }
    const events = (JSON.parse(body) as { events: MetadataEvent[] }).events;
    requests.push({ at: performance.now(), behavior, headers: req.headers, body, signatureValid, events });
    if (!signatureValid) {
      res.writeHead(401).end();
      return;
    }
    if (events.some(refuse)) {
      res.writeHead(422, { 'content-type': 'application/json' }).end('{"error":"unprocessable"}');
    } else if (behavior === 'ok') {
      stored.push(...events);
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else if ('delayMs' in behavior) {
      stored.push(...events);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(202).end();
      }, behavior.delayMs);
    } else {
      res
        .writeHead(behavior.status, behavior.retryAfter ? { 'retry-after': behavior.retryAfter } : {})
        .end('{"error":"try later"}');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tapline/events`,
    requests,
    /** Events stored (acknowledged or stored-then-late) since the last take(). */
    take(): MetadataEvent[] {
      const out = stored;
      stored = [];
      return out;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
