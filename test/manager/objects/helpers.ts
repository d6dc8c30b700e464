// Shared by the test/manager/objects suites: a host, sessions that call it, and a way to tell a pending reply
// from a settled one without timing assumptions (the host settles everything within a turn or two of the loop).
import type { Invocation, ManagedType, ObjectHost, Session } from '../../../src/manager/types.ts';
import { MANAGER_OBJECT } from '../../../src/manager/types.ts';

let nextSession = 1;

export interface CallOptions {
  readonly timeout?: number;
  readonly signal?: AbortSignal;
}

/** One client thread's session on a host. */
export class Client {
  readonly session: Session = { id: nextSession++ };
  readonly #host: ObjectHost;

  constructor(host: ObjectHost) {
    this.#host = host;
  }

  /** The raw invoke: a value, a promise, or a synchronous throw. */
  invoke(object: number, method: string, args: readonly unknown[] = [], options: CallOptions = {}): unknown {
    const invocation: Invocation = {
      session: this.session,
      timeout: options.timeout,
      signal: options.signal ?? new AbortController().signal,
    };
    return this.#host.invoke(object, method, args, invocation);
  }

  /** The invoke as a promise, as the transport sends it back: a throw becomes a rejection. */
  async call(
    object: number,
    method: string,
    args: readonly unknown[] = [],
    options: CallOptions = {},
  ): Promise<unknown> {
    return this.invoke(object, method, args, options);
  }

  create(type: ManagedType, ...args: unknown[]): number {
    return this.invoke(MANAGER_OBJECT, 'create', [type, ...args]) as number;
  }

  /** This session's connection closed. */
  close(): void {
    this.#host.sessionClosed(this.session);
  }
}

/** Lets the event loop turn twice: whatever the host settles synchronously or via setImmediate has settled. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** 'pending', or how the promise settled, once the host has had its turns. */
export async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'fulfilled'),
    () => (state = 'rejected'),
  );
  await settle();
  return state;
}
