/**
 * The keys a managed dict accepts, checked alike by the proxy (at the caller's boundary) and the server (for
 * any peer): strings, numbers, bigints and booleans, the values that come back from the server unchanged and
 * comparable. An object key would arrive as a copy, equal to nothing the server holds.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';

/** The kinds of key a managed dict accepts. */
export type DictKey = string | number | bigint | boolean;

/** Throws InvalidArgumentError unless `key` can be a dict key. */
export function checkKey(key: unknown, name = 'key'): DictKey {
  const type = typeof key;
  if (type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean')
    return key as DictKey;
  throw new InvalidArgumentError(
    `Expected \`${name}\` to be a string, number, bigint or boolean (a dict key), got ${describe(key)}`,
  );
}
