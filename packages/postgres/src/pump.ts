// Reads whole messages from a socket during the handshakes (before the relay
// takes over): `next()` resolves with the next message, in order.

import type { Socket } from 'node:net';
import { PostgresErrorCode, postgresError } from './errors.js';
import type { MessageCallback } from './protocol/parser.js';

interface Parses<M> {
  parse(chunk: Uint8Array, onMessage: MessageCallback<M>): void;
}

export interface Pumped<M> {
  message: M;
  frame: Uint8Array | undefined;
}

export class MessagePump<M> {
  readonly #queue: Pumped<M>[] = [];
  #waiter: { resolve: (value: Pumped<M>) => void; reject: (error: Error) => void } | undefined;
  #failure: Error | undefined;
  #socket: Socket | undefined;
  readonly #onData = (chunk: Buffer): void => {
    try {
      this.parser.parse(chunk, (message, frame) => {
        this.#queue.push({ message, frame: frame === undefined ? undefined : Buffer.from(frame) });
      });
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    this.#wake();
  };
  readonly #onEnd = (): void => this.#fail(postgresError(PostgresErrorCode.PROTOCOL, this.closedMessage));
  readonly #onError = (error: Error): void => this.#fail(error);

  constructor(
    readonly parser: Parses<M>,
    public closedMessage: string,
  ) {}

  attach(socket: Socket): void {
    this.detach();
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
    socket.resume();
  }

  /** Stops reading; returns the messages parsed but not taken yet. */
  detach(): Pumped<M>[] {
    const socket = this.#socket;
    if (socket !== undefined) {
      socket.pause();
      socket.removeListener('data', this.#onData);
      socket.removeListener('end', this.#onEnd);
      socket.removeListener('close', this.#onEnd);
      socket.removeListener('error', this.#onError);
      this.#socket = undefined;
    }
    return this.#queue.splice(0);
  }

  get buffered(): number {
    return this.#queue.length;
  }

  next(): Promise<Pumped<M>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    const queued = this.#queue.shift();
    if (queued === undefined) return;
    this.#waiter = undefined;
    waiter.resolve(queued);
  }

  #fail(error: Error): void {
    if (this.#failure === undefined) this.#failure = error;
    const waiter = this.#waiter;
    if (waiter !== undefined && this.#queue.length === 0) {
      this.#waiter = undefined;
      waiter.reject(this.#failure);
    }
  }
}
