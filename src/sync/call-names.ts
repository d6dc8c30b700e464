/**
 * How a lock's or semaphore's messages name it and its blocking calls. Spelled out once per class, at module
 * load, so that `acquire()` on the hot path passes ready strings instead of building them on every call.
 */
export interface CallNames {
  /** The class as TimeoutError and state errors name it, e.g. `'Lock'`. */
  readonly type: string;
  /** The blocking acquire as BlockingCallError names it, e.g. `'Lock.acquire()'`. */
  readonly acquire: string;
  /** The blocking hold as BlockingCallError names it, e.g. `'Lock.hold()'`. */
  readonly hold: string;
}

/**
 * @param type the class's name
 * @param caller the name BlockingCallError gives the blocking calls, if not `type`
 */
export function callNames(type: string, caller = type): CallNames {
  return { type, acquire: `${caller}.acquire()`, hold: `${caller}.hold()` };
}
