/**
 * `Manager`: Python's `multiprocessing.Manager` for Node. A server (its own process, by default) holds shared
 * objects; the manager hands out proxies of them that pass to process workers, thread workers, `Process` and
 * `Thread` as ordinary task arguments, and reach the same object from every side.
 *
 *   main: await Manager.start() ──fork──▶ server process (objects/host.ts behind server.ts)
 *         await manager.list()  ──create──▶ ListProxy(id) ──task argument──▶ worker: ListProxy(id) on its own
 *         channel (channels.ts): the main thread calls async forms, workers may also block
 *
 * A manager served on TCP can be reached from other machines with `Manager.connect(address, { authkey })`.
 */
import { describe } from '../core/task.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { channelFor, closeChannels } from './channels.ts';
import { endpointOf, objectIdOf } from './proxies/managed-proxy.ts';
import { endpointKey } from './endpoint.ts';
import type { ManagedProxy } from './proxies/managed-proxy.ts';
import { BarrierProxy } from './proxies/barrier.ts';
import { ConditionProxy } from './proxies/condition.ts';
import { DictProxy } from './proxies/dict.ts';
import type { DictKey } from './proxies/dict.ts';
import { EventProxy } from './proxies/event.ts';
import { JoinableQueueProxy } from './proxies/joinable-queue.ts';
import { LifoQueueProxy } from './proxies/lifo-queue.ts';
import { ListProxy } from './proxies/list.ts';
import { LockProxy } from './proxies/lock.ts';
import { NamespaceProxy } from './proxies/namespace.ts';
import { ConnectionProxy } from './proxies/pipe.ts';
import { PriorityQueueProxy } from './proxies/priority-queue.ts';
import { QueueProxy } from './proxies/queue.ts';
import { RLockProxy } from './proxies/rlock.ts';
import { BoundedSemaphoreProxy, SemaphoreProxy } from './proxies/semaphore.ts';
import { SimpleQueueProxy } from './proxies/simple-queue.ts';
import { ValueProxy } from './proxies/value.ts';
import { startServerProcess } from './server-process.ts';
import type { ServerProcess } from './server-process.ts';
import type { ListenAddress } from './server.ts';
import type { ManagedType, ManagerAddress, ManagerChannel, ManagerEndpoint } from './types.ts';
import { MANAGER_OBJECT } from './types.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

/** Options of {@link Manager.start}. */
export interface ManagerStartOptions {
  /**
   * Where the server listens: a Unix socket path, or `{ host?, port }` for TCP (`host` defaults to
   * `127.0.0.1`: other machines reach it only if you bind another address; `port: 0` picks a free one).
   * @default a new Unix socket in the temporary directory
   */
  readonly address?: ListenAddress;
  /**
   * The shared secret peers must prove they hold, as hex. Required for TCP (at least 16 bytes): whoever
   * connects from elsewhere needs it too.
   * @default a random 32-byte key (fine for a manager used only by this program and its workers)
   */
  readonly authkey?: string;
  /** The largest frame (one call or reply) the server accepts, in bytes. @default 67108864 (64 MiB) */
  readonly maxFrameBytes?: number;
  /** How long the server process may take to start, in milliseconds. @default 30000 */
  readonly startTimeout?: number;
}

/** Options of {@link Manager.connect}. */
export interface ManagerConnectOptions {
  /** The manager's auth key, as hex. */
  readonly authkey: string;
}

/** Options of {@link Manager.Barrier}. */
export interface ManagedBarrierOptions {
  /** The default timeout of `wait()`, in milliseconds. @default Infinity */
  readonly timeout?: number;
}

/**
 * Options of {@link Manager.Queue}, {@link Manager.JoinableQueue}, {@link Manager.LifoQueue} and
 * {@link Manager.PriorityQueue}.
 */
export interface ManagedQueueOptions {
  /** The most items the queue holds; `put` waits (or fails) beyond it. `0` means unbounded. @default 0 */
  readonly maxsize?: number;
}

/** Options of {@link Manager.Pipe}. */
export interface ManagedPipeOptions {
  /** Both ends send and receive (`true`), or the first end only receives and the second only sends. @default true */
  readonly duplex?: boolean;
}

/**
 * A manager of shared objects: start one (`await Manager.start()`), or connect to one another program serves
 * (`await Manager.connect(address, { authkey })`). Each factory makes an object on the server and returns its
 * proxy. Objects live as long as the manager. `await using` shuts a started manager down (its server process
 * exits and every proxy's calls then reject with ManagerUnavailableError); on a connected one it only closes
 * this program's connection.
 * @example
 * ```ts
 * await using manager = await Manager.start();
 * const results = await manager.list<number>();
 * await using pool = new ProcessPoolExecutor();
 * await Promise.all([1, 2, 3].map((n) => pool.submit(appendSquare, results, n)));  // workers: results.append(n * n)
 * console.log((await results.toArrayAsync()).sort());                             // [1, 4, 9]
 * ```
 */
export class Manager implements AsyncDisposable {
  readonly #endpoint: ManagerEndpoint;
  readonly #server: ServerProcess | undefined;
  #channel: ManagerChannel | undefined;
  #closed = false;

  private constructor(endpoint: ManagerEndpoint, server: ServerProcess | undefined) {
    this.#endpoint = endpoint;
    this.#server = server;
    const key = endpointKey(endpoint);
    openManagers.set(key, (openManagers.get(key) ?? 0) + 1);
  }

  /**
   * Starts a manager server in a new process and resolves once it serves.
   * @throws InvalidArgumentError for bad options; ManagerUnavailableError if the server cannot start or listen
   */
  static async start(options: ManagerStartOptions = {}): Promise<Manager> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
    rejectUnknownOptions(
      options,
      ['address', 'authkey', 'maxFrameBytes', 'startTimeout'],
      'Manager.start(options)',
    );
    const server = await startServerProcess(options);
    const manager = new Manager(server.endpoint, server);
    try {
      await manager.#call('ping'); // proves this thread can reach and authenticate with it
    } catch (error) {
      await manager.shutdown();
      throw error;
    }
    return manager;
  }

  /**
   * Connects to a manager served elsewhere (another program, another machine).
   * @throws ManagerUnavailableError if nothing answers there; AuthenticationError if the key is wrong
   */
  static async connect(address: ManagerAddress, options: ManagerConnectOptions): Promise<Manager> {
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError(
        `Expected \`options\` to be an object with the manager's \`authkey\`, got ${describe(options)}`,
      );
    rejectUnknownOptions(options, ['authkey'], 'Manager.connect(address, options)');
    const manager = new Manager({ address, authkey: options.authkey }, undefined);
    try {
      await manager.#call('ping');
    } catch (error) {
      await manager.shutdown();
      throw error;
    }
    return manager;
  }

  /** Where the manager listens. */
  get address(): ManagerAddress {
    return this.#endpoint.address;
  }

  /** The manager's auth key, as hex: what a program connecting from elsewhere must be given. */
  get authkey(): string {
    return this.#endpoint.authkey;
  }

  /** The server process's id, for a manager this program started; undefined for a connected one. */
  get pid(): number | undefined {
    return this.#server?.pid;
  }

  /** A shared `Map`-like dict. Keys are strings, numbers, bigints or booleans; values any cloneable value. */
  async dict<K extends DictKey = string, V = unknown>(
    initial?: Iterable<readonly [K, V]> | Readonly<Record<string, V>>,
  ): Promise<DictProxy<K, V>> {
    const entries =
      initial === undefined
        ? undefined
        : Symbol.iterator in Object(initial)
          ? [...(initial as Iterable<readonly [K, V]>)]
          : initial;
    return new DictProxy<K, V>(this.#use(), await this.#create('dict', entries));
  }

  /** A shared list (Python's `manager.list()`). */
  async list<T = unknown>(initial?: Iterable<T>): Promise<ListProxy<T>> {
    return new ListProxy<T>(
      this.#use(),
      await this.#create('list', initial === undefined ? undefined : [...initial]),
    );
  }

  /** A shared namespace: named attributes (Python's `manager.Namespace()`). */
  async namespace<T extends object = Record<string, unknown>>(initial?: T): Promise<NamespaceProxy<T>> {
    return new NamespaceProxy<T>(this.#use(), await this.#create('namespace', initial));
  }

  /** A shared value, with atomic `add` for counters (Python's `manager.Value()`). @default initial `0` */
  async value<T = number>(initial?: T): Promise<ValueProxy<T>> {
    return new ValueProxy<T>(
      this.#use(),
      await this.#create('value', ...(initial === undefined ? [] : [initial])),
    );
  }

  /** A lock any client may release; abandoned (LockAbandonedError) if its holder's connection dies. */
  async Lock(): Promise<LockProxy> {
    return new LockProxy(this.#use(), await this.#create('Lock'));
  }

  /** A re-entrant lock, owned by the thread (connection) that acquired it. */
  async RLock(): Promise<RLockProxy> {
    return new RLockProxy(this.#use(), await this.#create('RLock'));
  }

  /** A counting semaphore. @default value `1` */
  async Semaphore(value?: number): Promise<SemaphoreProxy> {
    return new SemaphoreProxy(
      this.#use(),
      await this.#create('Semaphore', ...(value === undefined ? [] : [value])),
    );
  }

  /** A semaphore that refuses to be released above its initial value. @default value `1` */
  async BoundedSemaphore(value?: number): Promise<BoundedSemaphoreProxy> {
    return new BoundedSemaphoreProxy(
      this.#use(),
      await this.#create('BoundedSemaphore', ...(value === undefined ? [] : [value])),
    );
  }

  /** A condition variable over `lock` (a Lock or RLock of this manager), or over a new RLock. */
  async Condition(lock?: LockProxy | RLockProxy): Promise<ConditionProxy> {
    const args = lock === undefined ? [] : [this.#ownObject(lock, 'lock')];
    return new ConditionProxy(this.#use(), await this.#create('Condition', ...args));
  }

  /** An event flag. */
  async Event(): Promise<EventProxy> {
    return new EventProxy(this.#use(), await this.#create('Event'));
  }

  /** A barrier for `parties` waiters. */
  async Barrier(parties: number, options: ManagedBarrierOptions = {}): Promise<BarrierProxy> {
    if (typeof options === 'object' && options !== null)
      rejectUnknownOptions(options, ['timeout'], 'manager.Barrier(parties, options)');
    const args = options.timeout === undefined ? [parties] : [parties, options.timeout];
    return new BarrierProxy(this.#use(), await this.#create('Barrier', ...args));
  }

  /** A FIFO queue of any cloneable values. */
  async Queue<T = unknown>(options: ManagedQueueOptions = {}): Promise<QueueProxy<T>> {
    return new QueueProxy<T>(this.#use(), await this.#create('Queue', ...maxsizeArgs(options)));
  }

  /** A queue with `taskDone()` and `join()`. */
  async JoinableQueue<T = unknown>(options: ManagedQueueOptions = {}): Promise<JoinableQueueProxy<T>> {
    return new JoinableQueueProxy<T>(
      this.#use(),
      await this.#create('JoinableQueue', ...maxsizeArgs(options)),
    );
  }

  /**
   * A last-in, first-out queue (Python's `queue.LifoQueue`): `get` returns the newest item.
   * @example
   * ```ts
   * const stack = await manager.LifoQueue<string>();
   * ```
   */
  async LifoQueue<T = unknown>(options: ManagedQueueOptions = {}): Promise<LifoQueueProxy<T>> {
    return new LifoQueueProxy<T>(this.#use(), await this.#create('LifoQueue', ...maxsizeArgs(options)));
  }

  /**
   * A queue that returns the lowest `priority` first, equal priorities in the order they were put (Python's
   * `queue.PriorityQueue`, stable); the priority goes beside the item: `put(item, { priority })`.
   * @example
   * ```ts
   * const jobs = await manager.PriorityQueue<string>({ maxsize: 100 });
   * await jobs.putAsync('urgent', { priority: -1 });
   * ```
   */
  async PriorityQueue<T = unknown>(options: ManagedQueueOptions = {}): Promise<PriorityQueueProxy<T>> {
    return new PriorityQueueProxy<T>(
      this.#use(),
      await this.#create('PriorityQueue', ...maxsizeArgs(options)),
    );
  }

  /** An unbounded first-in, first-out queue (Python's `queue.SimpleQueue`): a put never waits. */
  async SimpleQueue<T = unknown>(): Promise<SimpleQueueProxy<T>> {
    return new SimpleQueueProxy<T>(this.#use(), await this.#create('SimpleQueue'));
  }

  /** Two connected ends; with `duplex: false` the first only receives and the second only sends. */
  async Pipe<T = unknown>(
    options: ManagedPipeOptions = {},
  ): Promise<[ConnectionProxy<T>, ConnectionProxy<T>]> {
    if (typeof options === 'object' && options !== null)
      rejectUnknownOptions(options, ['duplex'], 'manager.Pipe(options)');
    const args = options.duplex === undefined ? [] : [options.duplex];
    const ids = await this.#create('Pipe', ...args);
    if (!Array.isArray(ids) || ids.length !== 2)
      throw new InvalidStateError(`The manager answered Pipe() with ${describe(ids)}, not two ends`);
    const channel = this.#use();
    return [
      new ConnectionProxy<T>(channel, ids[0] as number),
      new ConnectionProxy<T>(channel, ids[1] as number),
    ];
  }

  /**
   * A started manager: stops its server (every proxy's calls then reject with ManagerUnavailableError). A
   * connected one: lets go of this thread's connection, which closes once no other Manager object of this
   * thread uses the same server (proxies of the one share it). Idempotent.
   */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel = undefined;
    const key = endpointKey(this.#endpoint);
    const users = (openManagers.get(key) ?? 1) - 1;
    if (users > 0) openManagers.set(key, users);
    else openManagers.delete(key);
    if (users === 0 || this.#server !== undefined) closeChannels(this.#endpoint);
    if (this.#server !== undefined) await this.#server.stop();
  }

  /**
   * Makes `proxy`'s object findable by `name`, so a program that connects later can
   * {@link lookup} it (Python's `BaseManager.register`, for one object). Registering a name again for the
   * same object is allowed; for another object it fails with InvalidStateError.
   */
  async register(name: string, proxy: ManagedProxy): Promise<void> {
    await this.#call('register', name, this.#ownObject(proxy, 'proxy'));
  }

  /**
   * The proxy of the object registered as `name` (by this program or another), or undefined if there is none.
   * The type parameter states what you expect; the proxy is built for the object's real type.
   * @example
   * ```ts
   * // server program: await manager.register('jobs', await manager.Queue());
   * const jobs = await client.lookup<QueueProxy<string>>('jobs');
   * ```
   */
  async lookup<P extends ManagedProxy = ManagedProxy>(name: string): Promise<P | undefined> {
    const found = (await this.#call('lookup', name)) as { id: number; type: string } | null;
    if (found === null) return undefined;
    const Proxy = PROXY_CLASSES[found.type];
    if (Proxy === undefined)
      throw new InvalidStateError(
        `The manager answered lookup(${JSON.stringify(name)}) with type ${found.type}`,
      );
    return new Proxy(this.#use(), found.id) as P;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  #use(): ManagerChannel {
    if (this.#closed) throw new InvalidStateError('The manager has been shut down');
    // channelFor forgets a failed channel, so asking each time reconnects after a transient failure.
    this.#channel = channelFor(this.#endpoint);
    return this.#channel;
  }

  #call(method: string, ...args: unknown[]): Promise<unknown> {
    return this.#use().call(MANAGER_OBJECT, method, args);
  }

  #create(type: ManagedType, ...args: unknown[]): Promise<number> {
    // Trailing undefined arguments are dropped: the server counts them.
    while (args.length > 0 && args[args.length - 1] === undefined) args.pop();
    return this.#call('create', type, ...args) as Promise<number>;
  }

  /** The id of a proxy of this manager's, for a factory that takes one (Condition's lock). */
  #ownObject(proxy: ManagedProxy, name: string): number {
    const id = objectIdOf(proxy); // InvalidArgumentError for anything but a proxy
    if (endpointKey(endpointOf(proxy)) !== endpointKey(this.#endpoint))
      throw new InvalidArgumentError(
        `Expected \`${name}\` to be a proxy from this manager, not from another one`,
      );
    return id;
  }
}

/**
 * How many Manager objects of this thread use each server (by endpoint): they share one channel, which closes
 * when the last of them shuts down.
 */
const openManagers = new Map<string, number>();

/** The proxy class of each type the host reports (lookup). */
const PROXY_CLASSES: Readonly<Record<string, new (channel: ManagerChannel, id: number) => ManagedProxy>> = {
  dict: DictProxy,
  list: ListProxy,
  namespace: NamespaceProxy,
  value: ValueProxy,
  Lock: LockProxy,
  RLock: RLockProxy,
  Semaphore: SemaphoreProxy,
  BoundedSemaphore: BoundedSemaphoreProxy,
  Condition: ConditionProxy,
  Event: EventProxy,
  Barrier: BarrierProxy,
  Queue: QueueProxy,
  JoinableQueue: JoinableQueueProxy,
  LifoQueue: LifoQueueProxy,
  PriorityQueue: PriorityQueueProxy,
  SimpleQueue: SimpleQueueProxy,
  Connection: ConnectionProxy,
};

function maxsizeArgs(options: ManagedQueueOptions): unknown[] {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  rejectUnknownOptions(options, ['maxsize'], 'the options of a managed queue');
  return options.maxsize === undefined ? [] : [options.maxsize];
}
