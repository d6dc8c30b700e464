/** The error for a value that cannot cross to or from a worker, naming where in it the culprit sits. */
import { UnserializableError } from '../../errors.ts';
import { describeUncloneable } from './remote-error.ts';

/**
 * @param root `'args'` or `'result'`: where paths start (`args[1].user.cb`).
 * @param crossing how the value was travelling, for the message (`'to a worker thread'`).
 */
export function unserializableError(
  value: unknown,
  root: 'args' | 'result',
  crossing: string,
  cause: unknown,
): UnserializableError {
  const found = describeUncloneable(value, root);
  const where = found?.path ?? root;
  const why = found?.reason ?? (cause as Error)?.message ?? String(cause);
  return new UnserializableError(`Cannot send ${where} ${crossing}: ${why}`, where, { cause });
}
