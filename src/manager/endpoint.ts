/**
 * Endpoints and client options, checked once at the boundary: what connection.ts, the bridge and its helper
 * thread share about reaching a manager.
 */
import { describe } from '../core/task.ts';
import { InvalidArgumentError } from '../errors.ts';
import { authkeyBytes } from './auth.ts';
import type { ManagerAddress, ManagerEndpoint } from './types.ts';
import { DEFAULT_MAX_FRAME_BYTES, HANDSHAKE_MAX_FRAME_BYTES } from './wire.ts';

/** Options for a client's connection to a manager. */
export interface ConnectOptions {
  /**
   * How long connecting and authenticating may take, in milliseconds, before ManagerUnavailableError.
   * @default 10000
   */
  readonly connectTimeout?: number;
  /**
   * The largest request this side sends, serialized, in bytes (the server applies its own limit too).
   * @default 67108864 (64 MiB)
   */
  readonly maxFrameBytes?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** {@link ConnectOptions} with every default applied. */
export interface FilledConnectOptions {
  readonly connectTimeout: number;
  readonly maxFrameBytes: number;
}

export function fillConnectOptions(options: ConnectOptions = {}): FilledConnectOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  const { connectTimeout = DEFAULT_CONNECT_TIMEOUT_MS, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES } = options;
  if (typeof connectTimeout !== 'number' || !(connectTimeout > 0) || !Number.isFinite(connectTimeout)) {
    throw new InvalidArgumentError(
      `Expected \`connectTimeout\` to be a positive number of milliseconds, got ${describe(connectTimeout)}`,
    );
  }
  if (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < HANDSHAKE_MAX_FRAME_BYTES) {
    throw new InvalidArgumentError(
      `Expected \`maxFrameBytes\` to be an integer from ${HANDSHAKE_MAX_FRAME_BYTES} up, got ${describe(maxFrameBytes)}`,
    );
  }
  return { connectTimeout, maxFrameBytes };
}

/** Checks an endpoint's shape; returns its key's bytes. Throws InvalidArgumentError saying what is wrong. */
export function checkEndpoint(endpoint: ManagerEndpoint): Buffer {
  if (typeof endpoint !== 'object' || endpoint === null) {
    throw new InvalidArgumentError(
      `Expected \`endpoint\` to be a ManagerEndpoint, got ${describe(endpoint)}`,
    );
  }
  const { address } = endpoint;
  const valid =
    (typeof address === 'string' && address.length > 0) ||
    (typeof address === 'object' &&
      address !== null &&
      typeof address.host === 'string' &&
      address.host.length > 0 &&
      Number.isInteger(address.port) &&
      address.port > 0 &&
      address.port <= 65535);
  if (!valid) {
    throw new InvalidArgumentError(
      `Expected \`endpoint.address\` to be a socket path or { host, port }, got ${describe(address)}`,
    );
  }
  return authkeyBytes(endpoint.authkey, 'endpoint.authkey');
}

/** An address as people write it: the socket path, or `host:port`. */
export function formatAddress(
  address: ManagerAddress | { readonly host?: string; readonly port: number },
): string {
  if (typeof address === 'string') return address;
  const host = address.host ?? '127.0.0.1';
  return `${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** One key per manager and key: a thread's channels are cached by it. */
export function endpointKey(endpoint: ManagerEndpoint): string {
  return `${formatAddress(endpoint.address)}\0${endpoint.authkey.toLowerCase()}`;
}
