/**
 * The calling thread's channel to a manager, by endpoint (see types.ts): what a proxy revived in any thread
 * talks through.
 *
 *   thread that must not block (the main thread) ─▶ Connection: its own socket, async calls only
 *   thread that may block (workers)               ─▶ Bridge: a helper thread owns the socket; blocking and
 *                                                    async calls share it, so the thread has one session
 *
 * One channel per thread and manager, made on first use and connected lazily (a proxy that is never called
 * opens nothing). A channel whose connection failed is forgotten, so the next channelFor makes a new one;
 * whoever still holds the failed one keeps getting its error.
 */
import { mayBlock } from '../core/may-block.ts';
import { Bridge } from './bridge.ts';
import { Connection } from './connection.ts';
import { checkEndpoint, endpointKey } from './endpoint.ts';
import type { ManagerChannel, ManagerEndpoint } from './types.ts';

interface ClosableChannel extends ManagerChannel {
  ready(): Promise<void>;
  close(): void;
}

/** This thread's channels (module state is per thread: each worker loads its own copy). */
const channels = new Map<string, ClosableChannel>();

/**
 * This thread's channel to the manager at `endpoint`, made on first use.
 * @throws InvalidArgumentError when the endpoint is malformed
 */
export function channelFor(endpoint: ManagerEndpoint): ManagerChannel {
  checkEndpoint(endpoint);
  const key = endpointKey(endpoint);
  const cached = channels.get(key);
  if (cached !== undefined) return cached;
  const forget = (): void => {
    if (channels.get(key) === channel) channels.delete(key);
  };
  const channel: ClosableChannel = mayBlock()
    ? new Bridge(endpoint, undefined, forget)
    : new Connection(endpoint, undefined, forget);
  channels.set(key, channel);
  return channel;
}

/**
 * This thread's channel to the manager at `endpoint`, once it has connected and authenticated: for a Manager's
 * `connect()`, so a wrong key or a missing manager is reported there rather than at the first call.
 * @throws AuthenticationError when the key is wrong; ManagerUnavailableError when no manager answers
 */
export async function openChannel(endpoint: ManagerEndpoint): Promise<ManagerChannel> {
  const channel = channelFor(endpoint) as ClosableChannel;
  await channel.ready();
  return channel;
}

/**
 * Closes this thread's channel to `endpoint` (or all of them): calls in flight reject with
 * ManagerUnavailableError. For a manager's shutdown, and for tests.
 */
export function closeChannels(endpoint?: ManagerEndpoint): void {
  const targets =
    endpoint === undefined
      ? [...channels.values()]
      : [channels.get(endpointKey(endpoint))].filter((c) => !!c);
  for (const channel of targets) channel?.close();
}
