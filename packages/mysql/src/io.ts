// A few-line adapter between a socket and the packet parser, for the
// connection phase (request/response, awaited one packet at a time).

import type { Socket } from 'node:net';
import { MySqlErrorCode, mysqlError } from './errors.js';
import { encodePacket, type Packet, PacketParser } from './packets.js';

export class PacketReaderStream {
  readonly #parser: PacketParser;
  readonly #queue: Packet[] = [];
  #waiter: { resolve(packet: Packet): void; reject(error: Error): void } | undefined;
  #failure: Error | undefined;
  #stopAfterNext = false;
  #socket: Socket | undefined;
  readonly #onData = (chunk: Buffer): void => this.#data(chunk);
  readonly #onEnd = (): void =>
    this.#fail(
      mysqlError(MySqlErrorCode.PROTOCOL, `${this.peer} closed the connection during the handshake`),
    );
  readonly #onError = (error: Error): void => this.#fail(error);

  constructor(
    readonly peer: string,
    maxPacketBytes: number,
  ) {
    this.#parser = new PacketParser({ maxPacketBytes });
  }

  attach(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    socket.on('error', this.#onError);
    socket.resume();
  }

  /** Stops reading from the socket; returns the bytes that arrived after the last packet read. */
  detach(): Buffer {
    const socket = this.#socket;
    if (socket !== undefined) {
      socket.pause();
      socket.removeListener('data', this.#onData);
      socket.removeListener('end', this.#onEnd);
      socket.removeListener('close', this.#onEnd);
      socket.removeListener('error', this.#onError);
    }
    this.#socket = undefined;
    return this.#parser.takeBuffered();
  }

  /** The next packet; with `stopAfter`, the reader stops parsing after it (the next bytes are TLS). */
  read(stopAfter = false): Promise<Packet> {
    this.#stopAfterNext = stopAfter;
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  #data(chunk: Buffer): void {
    try {
      this.#parser.parse(chunk, (packet) => {
        const copy = { ...packet, payload: Buffer.from(packet.payload) };
        const waiter = this.#waiter;
        this.#waiter = undefined;
        if (waiter !== undefined) waiter.resolve(copy);
        else this.#queue.push(copy);
        if (this.#stopAfterNext) {
          this.#stopAfterNext = false;
          this.#socket?.pause();
          return false;
        }
        return true;
      });
    } catch (error) {
      this.#fail(error as Error);
    }
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }
}

export function writePacket(socket: Socket, payload: Buffer, sequenceId: number): void {
  socket.write(encodePacket(payload, sequenceId));
}
