/**
 * The managed Pipe: Python's `multiprocessing.Pipe()`, two connected `Connection` objects (two object ids)
 * served by the manager, so the ends may live in any threads or processes.
 *
 *   duplex:   end A ──out── direction AB ──in──▶ end B        one-way:   end A (receives) ◀── direction ── end B (sends)
 *             end A ◀──in── direction BA ──out── end B
 *
 * A direction is an unbounded line of messages: `send` never waits (the thread Pipe's `capacityBytes` has no
 * counterpart; the server's memory bounds it). Closing either end closes both directions, as the thread Pipe
 * does: the other end receives what was already sent, then ChannelClosedError, and may no longer send.
 */
import { Fifo } from '../../core/fifo.ts';
import { ChannelClosedError, InvalidStateError, TimeoutError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, booleanArg, dispatch, methodTable } from './hosted.ts';
import { WaiterList } from './waiters.ts';

/** Messages travelling one way, and the receivers waiting for them. */
class Direction {
  readonly messages = new Fifo<unknown>();
  readonly receivers = new WaiterList<unknown>();
  /** `poll` waiters: told that something is ready, without taking it. */
  readonly pollers = new WaiterList<boolean>();
  closed = false;

  get ready(): boolean {
    return this.messages.size > 0 || this.closed;
  }

  push(message: unknown): void {
    const receiver = this.receivers.first();
    if (receiver !== undefined) {
      this.receivers.grant(receiver, message);
      return;
    }
    this.messages.push(message);
    this.#tellPollers();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.receivers.failAll(() => drained());
    this.#tellPollers();
  }

  #tellPollers(): void {
    for (const poller of this.pollers.waiters()) this.pollers.grant(poller, true);
  }
}

function drained(): ChannelClosedError {
  return new ChannelClosedError('The other end of the pipe was closed and everything it sent was received');
}

const METHODS = methodTable<HostConnection>({
  /** [value]; never waits. */
  send: (conn, args) => {
    arity(args, 1, 1, 'Connection.send');
    conn.send(args[0]);
  },
  /** → the next message; waits up to the invocation's timeout (TimeoutError when it runs out). */
  recv: (conn, args, inv) => {
    arity(args, 0, 0, 'Connection.recv');
    return conn.recv(inv);
  },
  /** → true once a message is there or the other end closed; false when the invocation's timeout runs out. */
  poll: (conn, args, inv) => {
    arity(args, 0, 0, 'Connection.poll');
    const incoming = conn.incoming('poll');
    return incoming.ready || incoming.pollers.park(inv, undefined, { onTimeout: () => false });
  },
  close: (conn, args) => {
    arity(args, 0, 0, 'Connection.close');
    conn.close();
  },
  closed: (conn, args) => {
    arity(args, 0, 0, 'Connection.closed');
    return conn.closed;
  },
  readable: (conn, args) => {
    arity(args, 0, 0, 'Connection.readable');
    return conn.readable;
  },
  writable: (conn, args) => {
    arity(args, 0, 0, 'Connection.writable');
    return conn.writable;
  },
});

/** One end of a managed Pipe. */
export class HostConnection implements Hosted {
  readonly type = 'Connection';
  readonly #incoming: Direction | undefined;
  readonly #outgoing: Direction | undefined;
  #closed = false;

  /** `[duplex = true]`: both ends send and receive, or the first only receives and the second only sends. */
  static createPipe(args: readonly unknown[]): readonly [HostConnection, HostConnection] {
    arity(args, 0, 1, 'Pipe()');
    const duplex = booleanArg(args[0], 'duplex', true);
    const ab = new Direction();
    if (!duplex) return [new HostConnection(ab, undefined), new HostConnection(undefined, ab)];
    const ba = new Direction();
    return [new HostConnection(ba, ab), new HostConnection(ab, ba)];
  }

  private constructor(incoming: Direction | undefined, outgoing: Direction | undefined) {
    this.#incoming = incoming;
    this.#outgoing = outgoing;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get readable(): boolean {
    return this.#incoming !== undefined;
  }

  get writable(): boolean {
    return this.#outgoing !== undefined;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  send(value: unknown): void {
    if (this.#closed) throw new ChannelClosedError('Cannot send: this connection is closed');
    const out = this.#outgoing;
    if (out === undefined)
      throw new InvalidStateError('Cannot send: this end of a one-way Pipe only receives');
    if (out.closed) throw new ChannelClosedError('Cannot send: the other end of the pipe was closed');
    out.push(value);
  }

  recv(inv: Invocation): unknown {
    const incoming = this.incoming('recv');
    if (incoming.messages.size > 0) return incoming.messages.shift();
    if (incoming.closed) throw drained();
    return incoming.receivers.park(inv, undefined, {
      onTimeout: () => {
        throw new TimeoutError(`No message arrived within ${inv.timeout} ms`);
      },
    });
  }

  /** Closes both directions (idempotent); this end refuses everything after. */
  close(): void {
    this.#closed = true;
    this.#outgoing?.close();
    this.#incoming?.close();
  }

  /** The direction this end receives from, or the error of receiving on a closed or send-only end. */
  incoming(call: string): Direction {
    if (this.#closed) throw new ChannelClosedError(`Cannot ${call}: this connection is closed`);
    if (this.#incoming === undefined)
      throw new InvalidStateError(`Cannot ${call}: this end of a one-way Pipe only sends`);
    return this.#incoming;
  }

  sessionClosed(session: Session): void {
    this.#incoming?.receivers.dropSession(session);
    this.#incoming?.pollers.dropSession(session);
  }
}
