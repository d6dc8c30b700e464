/**
 * The manager's server: listens on a Unix socket (by default a fresh one in a private temporary directory) or
 * on TCP, authenticates each connection and runs it as one session against an {@link ObjectHost}
 * (server-session.ts). It knows sockets and sessions, never the objects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { InvalidArgumentError, ManagerUnavailableError } from '../errors.ts';
import { describe } from '../core/task.ts';
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, MIN_TCP_AUTHKEY_BYTES, authkeyBytes, newAuthkey } from './auth.ts';
import { formatAddress } from './endpoint.ts';
import { nodeNet, nodeOs } from '../core/lazy-builtins.ts';
import { ServerSession } from './server-session.ts';
import type { ManagerAddress, ManagerEndpoint, ObjectHost } from './types.ts';
import { DEFAULT_MAX_FRAME_BYTES, HANDSHAKE_MAX_FRAME_BYTES } from './wire.ts';

/** Where to listen: a Unix socket path, or TCP (host defaults to loopback). */
export type ListenAddress = string | { readonly host?: string; readonly port: number };

export interface ServerOptions {
  /** The objects served. */
  readonly host: ObjectHost;
  /**
   * A Unix socket path, or `{ host?, port }` for TCP (`port: 0` picks a free port).
   * @default a new socket in a private directory under `os.tmpdir()`, removed on close
   */
  readonly address?: ListenAddress;
  /**
   * The shared secret, hex. Required for TCP, at least 16 bytes: anyone who can reach the port could otherwise
   * connect. For a Unix socket a random key is made when none is given.
   */
  readonly authkey?: string;
  /**
   * The largest frame (one request or reply, serialized) accepted or sent, in bytes.
   * @default 67108864 (64 MiB)
   */
  readonly maxFrameBytes?: number;
  /**
   * How long a peer may take to authenticate before it is disconnected, in milliseconds.
   * @default 5000
   */
  readonly handshakeTimeout?: number;
  /** Errors with no caller to go to (the host's `sessionClosed` threw). @default process.emitWarning */
  readonly onError?: (error: unknown) => void;
}

/** A running server. */
export interface ManagerServer {
  /** What clients need to connect: the bound address (the real port, for `port: 0`) and the key. */
  readonly endpoint: ManagerEndpoint;
  /** Authenticated connections open now. */
  readonly sessionCount: number;
  /** Stops listening, closes every connection (each session's host clean-up runs) and removes the socket file. */
  close(): Promise<void>;
}

/**
 * Starts a manager server in this process.
 * @example
 * ```ts
 * const server = await startServer({ host: createObjectHost() });
 * const connection = await connect(server.endpoint);
 * ```
 */
export async function startServer(options: ServerOptions): Promise<ManagerServer> {
  const filled = fillServerOptions(options);
  const tempDir =
    filled.listen === undefined ? mkdtempSync(join(nodeOs().tmpdir(), 'spindle-manager-')) : undefined;
  const listen = filled.listen ?? join(tempDir!, 'manager.sock');
  const listener = nodeNet().createServer({ noDelay: true });
  const sessions = new Set<ServerSession>();
  let nextSessionId = 1;
  listener.on('connection', (socket: Socket) => {
    sessions.add(
      new ServerSession(socket, {
        key: filled.key,
        host: options.host,
        sessionId: nextSessionId++,
        maxFrameBytes: filled.maxFrameBytes,
        handshakeTimeout: filled.handshakeTimeout,
        onClose: (session) => sessions.delete(session),
        onHostError: filled.onError,
      }),
    );
  });
  // Errors after listening (EMFILE on accept, say) affect one connection attempt, not the server.
  const listening = new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.once('listening', () => {
      listener.off('error', reject);
      listener.on('error', filled.onError);
      resolve();
    });
  });
  const removeFiles = (): void => {
    if (typeof listen === 'string') rmSync(listen, { force: true });
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    if (typeof listen === 'string') listener.listen(listen);
    else listener.listen(listen.port, listen.host);
    await listening;
  } catch (error) {
    if (tempDir !== undefined) removeFiles();
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ManagerUnavailableError(`The manager could not listen on ${formatAddress(listen)}: ${code}`, {
      cause: error,
    });
  }
  // A process that exits without close() still removes its socket and directory.
  process.once('exit', removeFiles);
  const address: ManagerAddress =
    typeof listen === 'string'
      ? listen
      : { host: listen.host, port: (listener.address() as { port: number }).port };
  const endpoint: ManagerEndpoint = Object.freeze({ address, authkey: filled.authkey });
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    get sessionCount() {
      let count = 0;
      for (const session of sessions) if (session.established) count++;
      return count;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        listener.close(() => {
          process.off('exit', removeFiles);
          if (typeof listen === 'string') removeFiles();
          resolve();
        });
        for (const session of [...sessions]) session.destroy();
      });
      return closing;
    },
  };
}

/** {@link ServerOptions} checked, with defaults applied. */
export interface FilledServerOptions {
  /** Undefined: a new socket in a private temporary directory. */
  readonly listen: string | { readonly host: string; readonly port: number } | undefined;
  readonly authkey: string;
  readonly key: Buffer;
  readonly maxFrameBytes: number;
  readonly handshakeTimeout: number;
  readonly onError: (error: unknown) => void;
}

/**
 * Checks server options (all but `host`, when `withHost` is false: a server process checks them in the parent,
 * before starting the child) and applies the defaults. Throws InvalidArgumentError saying what is wrong.
 */
export function fillServerOptions(options: ServerOptions, withHost = true): FilledServerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  const { host, address, authkey, maxFrameBytes, handshakeTimeout, onError } = options;
  if (withHost && (typeof host !== 'object' || host === null || typeof host.invoke !== 'function')) {
    throw new InvalidArgumentError(`Expected \`host\` to be an ObjectHost, got ${describe(host)}`);
  }
  const maxFrames = maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isSafeInteger(maxFrames) || maxFrames < HANDSHAKE_MAX_FRAME_BYTES || maxFrames > 2 ** 32 - 1) {
    throw new InvalidArgumentError(
      `Expected \`maxFrameBytes\` to be an integer from ${HANDSHAKE_MAX_FRAME_BYTES} to ${2 ** 32 - 1}, ` +
        `got ${describe(maxFrameBytes)}`,
    );
  }
  const deadline = handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (typeof deadline !== 'number' || !(deadline > 0) || !Number.isFinite(deadline)) {
    throw new InvalidArgumentError(
      `Expected \`handshakeTimeout\` to be a positive number of milliseconds, got ${describe(handshakeTimeout)}`,
    );
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidArgumentError(`Expected \`onError\` to be a function, got ${describe(onError)}`);
  }
  const key = authkey === undefined ? undefined : authkeyBytes(authkey);
  let listen: FilledServerOptions['listen'];
  if (address === undefined) {
    listen = undefined;
  } else if (typeof address === 'string') {
    if (address.length === 0)
      throw new InvalidArgumentError('Expected `address` to be a non-empty socket path');
    listen = address;
  } else if (typeof address === 'object' && address !== null) {
    const { host: tcpHost = '127.0.0.1', port } = address;
    if (typeof tcpHost !== 'string' || tcpHost.length === 0) {
      throw new InvalidArgumentError(`Expected \`address.host\` to be a host name, got ${describe(tcpHost)}`);
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InvalidArgumentError(
        `Expected \`address.port\` to be an integer from 0 to 65535, got ${describe(port)}`,
      );
    }
    if (key === undefined || key.length < MIN_TCP_AUTHKEY_BYTES) {
      throw new InvalidArgumentError(
        `A manager on TCP needs an \`authkey\` of at least ${MIN_TCP_AUTHKEY_BYTES} bytes (` +
          `${MIN_TCP_AUTHKEY_BYTES * 2} hex digits): anyone who can reach the port can try to connect, and the ` +
          `key is all that keeps them out. Got ${key === undefined ? 'none' : `${key.length} bytes`}.`,
      );
    }
    listen = { host: tcpHost, port };
  } else {
    throw new InvalidArgumentError(
      `Expected \`address\` to be a socket path or { host, port }, got ${describe(address)}`,
    );
  }
  const hex = authkey ?? newAuthkey();
  return {
    listen,
    authkey: hex.toLowerCase(),
    key: key ?? authkeyBytes(hex),
    maxFrameBytes: maxFrames,
    handshakeTimeout: deadline,
    onError: onError ?? ((error) => process.emitWarning(error instanceof Error ? error : String(error))),
  };
}
