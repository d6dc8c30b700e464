// Shared by the test/manager/proxies suites: a host with fake channels (one session each) and proxy makers.
import { createObjectHost } from '../../../src/manager/objects/host.ts';
import type { ObjectHost } from '../../../src/manager/types.ts';
import { FakeChannel } from './fake-channel.ts';

export interface Setup {
  readonly host: ObjectHost;
  /** Two client threads' channels to the host. */
  readonly a: FakeChannel;
  readonly b: FakeChannel;
}

export function setup(): Setup {
  const host = createObjectHost();
  return { host, a: new FakeChannel(host), b: new FakeChannel(host) };
}

/** Makes an object on the host and proxies of it for both channels. */
export async function pair<P>(
  s: Setup,
  make: new (channel: FakeChannel, id: number) => P,
  type: string,
  ...args: unknown[]
): Promise<[P, P, number]> {
  const id = (await s.a.create(type, ...args)) as number;
  return [new make(s.a, id), new make(s.b, id), id];
}

/** 'pending', or how the promise settled, once the host has had a few turns of the event loop. */
export async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let state: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'fulfilled'),
    () => (state = 'rejected'),
  );
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  return state;
}
