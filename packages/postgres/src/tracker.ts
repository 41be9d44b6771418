// Turns the two message streams of one connection into Query events: the
// client's requests are queued in order, and the server's replies (which
// come in the same order) complete them. Simple queries give one event per
// statement the server reports (CommandComplete, EmptyQueryResponse or
// ErrorResponse); the extended protocol gives one event per Execute, with the
// statement's text and its bound parameters. Events wait for ReadyForQuery so
// the last one carries the transaction state.

import type { QueryEvent, QueryParameterEvent } from '@tapline/core';
import type { BackendMessage, FrontendMessage, NoticeFields } from './protocol/messages.js';
import { splitStatements } from './sql-split.js';
import { describeParameter, type ParameterOptions } from './values.js';

export interface QueryTrackerOptions extends ParameterOptions {
  streamId: number;
  database?: string;
  /** The session clock (ns since the session started). */
  now(): number;
  /** Receives each finished event, in order. */
  emit(event: QueryEvent): void;
  /** Named statements and portals remembered at once; the oldest is forgotten past it. @default 10000 */
  maxPrepared?: number;
}

interface PreparedStatement {
  text: string;
  types: number[];
}

interface Portal {
  statement: string;
  text: string;
  parameters: QueryParameterEvent[];
}

interface Copying {
  kind: 'copy_in' | 'copy_out';
  bytes: number;
}

type Operation =
  | {
      op: 'query';
      text: string;
      statements: string[];
      index: number;
      startedNs: number;
      lastNs: number;
      failed: boolean;
      copy?: Copying;
      warnings: number;
      rows: number;
    }
  | { op: 'parse'; statement: string; text: string; startedNs: number }
  | { op: 'bind'; portal: Portal; portalName: string; startedNs: number }
  | { op: 'describe'; target: 'statement' | 'portal'; name: string }
  | {
      op: 'execute';
      portalName: string;
      portal: Portal | undefined;
      startedNs: number;
      rows: number;
      copy?: Copying;
      warnings: number;
    }
  | { op: 'close' }
  | { op: 'function' }
  | { op: 'sync' };

const kRowTags = new Set(['INSERT', 'SELECT', 'UPDATE', 'DELETE', 'MERGE', 'MOVE', 'FETCH', 'COPY']);
const kMaxPendingEvents = 256;

/** The row count a command tag states ("INSERT 0 5" → 5), if it states one. */
export function rowsOfTag(tag: string): number | undefined {
  const space = tag.indexOf(' ');
  if (space < 0 || !kRowTags.has(tag.slice(0, space))) return undefined;
  const count = Number(tag.slice(tag.lastIndexOf(' ') + 1));
  return Number.isSafeInteger(count) ? count : undefined;
}

const transactionStates = { I: 'idle', T: 'transaction', E: 'failed' } as const;

export class QueryTracker {
  readonly #options: QueryTrackerOptions;
  readonly #statements = new Map<string, PreparedStatement>();
  readonly #portals = new Map<string, Portal>();
  readonly #queue: Operation[] = [];
  #head = 0;
  #pending: QueryEvent[] = [];
  readonly #maxPrepared: number;

  constructor(options: QueryTrackerOptions) {
    this.#options = options;
    this.#maxPrepared = options.maxPrepared ?? 10_000;
  }

  /** Requests the server has not answered yet (bounded by the client's pipelining). */
  get outstanding(): number {
    return this.#queue.length - this.#head;
  }

  frontend(message: FrontendMessage): void {
    const now = this.#options.now();
    switch (message.name) {
      case 'query':
        this.#push({
          op: 'query',
          text: message.text,
          statements: splitStatements(message.text),
          index: 0,
          startedNs: now,
          lastNs: now,
          failed: false,
          warnings: 0,
          rows: 0,
        });
        return;
      case 'parse':
        this.#remember(this.#statements, message.statement, {
          text: message.text,
          types: [...message.parameterTypes],
        });
        this.#push({ op: 'parse', statement: message.statement, text: message.text, startedNs: now });
        return;
      case 'bind': {
        const statement = this.#statements.get(message.statement);
        const parameters = message.parameters.map((value, index) =>
          describeParameter(
            value,
            message.parameterFormats[index] ?? 0,
            statement?.types[index],
            this.#options,
          ),
        );
        const portal: Portal = { statement: message.statement, text: statement?.text ?? '', parameters };
        this.#remember(this.#portals, message.portal, portal);
        this.#push({ op: 'bind', portal, portalName: message.portal, startedNs: now });
        return;
      }
      case 'describe':
        this.#push({ op: 'describe', target: message.target, name: message.objectName });
        return;
      case 'execute':
        this.#push({
          op: 'execute',
          portalName: message.portal,
          portal: this.#portals.get(message.portal),
          startedNs: now,
          rows: 0,
          warnings: 0,
        });
        return;
      case 'close':
        if (message.target === 'statement') this.#statements.delete(message.objectName);
        else this.#portals.delete(message.objectName);
        this.#push({ op: 'close' });
        return;
      case 'sync':
        this.#push({ op: 'sync' });
        return;
      case 'functionCall':
        this.#push({ op: 'function' });
        return;
      case 'copyData': {
        const copy = this.#copying();
        if (copy !== undefined) copy.bytes += message.length;
        return;
      }
      default:
        return;
    }
  }

  backend(message: BackendMessage): void {
    const head = this.#queue[this.#head];
    switch (message.name) {
      case 'dataRow':
        if (head?.op === 'query' || head?.op === 'execute') head.rows++;
        return;
      case 'copyData': {
        const copy = this.#copying();
        if (copy !== undefined) copy.bytes += message.length;
        return;
      }
      case 'copyInResponse':
      case 'copyOutResponse':
      case 'copyBothResponse':
        if (head?.op === 'query' || head?.op === 'execute') {
          head.copy = { kind: message.name === 'copyInResponse' ? 'copy_in' : 'copy_out', bytes: 0 };
        }
        return;
      case 'commandComplete':
        this.#complete(head, message.tag, undefined);
        return;
      case 'emptyQueryResponse':
        this.#complete(head, '', undefined);
        return;
      case 'portalSuspended':
        if (head?.op === 'execute') this.#complete(head, '', undefined);
        return;
      case 'errorResponse':
        this.#complete(head, undefined, message.fields);
        return;
      case 'noticeResponse':
        if (head?.op === 'query' || head?.op === 'execute') head.warnings++;
        return;
      case 'parseComplete':
      case 'bindComplete':
      case 'closeComplete':
        if (head !== undefined && head.op !== 'query' && head.op !== 'sync') this.#shift();
        return;
      case 'parameterDescription':
        if (head?.op === 'describe' && head.target === 'statement') {
          const statement = this.#statements.get(head.name);
          if (statement !== undefined) statement.types = [...message.typeOids];
        }
        return;
      case 'rowDescription':
      case 'noData':
        if (head?.op === 'describe') this.#shift();
        return;
      case 'functionCallResponse':
        if (head?.op === 'function') this.#shift();
        return;
      case 'readyForQuery':
        this.#ready(message.status);
        return;
      case 'notificationResponse':
        this.#options.emit({
          streamId: this.#options.streamId,
          kind: 'notification',
          channel: message.channel,
          text: message.payload,
          startedOffsetNs: this.#options.now(),
          ...(this.#options.database === undefined ? {} : { database: this.#options.database }),
        });
        return;
      default:
        return;
    }
  }

  /**
   * Emits what is pending (the connection ended before ReadyForQuery), then
   * the statement the server was running, if any: it has no command tag (it
   * never finished) but belongs in the audit trail all the same.
   */
  flush(): void {
    const head = this.#queue[this.#head];
    const running =
      (head?.op === 'query' && !head.failed && head.index < Math.max(1, head.statements.length)) ||
      head?.op === 'execute';
    if (running) {
      this.#complete(head, undefined, undefined);
      this.#queue.length = 0;
      this.#head = 0;
    }
    this.#flushPending(undefined);
  }

  #push(operation: Operation): void {
    this.#queue.push(operation);
  }

  #shift(): void {
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #remember<V>(map: Map<string, V>, name: string, value: V): void {
    map.delete(name);
    map.set(name, value);
    if (map.size > this.#maxPrepared) map.delete(map.keys().next().value as string);
  }

  #copying(): Copying | undefined {
    const head = this.#queue[this.#head];
    return head?.op === 'query' || head?.op === 'execute' ? head.copy : undefined;
  }

  #complete(head: Operation | undefined, tag: string | undefined, error: NoticeFields | undefined): void {
    if (head === undefined || head.op === 'sync' || head.op === 'close' || head.op === 'describe') {
      if (error !== undefined && head !== undefined && head.op !== 'sync') this.#skipToSync();
      return;
    }
    const now = this.#options.now();
    const base: QueryEvent = { streamId: this.#options.streamId, text: '' };
    if (this.#options.database !== undefined) base.database = this.#options.database;
    if (tag !== undefined) {
      base.commandTag = tag;
      const rows = rowsOfTag(tag);
      if (rows !== undefined) base.rows = rows;
    }
    if (error !== undefined) {
      if (error.C !== undefined) base.errorCode = error.C;
      base.errorMessage = error.M ?? '';
      const severity = error.V ?? error.S;
      if (severity !== undefined) base.errorSeverity = severity;
    }
    switch (head.op) {
      case 'query': {
        const text = head.statements[head.index] ?? (head.statements.length <= 1 ? head.text : '');
        head.index++;
        const event: QueryEvent = {
          ...base,
          text: text === '' ? head.text : text,
          mode: 'simple',
          startedOffsetNs: head.startedNs,
          durationNs: now - head.lastNs,
        };
        head.lastNs = now;
        if (tag === '') delete event.commandTag;
        if (base.rows === undefined && tag !== undefined && tag !== '' && head.rows > 0)
          event.rows = head.rows;
        this.#decorate(event, head.copy, head.warnings);
        head.copy = undefined;
        head.warnings = 0;
        head.rows = 0;
        if (error !== undefined) head.failed = true;
        this.#queueEvent(event);
        return;
      }
      case 'execute': {
        const portal = head.portal;
        const event: QueryEvent = {
          ...base,
          text: portal?.text ?? '',
          mode: 'extended',
          statement: portal?.statement ?? '',
          portal: head.portalName,
          startedOffsetNs: head.startedNs,
          durationNs: now - head.startedNs,
        };
        if (portal !== undefined && portal.parameters.length > 0) event.parameters = portal.parameters;
        if (tag === '') {
          delete event.commandTag;
          if (head.rows > 0) event.rows = head.rows;
        }
        this.#decorate(event, head.copy, head.warnings);
        this.#queueEvent(event);
        this.#shift();
        if (error !== undefined) this.#skipToSync();
        return;
      }
      case 'parse':
      case 'bind': {
        // Only a failure is an event: the statement could not be prepared or bound.
        if (error === undefined) return;
        const event: QueryEvent = {
          ...base,
          text: head.op === 'parse' ? head.text : head.portal.text,
          mode: 'extended',
          kind: head.op === 'parse' ? 'prepare' : 'execute',
          statement: head.op === 'parse' ? head.statement : head.portal.statement,
          startedOffsetNs: head.startedNs,
          durationNs: now - head.startedNs,
        };
        if (head.op === 'bind') {
          event.portal = head.portalName;
          if (head.portal.parameters.length > 0) event.parameters = head.portal.parameters;
        }
        this.#queueEvent(event);
        this.#skipToSync();
        return;
      }
      case 'function':
        if (error !== undefined) this.#skipToSync();
        return;
    }
  }

  #decorate(event: QueryEvent, copy: Copying | undefined, warnings: number): void {
    if (copy !== undefined) {
      event.kind = copy.kind;
      event.copyBytes = copy.bytes;
    }
    if (warnings > 0) event.warnings = warnings;
  }

  /** After an error the server ignores every extended-protocol message up to Sync. */
  #skipToSync(): void {
    while (this.#head < this.#queue.length) {
      const operation = this.#queue[this.#head] as Operation;
      if (operation.op === 'sync' || operation.op === 'query') return;
      this.#shift();
    }
  }

  #ready(status: 'I' | 'T' | 'E'): void {
    // ReadyForQuery ends a simple query or answers a Sync; whatever is still
    // queued before it was skipped by the server.
    while (this.#head < this.#queue.length) {
      const operation = this.#queue[this.#head] as Operation;
      this.#shift();
      if (operation.op === 'sync' || operation.op === 'query') break;
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    this.#flushPending(transactionStates[status]);
  }

  #queueEvent(event: QueryEvent): void {
    this.#pending.push(event);
    if (this.#pending.length >= kMaxPendingEvents) this.#flushPending(undefined);
  }

  #flushPending(status: QueryEvent['transactionStatus']): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    if (status !== undefined) (pending[pending.length - 1] as QueryEvent).transactionStatus = status;
    for (const event of pending) this.#options.emit(event);
  }
}
