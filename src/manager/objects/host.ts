/**
 * `createObjectHost()`: the manager's objects behind the one seam the transport calls (types.ts).
 *
 *   transport ──invoke(id, method, args, invocation)──▶ host ──▶ objects.get(id).invoke(method, ...) ──▶ a type's
 *             ──invoke(MANAGER_OBJECT, 'create', [type, ...args])──▶ CREATORS[type](args) ──▶ new id(s)   method table
 *             ──sessionClosed(session)──▶ every object drops the session's waiters and abandons its locks
 *
 * The host checks what every request carries before any object sees it (the ids, the method name, the
 * invocation's timeout), so the types' methods trust the invocation and check only their own arguments.
 * Nothing a peer sends can crash it: every bad request ends as a typed error sent back to that peer.
 */
import { InvalidArgumentError, InvalidStateError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation, ManagedType, ObjectHost, Session } from '../types.ts';
import { MANAGER_OBJECT } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { timeoutArg } from './hosted.ts';
import { HostBarrier } from './barrier.ts';
import { HostCondition } from './condition.ts';
import { HostDict } from './dict.ts';
import { HostEvent } from './event.ts';
import { HostJoinableQueue } from './joinable-queue.ts';
import { HostList } from './list.ts';
import { HostLock } from './lock.ts';
import { HostNamespace } from './namespace.ts';
import { HostConnection } from './pipe.ts';
import { HostPriorityQueue } from './priority-queue.ts';
import { HostQueue } from './queue.ts';
import { HostRLock } from './rlock.ts';
import { HostSemaphore } from './semaphore.ts';
import { HostValue } from './value.ts';

/** What a type's constructor may ask of the host: other objects (a Condition's lock), closed sessions. */
export interface CreateContext {
  /** The object with that id, undefined if there is none. */
  lookup(id: number): Hosted | undefined;
  /** True once `sessionClosed(session)` has been called. */
  isClosed(session: Session): boolean;
}

type Creator = (args: readonly unknown[], context: CreateContext) => Hosted | readonly Hosted[];

/** Every type's constructor, with its arguments after the type name (see each type's `create`). */
const CREATORS: Readonly<Record<ManagedType, Creator>> = {
  dict: HostDict.create,
  list: HostList.create,
  namespace: HostNamespace.create,
  value: HostValue.create,
  Lock: HostLock.create,
  RLock: HostRLock.create,
  Semaphore: HostSemaphore.create,
  BoundedSemaphore: HostSemaphore.createBounded,
  Condition: HostCondition.create,
  Event: HostEvent.create,
  Barrier: HostBarrier.create,
  Queue: HostQueue.create,
  JoinableQueue: HostJoinableQueue.create,
  LifoQueue: HostQueue.createLifo,
  PriorityQueue: HostPriorityQueue.create,
  SimpleQueue: HostQueue.createSimple,
  // Two objects, two ids: the pipe's ends.
  Pipe: HostConnection.createPipe,
};

/**
 * A new, empty set of managed objects: what a manager server serves. Object ids start at 1 (0 is the manager
 * itself, MANAGER_OBJECT) and are never reused.
 * @example
 * ```ts
 * const host = createObjectHost();
 * const id = host.invoke(MANAGER_OBJECT, 'create', ['Lock'], invocation) as number;
 * await host.invoke(id, 'acquire', [], { ...invocation, timeout: 1_000 }); // true
 * ```
 */
export function createObjectHost(): ObjectHost {
  return new ManagedObjects();
}

class ManagedObjects implements ObjectHost {
  readonly #objects = new Map<number, Hosted>();
  readonly #names = new Map<string, number>();
  readonly #closed = new WeakSet<Session>();
  readonly #context: CreateContext = {
    lookup: (id) => this.#objects.get(id),
    isClosed: (session) => this.#closed.has(session),
  };
  #nextId = MANAGER_OBJECT + 1;

  invoke(object: number, method: string, args: readonly unknown[], invocation: Invocation): unknown {
    if (!Array.isArray(args))
      throw new InvalidArgumentError(`Expected \`args\` to be an array, got ${describe(args)}`);
    if (typeof method !== 'string')
      throw new InvalidArgumentError(`Expected \`method\` to be a string, got ${describe(method)}`);
    // Normalised once: the types' methods see a timeout of undefined (for ever) or a number from 0 up.
    const timeout = timeoutArg(invocation.timeout, 'timeout');
    const checked: Invocation = { session: invocation.session, timeout, signal: invocation.signal };
    // A request cancelled before it ran is withdrawn, whatever it was.
    checked.signal.throwIfAborted();
    if (object === MANAGER_OBJECT) return this.#manager(method, args);
    const target = this.#objects.get(object);
    if (target === undefined)
      throw new InvalidArgumentError(
        `This manager has no object with id ${describe(object)} (was the proxy made by another manager?)`,
      );
    return target.invoke(method, args, checked);
  }

  sessionClosed(session: Session): void {
    this.#closed.add(session);
    for (const object of this.#objects.values()) object.sessionClosed(session);
  }

  /** The manager's own methods. */
  #manager(method: string, args: readonly unknown[]): unknown {
    switch (method) {
      case 'create':
        return this.#create(args);
      case 'ping':
        return 'pong'; // a round trip that proves a client reached and authenticated with the server
      case 'register':
        return this.#register(args);
      case 'lookup':
        return this.#lookup(args);
      default:
        throw new InvalidArgumentError(
          `The manager has no method ${JSON.stringify(method)}; it has create, ping, register and lookup`,
        );
    }
  }

  /**
   * `[name, id]`: makes the object findable by `name`, for programs that connect later (Python's
   * `BaseManager.register`, for objects rather than types). The same name twice must mean the same object.
   */
  #register(args: readonly unknown[]): undefined {
    const name = nameArg(args[0]);
    const id = args[1];
    if (typeof id !== 'number' || !this.#objects.has(id))
      throw new InvalidArgumentError(`Expected the id of an object of this manager, got ${describe(id)}`);
    const taken = this.#names.get(name);
    if (taken !== undefined && taken !== id)
      throw new InvalidStateError(
        `The name ${JSON.stringify(name)} is already registered for another object`,
      );
    this.#names.set(name, id);
    return undefined;
  }

  /** `[name]`: the registered object's id and type, or null if nothing has that name. */
  #lookup(args: readonly unknown[]): { id: number; type: string } | null {
    const id = this.#names.get(nameArg(args[0]));
    const object = id === undefined ? undefined : this.#objects.get(id);
    return id === undefined || object === undefined ? null : { id, type: object.type };
  }

  /** `[type, ...constructorArgs]`: a new object's id (two ids for a Pipe). */
  #create(args: readonly unknown[]): unknown {
    const [type, ...rest] = args;
    const create =
      typeof type === 'string' && Object.hasOwn(CREATORS, type) ? CREATORS[type as ManagedType] : undefined;
    if (create === undefined)
      throw new InvalidArgumentError(
        `Expected the type to create to be one of ${Object.keys(CREATORS).join(', ')}, got ${describe(type)}`,
      );
    const made = create(rest, this.#context);
    if (!Array.isArray(made)) return this.#add(made as Hosted);
    return (made as readonly Hosted[]).map((object) => this.#add(object));
  }

  #add(object: Hosted): number {
    const id = this.#nextId++;
    this.#objects.set(id, object);
    return id;
  }
}

const MAX_NAME_LENGTH = 256;

function nameArg(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH)
    throw new InvalidArgumentError(
      `Expected \`name\` to be a string of 1 to ${MAX_NAME_LENGTH} characters, got ${describe(name)}`,
    );
  return name;
}
