// Framing of the server's responses in the command phase: where a response
// (and each result of a multi-statement query) ends, with its outcome.
// Pure: one packet in, at most one outcome out.

import { MySqlErrorCode, mysqlError } from './errors.js';
import {
  type ComStmtPrepareOk,
  decodeEof,
  decodeErr,
  decodeOk,
  decodeStmtPrepareOk,
  type ErrPacket,
  isEndOfRows,
  type OkPacket,
  ServerStatus,
} from './protocol.js';
import { PayloadReader } from './reader.js';

/** What the server answers a command with. */
export type ResponseShape =
  /** COM_QUERY, COM_STMT_EXECUTE: OK, ERR, LOCAL INFILE request, or result sets. */
  | 'results'
  /** COM_STMT_PREPARE: PREPARE_OK with parameter and column definitions, or ERR. */
  | 'prepare'
  /** COM_STMT_FETCH: rows then EOF, or ERR. */
  | 'fetch'
  /** COM_FIELD_LIST: column definitions then EOF, or ERR. */
  | 'field_list'
  /** COM_PING, COM_INIT_DB, COM_STMT_RESET, ...: one OK or ERR. */
  | 'ok'
  /** COM_STATISTICS: one string packet. */
  | 'single'
  /** COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT: nothing. */
  | 'none';

/** The outcome of one result (one statement of a multi-statement query). */
export interface ResultOutcome {
  type: 'result';
  ok?: OkPacket;
  err?: ErrPacket;
  /** Rows of a result set (undefined for an OK without rows). */
  rows?: number;
  columns?: number;
  warnings: number;
  statusFlags: number;
  /** Another result follows (SERVER_MORE_RESULTS_EXISTS). */
  more: boolean;
}

export type ResponseOutcome =
  | ResultOutcome
  | { type: 'prepare'; prepareOk?: ComStmtPrepareOk; err?: ErrPacket; done: boolean }
  /** LOAD DATA LOCAL INFILE: the server asks the client for a file. */
  | { type: 'local_infile'; filename: string };

type State =
  | 'idle'
  | 'first'
  | 'columns'
  | 'columns_eof'
  | 'rows'
  | 'prepare_first'
  | 'prepare_params'
  | 'prepare_params_eof'
  | 'prepare_columns'
  | 'prepare_columns_eof'
  | 'ok'
  | 'single'
  | 'field_list'
  | 'infile';

export class ResponseTracker {
  #state: State = 'idle';
  #remaining = 0;
  #rows = 0;
  #columns = 0;
  #prepareOk: ComStmtPrepareOk | undefined;

  constructor(
    readonly capabilities: number,
    readonly deprecateEof: boolean,
  ) {}

  /** True while a response is expected or under way. */
  get busy(): boolean {
    return this.#state !== 'idle';
  }

  begin(shape: ResponseShape): void {
    this.#rows = 0;
    this.#columns = 0;
    switch (shape) {
      case 'results':
        this.#state = 'first';
        return;
      case 'prepare':
        this.#state = 'prepare_first';
        return;
      case 'fetch':
        this.#state = 'rows';
        return;
      case 'field_list':
        this.#state = 'field_list';
        return;
      case 'ok':
        this.#state = 'ok';
        return;
      case 'single':
        this.#state = 'single';
        return;
      case 'none':
        this.#state = 'idle';
        return;
    }
  }

  /** The client sent the file for a LOAD DATA LOCAL INFILE (or an empty packet): the server answers with OK/ERR. */
  infileSent(): void {
    if (this.#state === 'infile') this.#state = 'first';
  }

  /** One server packet; returns the outcome when a result or response ends. */
  packet(payload: Buffer): ResponseOutcome | undefined {
    const header = payload.length > 0 ? payload[0] : -1;
    switch (this.#state) {
      case 'idle':
        throw mysqlError(MySqlErrorCode.PROTOCOL, 'the server sent a packet no command asked for', {
          header,
        });
      case 'first': {
        if (header === 0x00) return this.#result(decodeOk(payload, this.capabilities), undefined);
        if (header === 0xff) return this.#error(decodeErr(payload));
        if (header === 0xfb) {
          this.#state = 'infile';
          return { type: 'local_infile', filename: payload.subarray(1).toString('utf8') };
        }
        const reader = new PayloadReader(payload, 'column count');
        const columns = reader.lenenc();
        if (columns === 0) throw mysqlError(MySqlErrorCode.PROTOCOL, 'column count: zero columns');
        this.#columns = columns;
        this.#remaining = columns;
        this.#rows = 0;
        this.#state = 'columns';
        return undefined;
      }
      case 'columns':
        if (header === 0xff) return this.#error(decodeErr(payload));
        this.#remaining--;
        if (this.#remaining === 0) this.#state = this.deprecateEof ? 'rows' : 'columns_eof';
        return undefined;
      case 'columns_eof': {
        const eof = decodeEof(payload);
        if (eof.statusFlags & ServerStatus.CURSOR_EXISTS) {
          return this.#rowsEnd(eof.statusFlags, eof.warnings);
        }
        this.#state = 'rows';
        return undefined;
      }
      case 'rows':
        if (header === 0xff) return this.#error(decodeErr(payload));
        if (isEndOfRows(payload, this.deprecateEof)) {
          if (this.deprecateEof) {
            const ok = decodeOk(payload, this.capabilities);
            return this.#rowsEnd(ok.statusFlags, ok.warnings);
          }
          const eof = decodeEof(payload);
          return this.#rowsEnd(eof.statusFlags, eof.warnings);
        }
        this.#rows++;
        return undefined;
      case 'prepare_first': {
        if (header === 0xff) {
          this.#state = 'idle';
          return { type: 'prepare', err: decodeErr(payload), done: true };
        }
        const prepareOk = decodeStmtPrepareOk(payload);
        this.#prepareOk = prepareOk;
        return this.#prepareNext('prepare_params', prepareOk.paramCount, prepareOk);
      }
      case 'prepare_params':
        if (--this.#remaining === 0) {
          if (!this.deprecateEof) this.#state = 'prepare_params_eof';
          else return this.#prepareNext('prepare_columns', this.#prepareOk!.columnCount);
        }
        return undefined;
      case 'prepare_params_eof':
        decodeEof(payload);
        return this.#prepareNext('prepare_columns', this.#prepareOk!.columnCount);
      case 'prepare_columns':
        if (--this.#remaining === 0) {
          if (!this.deprecateEof) this.#state = 'prepare_columns_eof';
          else return this.#prepareDone();
        }
        return undefined;
      case 'prepare_columns_eof':
        decodeEof(payload);
        return this.#prepareDone();
      case 'ok':
        if (header === 0xff) return this.#error(decodeErr(payload));
        return this.#result(decodeOk(payload, this.capabilities), undefined);
      case 'single':
        if (header === 0xff) return this.#error(decodeErr(payload));
        this.#state = 'idle';
        return { type: 'result', warnings: 0, statusFlags: 0, more: false };
      case 'field_list':
        if (header === 0xff) return this.#error(decodeErr(payload));
        if (isEndOfRows(payload, this.deprecateEof)) {
          this.#state = 'idle';
          return { type: 'result', warnings: 0, statusFlags: 0, more: false, columns: this.#columns };
        }
        this.#columns++;
        return undefined;
      case 'infile':
        throw mysqlError(
          MySqlErrorCode.PROTOCOL,
          'the server sent a packet while waiting for the LOCAL INFILE data',
        );
    }
  }

  #prepareNext(
    state: 'prepare_params' | 'prepare_columns',
    count: number,
    prepareOk?: ComStmtPrepareOk,
  ): ResponseOutcome | undefined {
    if (count > 0) {
      this.#state = state;
      this.#remaining = count;
      return prepareOk === undefined ? undefined : { type: 'prepare', prepareOk, done: false };
    }
    if (state === 'prepare_params')
      return this.#prepareNext('prepare_columns', this.#prepareOk!.columnCount, prepareOk);
    const done = this.#prepareDone();
    return prepareOk === undefined ? done : { type: 'prepare', prepareOk, done: true };
  }

  #prepareDone(): ResponseOutcome {
    this.#state = 'idle';
    return { type: 'prepare', prepareOk: this.#prepareOk, done: true };
  }

  #result(ok: OkPacket, rows: number | undefined): ResultOutcome {
    const more = (ok.statusFlags & ServerStatus.MORE_RESULTS_EXISTS) !== 0;
    this.#state = more ? 'first' : 'idle';
    const outcome: ResultOutcome = {
      type: 'result',
      ok,
      warnings: ok.warnings,
      statusFlags: ok.statusFlags,
      more,
    };
    if (rows !== undefined) outcome.rows = rows;
    return outcome;
  }

  #rowsEnd(statusFlags: number, warnings: number): ResultOutcome {
    const more = (statusFlags & ServerStatus.MORE_RESULTS_EXISTS) !== 0;
    this.#state = more ? 'first' : 'idle';
    return { type: 'result', rows: this.#rows, columns: this.#columns, warnings, statusFlags, more };
  }

  #error(err: ErrPacket): ResultOutcome {
    this.#state = 'idle';
    return { type: 'result', err, warnings: 0, statusFlags: 0, more: false };
  }
}
