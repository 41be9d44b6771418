// The live action stream: every semantic event of every session, published as
// it happens to subscribers that can never slow the relay. Each subscriber has
// its own bounded queue, drained on a later turn of the event loop; a full
// queue drops (and counts) the newest action rather than grow or wait.
import type {
  AnnotationEvent,
  ApiCallEvent,
  CommandEvent,
  EndReasonName,
  FileOperationEvent,
  QueryEvent,
  SessionContext,
  SessionSummary,
  StreamKindName,
} from './contracts.js';

/** What a live action is about. */
export type LiveActionType =
  | 'session.started'
  | 'session.ended'
  | 'stream.opened'
  | 'stream.closed'
  | 'command'
  | 'query'
  | 'api_call'
  | 'file_operation'
  | 'annotation'
  | 'alert';

interface LiveActionBase {
  sessionId: string;
  /** The session's grant (who, which flow, which resource, labels). */
  context: Readonly<SessionContext>;
  /** Nanoseconds since the session started when the action was published. */
  offsetNs: number;
  /** Wall-clock time of publication, Unix ms. */
  time: number;
  /**
   * Actions this subscriber lost (its queue was full) since the one it got
   * before this one. 0 almost always.
   */
  dropped: number;
}

/** What an alert rule reports (see `AlertRule`). */
export interface AlertInfo {
  ruleId: string;
  ruleName?: string;
  severity: AlertSeverity;
  message?: string;
  /** The action that matched (as published: without a subscriber's `dropped`). */
  action: Exclude<PublishedAction, { type: 'alert' }>;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

/**
 * One action of a live session, after redaction (the same text the recording
 * holds). Discriminated by `type`.
 */
export type LiveAction = LiveActionBase &
  (
    | { type: 'session.started' }
    | { type: 'session.ended'; reason: EndReasonName; summary: SessionSummary }
    | { type: 'stream.opened'; streamId: number; kind: StreamKindName; details: Record<string, string> }
    | {
        type: 'stream.closed';
        streamId: number;
        kind: StreamKindName;
        exitStatus?: number;
        exitSignal?: string;
        bytesClientToTarget: number;
        bytesTargetToClient: number;
      }
    | { type: 'command'; command: CommandEvent }
    | { type: 'query'; query: QueryEvent }
    | { type: 'api_call'; apiCall: ApiCallEvent }
    | { type: 'file_operation'; fileOperation: FileOperationEvent }
    | { type: 'annotation'; annotation: AnnotationEvent }
    | { type: 'alert'; alert: AlertInfo }
  );

/** A live action as a session hands it over: the subscriber fields are added per subscriber. */
export type PublishedAction = LiveAction extends infer A
  ? A extends LiveAction
    ? Omit<A, 'dropped'>
    : never
  : never;

/** Called once per action, in order. A returned promise holds the next action back until it settles. */
export type LiveActionListener = (action: LiveAction) => void | Promise<void>;

export interface LiveSubscribeOptions {
  /** Only this session's actions. */
  sessionId?: string;
  /** Actions this subscriber may have waiting before new ones are dropped (counted). @default 1024 */
  maxQueue?: number;
}

export interface LiveStats {
  subscribers: number;
  /** Actions published since the recorder started. */
  published: number;
  /** Actions handed to a subscriber. */
  delivered: number;
  /** Actions a subscriber lost because its queue was full. */
  dropped: number;
  /** Listener calls that threw or rejected (the recorder carried on). */
  listenerErrors: number;
  /** Alerts raised by the recorder's alert rules. */
  alerts?: number;
}

const DEFAULT_MAX_QUEUE = 1024;

class Subscriber {
  readonly #hub: ActionHub;
  readonly sessionId: string | undefined;
  readonly #maxQueue: number;
  readonly #listener: LiveActionListener | undefined;
  #queue: LiveAction[] = [];
  #head = 0;
  #droppedSinceLast = 0;
  #scheduled = false;
  #busy = false;
  closed = false;
  /** Pull mode (`actions()`): a reader waiting for the next action. */
  #waiter: ((result: IteratorResult<LiveAction>) => void) | undefined;

  constructor(hub: ActionHub, listener: LiveActionListener | undefined, options: LiveSubscribeOptions) {
    this.#hub = hub;
    this.#listener = listener;
    this.sessionId = options.sessionId;
    const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    this.#maxQueue = Number.isSafeInteger(maxQueue) && maxQueue >= 1 ? maxQueue : DEFAULT_MAX_QUEUE;
  }

  get listener(): LiveActionListener | undefined {
    return this.#listener;
  }

  offer(action: Omit<LiveAction, 'dropped'>): void {
    if (this.closed) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      this.#hub.counts.delivered++;
      waiter({ done: false, value: this.#stamp(action) });
      return;
    }
    if (this.#queue.length - this.#head >= this.#maxQueue) {
      this.#droppedSinceLast++;
      this.#hub.counts.dropped++;
      return;
    }
    this.#queue.push(this.#stamp(action));
    if (this.#listener && !this.#scheduled && !this.#busy) {
      this.#scheduled = true;
      // Never inside the relay's call stack: listeners run on a later turn.
      setImmediate(() => void this.#drain());
    }
  }

  /** A copy for this subscriber, carrying the count of actions lost just before it. */
  #stamp(action: Omit<LiveAction, 'dropped'>): LiveAction {
    const dropped = this.#droppedSinceLast;
    this.#droppedSinceLast = 0;
    // Object.assign, not a spread: this runs per action and subscriber.
    const stamped = Object.assign({}, action) as LiveAction;
    stamped.dropped = dropped;
    return stamped;
  }

  #take(): LiveAction | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const action = this.#queue[this.#head]!;
    this.#queue[this.#head] = undefined as never;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return action;
  }

  async #drain(): Promise<void> {
    this.#scheduled = false;
    this.#busy = true;
    try {
      for (let action = this.#take(); action && !this.closed; action = this.#take()) {
        this.#hub.counts.delivered++;
        try {
          const result = this.#listener!(action);
          if (result && typeof (result as Promise<void>).then === 'function') await result;
        } catch (error) {
          this.#hub.listenerFailed(error);
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  /** Pull mode: the next action, waiting for one. */
  next(): Promise<IteratorResult<LiveAction>> {
    const action = this.#take();
    if (action) {
      this.#hub.counts.delivered++;
      return Promise.resolve({ done: false, value: action });
    }
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  close(): void {
    this.closed = true;
    this.#queue = [];
    this.#head = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ done: true, value: undefined });
  }
}

/** Fans actions out to subscribers. Publishing costs nothing while nobody listens. */
export class ActionHub {
  readonly #subscribers = new Set<Subscriber>();
  readonly counts = { published: 0, delivered: 0, dropped: 0, listenerErrors: 0 };
  readonly #onListenerError: ((error: unknown) => void) | undefined;

  constructor(onListenerError?: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** True when someone listens: sessions skip building actions otherwise. */
  get active(): boolean {
    return this.#subscribers.size > 0;
  }

  publish(action: PublishedAction, except?: Subscriber): void {
    this.counts.published++;
    for (const subscriber of this.#subscribers) {
      if (subscriber === except) continue;
      if (subscriber.sessionId !== undefined && subscriber.sessionId !== action.sessionId) continue;
      subscriber.offer(action);
    }
  }

  subscribe(listener: LiveActionListener | undefined, options: LiveSubscribeOptions = {}): Subscriber {
    const subscriber = new Subscriber(this, listener, options);
    this.#subscribers.add(subscriber);
    return subscriber;
  }

  unsubscribe(listener: LiveActionListener): boolean {
    for (const subscriber of this.#subscribers) {
      if (subscriber.listener === listener) {
        this.remove(subscriber);
        return true;
      }
    }
    return false;
  }

  remove(subscriber: Subscriber): void {
    subscriber.close();
    this.#subscribers.delete(subscriber);
  }

  /** An async iterator over the actions (pull mode); `return()` (or `break`) unsubscribes. */
  iterate(options: LiveSubscribeOptions & { signal?: AbortSignal } = {}): AsyncIterableIterator<LiveAction> {
    const subscriber = this.subscribe(undefined, options);
    const stop = () => this.remove(subscriber);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    const iterator: AsyncIterableIterator<LiveAction> = {
      next: () => subscriber.next(),
      return: () => {
        stop();
        options.signal?.removeEventListener('abort', stop);
        return Promise.resolve({ done: true, value: undefined });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  listenerFailed(error: unknown): void {
    this.counts.listenerErrors++;
    try {
      this.#onListenerError?.(error);
    } catch {
      // Reporting must not break the stream either.
    }
  }

  stats(): LiveStats {
    return { subscribers: this.#subscribers.size, ...this.counts };
  }

  /** Ends every subscription (iterators finish). */
  close(): void {
    for (const subscriber of this.#subscribers) subscriber.close();
    this.#subscribers.clear();
  }
}
