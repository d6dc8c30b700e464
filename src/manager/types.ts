/**
 * The two seams of the manager, so its transport (sockets, auth, the blocking bridge) and its objects (the
 * server-side dict, lock, queue, ... and their client proxies) are built and tested apart:
 *
 *   proxy ──ManagerChannel.call / callSync──▶ connection ══socket══▶ server ──ObjectHost.invoke──▶ object
 *
 * A proxy knows its object's id and the channel it talks through; it never sees a socket. The server knows
 * sessions (one per connection) and hands every request to the host; it never sees a dict.
 */

/** Where a manager listens: a Unix socket path, or a TCP host and port. */
export type ManagerAddress = string | { readonly host: string; readonly port: number };

/** Everything a process needs to reach a manager: sent (by proxies) to workers inside task arguments. */
export interface ManagerEndpoint {
  readonly address: ManagerAddress;
  /** The shared secret, hex. Peers prove they hold it (HMAC challenge); it never crosses the socket itself. */
  readonly authkey: string;
}

/** The object id of the manager itself: `create` and the manager's own methods are called on it. */
export const MANAGER_OBJECT = 0;

/** The kinds of object a manager serves. */
export type ManagedType =
  | 'dict'
  | 'list'
  | 'namespace'
  | 'value'
  | 'Lock'
  | 'RLock'
  | 'Semaphore'
  | 'BoundedSemaphore'
  | 'Condition'
  | 'Event'
  | 'Barrier'
  | 'Queue'
  | 'JoinableQueue'
  | 'LifoQueue'
  | 'PriorityQueue'
  | 'SimpleQueue'
  | 'Pipe';

/** Per-call options a channel carries to the server. */
export interface ChannelCallOptions {
  /**
   * For calls that may wait on the server (acquire, get, wait, ...): the longest wait, in milliseconds. The
   * server applies it, so a timed-out call answers as its method says (`false`, QueueEmptyError, ...).
   */
  readonly timeout?: number;
  /**
   * Async calls only. Aborting sends a cancel for the request: if the server still holds it pending it is
   * withdrawn and the promise rejects with `signal.reason`; if it had already completed, its result stands
   * (nothing taken from a queue is lost, no lock is left held by nobody).
   */
  readonly signal?: AbortSignal;
}

/**
 * A client's line to one manager, for the calling thread. One session per thread: the server ties ownership
 * (who holds a lock) and clean-up (locks of a dead peer are abandoned) to it.
 */
export interface ManagerChannel {
  readonly endpoint: ManagerEndpoint;
  /** Resolves with the method's value, or rejects with its error (Spindle errors arrive as their own class). */
  call(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: ChannelCallOptions,
  ): Promise<unknown>;
  /**
   * The same call, blocking this thread until the reply. Workers only: on the main thread it throws
   * BlockingCallError (see core/may-block.ts). A lost connection throws ManagerUnavailableError, never hangs.
   */
  callSync(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: { readonly timeout?: number },
  ): unknown;
}

/** One connected peer, as the server sees it. */
export interface Session {
  /** Unique for the server's lifetime. */
  readonly id: number;
}

/** What the server passes with each request. */
export interface Invocation {
  readonly session: Session;
  /** From ChannelCallOptions.timeout; undefined means wait for ever. */
  readonly timeout?: number;
  /**
   * Aborted when the client cancels this request or its session closes. A pending operation must then give up
   * without effect (a waiter leaves the queue of waiters) and reject with `signal.reason`.
   */
  readonly signal: AbortSignal;
}

/** The server's objects. The transport calls it; it knows nothing of sockets. */
export interface ObjectHost {
  /**
   * Runs one method. Returns the value (sync or as a promise that settles when a waiting operation completes);
   * throws or rejects with the error to send back. `object` MANAGER_OBJECT with method `create` and args
   * `[type: ManagedType, ...constructorArgs]` makes an object and returns its id.
   */
  invoke(object: number, method: string, args: readonly unknown[], invocation: Invocation): unknown;
  /** The session's connection closed (peer exited, crashed or disconnected): release or abandon what it held. */
  sessionClosed(session: Session): void;
}
