// A ManagerChannel without sockets, for testing the proxies against a real host: each FakeChannel is one client
// thread's session. Arguments and results take the trip a transport gives them (shared objects packed to their
// wire forms, a structured-clone copy each way, errors encoded and decoded), so a proxy that works here sends
// nothing a real channel could not carry.
import { assertMayBlock } from '../../../src/core/may-block.ts';
import { packShared, unpackShared } from '../../../src/core/shareable.ts';
import { decodeError, encodeError } from '../../../src/backends/common/remote-error.ts';
import type {
  ChannelCallOptions,
  ManagerChannel,
  ManagerEndpoint,
  ObjectHost,
  Session,
} from '../../../src/manager/types.ts';
import { MANAGER_OBJECT } from '../../../src/manager/types.ts';

let nextSession = 1000;

export const ENDPOINT: ManagerEndpoint = { address: '/tmp/spindle-fake-manager.sock', authkey: 'c0ffee' };

/** What a transport does to a value on its way: shared objects to wire forms, then a copy. */
export function overTheWire(value: unknown): unknown {
  return structuredClone(packShared(value, 'process', 'value').value);
}

/** An error as it arrives from the server: rebuilt from its encoding (class, code and message kept). */
export function rebuilt(error: unknown): unknown {
  return decodeError(encodeError(error));
}

export class FakeChannel implements ManagerChannel {
  readonly endpoint = ENDPOINT;
  readonly session: Session = { id: nextSession++ };
  readonly #host: ObjectHost;
  /** The signals of this session's calls in flight, aborted when it closes. */
  readonly #pending = new Set<AbortController>();

  constructor(host: ObjectHost) {
    this.#host = host;
  }

  async call(
    object: number,
    method: string,
    args: readonly unknown[],
    options?: ChannelCallOptions,
  ): Promise<unknown> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#pending.add(controller);
    try {
      const sent = overTheWire(args) as unknown[];
      const value = await this.#host.invoke(object, method, sent, {
        session: this.session,
        timeout: options?.timeout,
        signal: controller.signal,
      });
      return unpackShared(overTheWire(value));
    } catch (error) {
      // A cancelled call rejects with the caller's own reason, as the transport's CANCELLED reply does.
      if (signal?.aborted === true && error === signal.reason) throw error;
      throw rebuilt(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#pending.delete(controller);
    }
  }

  callSync(): unknown {
    assertMayBlock('FakeChannel.callSync()', 'FakeChannel.call()');
    throw new Error(
      'FakeChannel cannot block: test blocking forms in a worker, through the bridge (bridge.ts)',
    );
  }

  /** Creates an object on the host, as the Manager's factories will. */
  create(type: string, ...args: unknown[]): Promise<number | number[]> {
    return this.call(MANAGER_OBJECT, 'create', [type, ...args]) as Promise<number | number[]>;
  }

  /** The connection drops: calls in flight are aborted, then the host hears of it (as server-session.ts does). */
  close(): void {
    for (const controller of this.#pending) controller.abort(new Error('connection closed'));
    this.#host.sessionClosed(this.session);
  }
}
