// The statement policy gate: sits on the client's messages (after login) when
// a `policy` is set. Query ('Q') and Parse ('P') messages are held whole and
// the policy is asked about their statements; every other message streams
// through untouched. A denied message is not dropped but replaced by one the
// target itself fails with the policy's message, so the error reaches the
// client in protocol order, with the right transaction state, however the
// client pipelines:
//   Query → DO block raising insufficient_privilege (42501) with the message;
//   Parse → a statement whose parse fails (undefined_table, the message as
//           the relation name), so the target skips to Sync as for any
//           failed Parse. The statement itself never reaches the target.
import * as serialize from './protocol/serializer.js';
import { splitStatements } from './sql-split.js';

/** A statement the policy denied, and why. */
export interface PgDenial {
  statement: string;
  message: string;
}

/** Asks the policy about a message's statements: the first denial, or undefined. */
export type PgStatementCheck = (
  statements: string[],
  kind: 'query' | 'parse',
) => PgDenial | undefined | Promise<PgDenial | undefined>;

export interface PgPolicyGateIo {
  toTarget(bytes: Buffer): void;
  pauseClient(): void;
  resumeClient(): void;
}

const QUERY = 0x51; // 'Q'
const PARSE = 0x50; // 'P'
/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

function readCString(message: Buffer, offset: number): { value: string; next: number } {
  const end = message.indexOf(0, offset);
  const stop = end === -1 ? message.length : end;
  return { value: message.toString('utf8', offset, stop), next: stop + 1 };
}

/** The Query that makes the target raise the denial (plpgsql, installed in every database by default). */
export function deniedQuery(message: string): Buffer {
  const text = `denied by policy: ${message}`.replaceAll('\0', '').replaceAll('$tapline$', '');
  return serialize.query(
    `DO $tapline$BEGIN RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = '${text.replaceAll("'", "''")}'; END$tapline$`,
  );
}

/** A Parse of `statement` that fails at parse time, naming the denial. */
export function deniedParse(statement: string, message: string): Buffer {
  let name = `tapline: denied by policy: ${message}`.replaceAll('\0', '');
  while (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) name = name.slice(0, -1);
  return serialize.parse(statement, `SELECT FROM "${name.replaceAll('"', '""')}"`);
}

export class PgPolicyGate {
  readonly #check: PgStatementCheck;
  readonly #io: PgPolicyGateIo;
  readonly #header = Buffer.alloc(5);
  #headerFilled = 0;
  /** Bytes of a message that streams through, still to forward. */
  #passRemaining = 0;
  /** A Query or Parse being gathered whole. */
  #message: Buffer | undefined;
  #messageFilled = 0;
  /** Client bytes behind a message the policy is still deciding. */
  #held: Buffer[] | undefined;
  #closed = false;

  constructor(check: PgStatementCheck, io: PgPolicyGateIo) {
    this.#check = check;
    this.#io = io;
  }

  fromClient(chunk: Buffer): void {
    if (this.#closed) return;
    if (this.#held !== undefined) this.#held.push(chunk);
    else this.#scan(chunk);
  }

  /** The session is ending: what is held is dropped (it never reached the target). */
  close(): void {
    this.#closed = true;
    this.#held = undefined;
  }

  #scan(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#passRemaining > 0) {
        const take = Math.min(this.#passRemaining, chunk.length - offset);
        this.#io.toTarget(chunk.subarray(offset, offset + take));
        this.#passRemaining -= take;
        offset += take;
        continue;
      }
      if (this.#message !== undefined) {
        const message = this.#message;
        const take = Math.min(message.length - this.#messageFilled, chunk.length - offset);
        chunk.copy(message, this.#messageFilled, offset, offset + take);
        this.#messageFilled += take;
        offset += take;
        if (this.#messageFilled < message.length) continue;
        this.#message = undefined;
        if (this.#decide(message, chunk.subarray(offset))) return;
        continue;
      }
      const take = Math.min(5 - this.#headerFilled, chunk.length - offset);
      chunk.copy(this.#header, this.#headerFilled, offset, offset + take);
      this.#headerFilled += take;
      offset += take;
      if (this.#headerFilled < 5) continue;
      this.#headerFilled = 0;
      const type = this.#header[0]!;
      // The frontend parser has already checked the length against maxMessageBytes.
      const frameLength = this.#header.readUInt32BE(1) + 1;
      if (type === QUERY || type === PARSE) {
        this.#message = Buffer.allocUnsafe(frameLength);
        this.#header.copy(this.#message, 0, 0, 5);
        this.#messageFilled = 5;
        if (frameLength === 5) {
          const message = this.#message;
          this.#message = undefined;
          if (this.#decide(message, chunk.subarray(offset))) return;
        }
        continue;
      }
      this.#io.toTarget(Buffer.from(this.#header));
      this.#passRemaining = frameLength - 5;
    }
  }

  /** Decides a whole Query or Parse. True when the rest of the chunk waits for an asynchronous answer. */
  #decide(message: Buffer, rest: Buffer): boolean {
    const isQuery = message[0] === QUERY;
    let statement = '';
    let text: string;
    if (isQuery) {
      text = readCString(message, 5).value;
    } else {
      const name = readCString(message, 5);
      statement = name.value;
      text = readCString(message, name.next).value;
    }
    const statements = splitStatements(text);
    const verdict = this.#check(statements.length > 0 ? statements : [text], isQuery ? 'query' : 'parse');
    const apply = (denial: PgDenial | undefined): void => {
      if (denial === undefined) this.#io.toTarget(message);
      else this.#io.toTarget(isQuery ? deniedQuery(denial.message) : deniedParse(statement, denial.message));
    };
    if (!(verdict instanceof Promise)) {
      apply(verdict);
      return false;
    }
    this.#held = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.#io.pauseClient();
    void verdict.then((denial) => {
      if (this.#closed) return;
      apply(denial);
      const held = this.#held ?? [];
      this.#held = undefined;
      for (let i = 0; i < held.length; i++) {
        this.#scan(held[i]!);
        if (this.#held !== undefined) {
          // Another message waits for the policy: the rest stays behind it, in order.
          (this.#held as Buffer[]).push(...held.slice(i + 1));
          return;
        }
      }
      this.#io.resumeClient();
    });
    return true;
  }
}
