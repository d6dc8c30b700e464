/** The managed Event: Python's `threading.Event`, a flag sessions wait on until one of them sets it. */
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import { WaiterList } from './waiters.ts';

const METHODS = methodTable<HostEvent>({
  isSet: (event, args) => {
    arity(args, 0, 0, 'Event.isSet');
    return event.flag;
  },
  set: (event, args) => {
    arity(args, 0, 0, 'Event.set');
    event.set();
  },
  clear: (event, args) => {
    arity(args, 0, 0, 'Event.clear');
    event.flag = false;
  },
  /** → true once set (even if cleared again since), false when the invocation's timeout runs out. */
  wait: (event, args, inv) => {
    arity(args, 0, 0, 'Event.wait');
    return event.flag || event.waiters.park(inv, undefined, { onTimeout: () => false });
  },
});

export class HostEvent implements Hosted {
  readonly type = 'Event';
  readonly waiters = new WaiterList<boolean>();
  flag = false;

  /** Managed Event: no constructor arguments. */
  static create(args: readonly unknown[]): HostEvent {
    arity(args, 0, 0, 'Event()');
    return new HostEvent();
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  /** Sets the flag and releases every waiter: they return true even if someone clears it before they run. */
  set(): void {
    this.flag = true;
    for (const waiter of this.waiters.waiters()) this.waiters.grant(waiter, true);
  }

  sessionClosed(session: Session): void {
    this.waiters.dropSession(session);
  }
}
