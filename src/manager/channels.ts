/**
 * The calling thread's channel to a manager, by endpoint (see types.ts). Being written: the transport
 * replaces this body with connections and the blocking bridge.
 */
import { ManagerUnavailableError } from '../errors.ts';
import type { ManagerChannel, ManagerEndpoint } from './types.ts';

export function channelFor(endpoint: ManagerEndpoint): ManagerChannel {
  throw new ManagerUnavailableError(`No transport to ${JSON.stringify(endpoint.address)} yet`);
}
