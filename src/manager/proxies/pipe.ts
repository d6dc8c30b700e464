/** `ConnectionProxy`: one end of a managed Pipe (Python's `Manager().Pipe()`) from any thread or process. */
import { registerShareable } from '../../core/shareable.ts';
import { ChannelClosedError, InvalidArgumentError } from '../../errors.ts';
import type { AsyncWaitOptions } from '../../channels/queue-options.ts';
import type { RecvOptions } from '../../channels/pipe.ts';
import { describe } from '../../sync/options.ts';
import { channelFor } from '../channels.ts';
import type { ManagerChannel } from '../types.ts';
import type { ProxyState } from './managed-proxy.ts';
import { ManagedProxy, proxyKind } from './managed-proxy.ts';
import { asyncOptions, checkTimeout } from './options.ts';

registerShareable(
  proxyKind('Connection'),
  (state: ProxyState) => new ConnectionProxy(channelFor(state.endpoint), state.id),
);

function recvTimeout(options: RecvOptions | undefined): number | undefined {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  return checkTimeout(options?.timeout);
}

/**
 * One end of a managed Pipe: `manager.Pipe()` returns two. The surface of the thread `Connection`: `send`,
 * `recv`, `poll`, `close`, `for await`, each with an `...Async` form; the getters `readable`, `writable` and
 * `closed` are methods here (each is a round trip). Either end may go to any thread or process.
 *
 * Caveat: a managed pipe buffers without limit on the manager, so `send` never waits for room.
 * @example
 * ```ts
 * const [parent, child] = await manager.Pipe<string>();
 * pool.submit(echo, child); // in the worker process: child.send(child.recv().toUpperCase())
 * await parent.sendAsync('hi');
 * await parent.recvAsync(); // 'HI'
 * ```
 */
export class ConnectionProxy<T = unknown> extends ManagedProxy implements AsyncIterable<T> {
  /** @internal Made by `manager.Pipe()`, or revived from a task argument. */
  constructor(channel: ManagerChannel, id: number) {
    super(channel, id, 'Connection', 'conn');
  }

  /**
   * Sends a value to the other end. Blocking (the round trip): workers.
   * @throws ChannelClosedError if either end was closed. InvalidStateError on the receiving end of a one-way pipe.
   */
  send(value: T): void {
    this.callSync('send', [value]);
  }

  /** The async form of {@link send}. */
  sendAsync(value: T): Promise<void> {
    return this.callVoid('send', [value]);
  }

  /**
   * Returns the next message, blocking this worker until one arrives.
   * @throws TimeoutError after `timeout`. ChannelClosedError once the other end closed and everything it sent
   * was received.
   */
  recv(options?: RecvOptions): T {
    return this.callSync('recv', [], recvTimeout(options)) as T;
  }

  /**
   * Returns the next message, waiting asynchronously. Rejects with TimeoutError after `timeout`,
   * `signal.reason` on abort (no message taken), ChannelClosedError once the other end closed and drained.
   */
  recvAsync(options?: AsyncWaitOptions): Promise<T> {
    return this.callAsync('recv', [], asyncOptions(options)) as Promise<T>;
  }

  /**
   * True if `recv` would return without waiting: a message is there, or the other end closed. With a `timeout`
   * (ms) waits up to that long for one. Blocking (the round trip): workers.
   * @default timeout 0
   */
  poll(timeout = 0): boolean {
    return this.callSync('poll', [], checkTimeout(timeout)) as boolean;
  }

  /** The async form of {@link poll}. */
  pollAsync(timeout = 0, options?: Pick<AsyncWaitOptions, 'signal'>): Promise<boolean> {
    const checked = asyncOptions({ timeout, signal: options?.signal });
    return this.callAsync('poll', [], checked) as Promise<boolean>;
  }

  /**
   * Closes the pipe from this end: the other end receives what was already sent, then ChannelClosedError, and
   * may no longer send; this end refuses everything after. Idempotent. Blocking: workers.
   */
  close(): void {
    this.callSync('close', []);
  }

  /** The async form of {@link close}. */
  closeAsync(): Promise<void> {
    return this.callVoid('close', []);
  }

  /** True once this end was closed (through any proxy of it). Blocking: workers. */
  closed(): boolean {
    return this.callSync('closed', []) as boolean;
  }

  /** The async form of {@link closed}. */
  closedAsync(): Promise<boolean> {
    return this.callAsync('closed', []) as Promise<boolean>;
  }

  /** True if this end can receive (false for the sending end of a one-way pipe). Blocking: workers. */
  readable(): boolean {
    return this.callSync('readable', []) as boolean;
  }

  /** The async form of {@link readable}. */
  readableAsync(): Promise<boolean> {
    return this.callAsync('readable', []) as Promise<boolean>;
  }

  /** True if this end can send (false for the receiving end of a one-way pipe). Blocking: workers. */
  writable(): boolean {
    return this.callSync('writable', []) as boolean;
  }

  /** The async form of {@link writable}. */
  writableAsync(): Promise<boolean> {
    return this.callAsync('writable', []) as Promise<boolean>;
  }

  /** Yields messages as they arrive until the other end closes (and everything it sent has been received). */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let value: T;
      try {
        value = await this.recvAsync();
      } catch (error) {
        if (error instanceof ChannelClosedError) return;
        throw error;
      }
      yield value;
    }
  }
}
