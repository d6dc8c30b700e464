/**
 * A manager server in a child process of its own (the default for a Manager), as Python's `Manager()` starts
 * one:
 *
 *   parent: startServerProcess ──fork(server-entry)──▶ child
 *           ──IPC: config (address, authkey, limits)──▶ startServer({ host: createObjectHost(), ... })
 *           ◀──IPC: { ready, endpoint } | { failed, error }──┘
 *   stop(): ──IPC: shutdown──▶ close every session, exit      (SIGKILL if it has not exited in time)
 *   parent exits / dies ──IPC 'disconnect'──▶ the child closes and exits too: no orphaned managers
 *
 * The key travels over the IPC channel, never on the command line (where `ps` shows it). Once started, the
 * child and its channel are unref'd: a running manager does not keep its parent alive.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe } from '../core/task.ts';
import { InvalidArgumentError, ManagerUnavailableError, SpindleError } from '../errors.ts';
import type { EncodedError } from '../backends/common/remote-error.ts';
import { decodeError } from '../backends/common/remote-error.ts';
import { nodeChildProcess } from '../core/lazy-builtins.ts';
import type { ListenAddress } from './server.ts';
import { fillServerOptions } from './server.ts';
import type { ManagerEndpoint } from './types.ts';

const entryPath = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './server-entry.ts' : './manager-server.js', import.meta.url),
);

export interface ServerProcessOptions {
  /** As {@link ServerOptions.address}. @default a new Unix socket under `os.tmpdir()` */
  readonly address?: ListenAddress;
  /** As {@link ServerOptions.authkey}: hex; required (16+ bytes) for TCP. @default a random key */
  readonly authkey?: string;
  /** As {@link ServerOptions.maxFrameBytes}. @default 67108864 (64 MiB) */
  readonly maxFrameBytes?: number;
  /** As {@link ServerOptions.handshakeTimeout}. @default 5000 */
  readonly handshakeTimeout?: number;
  /**
   * How long the child may take to start serving, in milliseconds, before it is killed and the start fails.
   * @default 30000
   */
  readonly startTimeout?: number;
  /** Node flags for the child. @default process.execArgv (so a parent under tsx starts a child under tsx) */
  readonly execArgv?: readonly string[];
  /** The child's environment. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * A module exporting `createObjectHost(): ObjectHost`, to serve other objects than the manager's own (tests
   * use a small fake). @default the manager's objects (objects/host.ts)
   */
  readonly hostModule?: string | URL;
}

/** What the child is told first, over IPC. */
export interface ServerProcessConfig {
  readonly type: 'config';
  readonly address: ListenAddress | undefined;
  readonly authkey: string;
  readonly maxFrameBytes: number;
  readonly handshakeTimeout: number;
  readonly hostModule: string | undefined;
}

/** What the child says back. */
export type ServerProcessMessage =
  | { readonly type: 'ready'; readonly endpoint: ManagerEndpoint }
  | { readonly type: 'failed'; readonly error: EncodedError };

export interface ServerProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running manager server process. */
export interface ServerProcess {
  /** What clients need to connect. */
  readonly endpoint: ManagerEndpoint;
  readonly pid: number;
  /** Settles when the child exits, however it exits. Reading it keeps this process alive until then. */
  readonly exited: Promise<ServerProcessExit>;
  /**
   * Asks the server to close every session and exit; kills it if it has not within `timeout` ms
   * (default 5000). Resolves once it has exited; resolves at once if it already had.
   */
  stop(options?: { readonly timeout?: number }): Promise<ServerProcessExit>;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/**
 * Starts a manager server in a new child process and waits until it serves.
 * @throws InvalidArgumentError for bad options (checked here, before anything starts);
 *   ManagerUnavailableError when the child cannot start or listen (the message says why)
 * @example
 * ```ts
 * const server = await startServerProcess();
 * const connection = await connect(server.endpoint);
 * // ...
 * await server.stop();
 * ```
 */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const filled = fillServerOptions({ ...options, host: undefined as never }, false);
  const { startTimeout = DEFAULT_START_TIMEOUT_MS, execArgv = process.execArgv, env = process.env } = options;
  if (typeof startTimeout !== 'number' || !(startTimeout > 0)) {
    throw new InvalidArgumentError(
      `Expected \`startTimeout\` to be a positive number of milliseconds, got ${describe(startTimeout)}`,
    );
  }
  const { hostModule: module } = options;
  const hostModule =
    module === undefined
      ? undefined
      : /^[a-z][a-z0-9+.-]*:/i.test(String(module))
        ? String(module)
        : pathToFileURL(String(module)).href;
  const config: ServerProcessConfig = {
    type: 'config',
    address: filled.listen,
    authkey: filled.authkey,
    maxFrameBytes: filled.maxFrameBytes,
    handshakeTimeout: filled.handshakeTimeout,
    hostModule,
  };
  let child: ChildProcess;
  try {
    child = nodeChildProcess().fork(entryPath, [], {
      execArgv: [...execArgv],
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
  } catch (error) {
    throw new ManagerUnavailableError(`Could not start the manager process: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let resolveExit: (exit: ServerProcessExit) => void = () => undefined;
  const exited = new Promise<ServerProcessExit>((resolve) => {
    resolveExit = resolve;
  });
  child.once('exit', (code, signal) => resolveExit({ code, signal }));
  const endpoint = await new Promise<ManagerEndpoint>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(
        new ManagerUnavailableError(`The manager process did not start serving within ${startTimeout} ms`),
      );
    }, startTimeout);
    const onMessage = (message: ServerProcessMessage): void => {
      if (message?.type === 'ready') finish(undefined, message.endpoint);
      else if (message?.type === 'failed') {
        const error = decodeError(message.error);
        const why = error instanceof Error ? error.message : String(error);
        finish(
          error instanceof SpindleError
            ? error
            : new ManagerUnavailableError(`The manager process failed to start: ${why}`, { cause: error }),
        );
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      const how = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
      finish(new ManagerUnavailableError(`The manager process exited before it started serving (${how})`));
    };
    const onError = (error: Error): void => {
      // A child that never started (ENOENT, EAGAIN) has no 'exit' to come.
      if (child.pid !== undefined) return;
      resolveExit({ code: null, signal: null });
      finish(
        new ManagerUnavailableError(`Could not start the manager process: ${error.message}`, {
          cause: error,
        }),
      );
    };
    const finish = (error: Error | undefined, ready?: ManagerEndpoint): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error === undefined) resolve(ready!);
      else {
        child.kill('SIGKILL');
        reject(error);
      }
    };
    child.on('error', onError);
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(config);
  });
  // Errors after the start (a failed kill, a send to a dead child) say nothing its exit will not.
  child.on('error', () => undefined);
  child.unref();
  child.channel?.unref();
  let stopping: Promise<ServerProcessExit> | undefined;
  return {
    endpoint,
    pid: child.pid!,
    get exited() {
      // Whoever awaits the exit must not see this process end first (the child is unref'd): hold it until then.
      if (child.exitCode === null && child.signalCode === null) child.ref();
      return exited;
    },
    stop(stopOptions = {}) {
      const { timeout = DEFAULT_STOP_TIMEOUT_MS } = stopOptions;
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return exited;
        child.ref();
        const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
        try {
          if (child.connected) child.send({ type: 'shutdown' });
          else child.kill('SIGTERM');
        } catch {
          child.kill('SIGKILL');
        }
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      })();
      return stopping;
    },
  };
}
