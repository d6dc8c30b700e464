/**
 * Options objects are checked for names they do not know: a misspelt option (`timeot`, `maxWorker`) would
 * otherwise be dropped in silence, and the default it was meant to change would apply.
 */
import { InvalidArgumentError } from '../errors.ts';

/**
 * @internal The first own key of `options` that is not in `known`, if any. Cheap enough for calls in a loop
 * (`queue.get({ timeout })`): no allocation, where `Object.keys` made an array per call.
 */
export function firstUnknownOption(options: object, known: readonly string[]): string | undefined {
  for (const key in options) {
    if (!known.includes(key) && Object.hasOwn(options, key)) return key;
  }
  return undefined;
}

/**
 * @internal Throws InvalidArgumentError for an own key of `options` that is not in `known`, suggesting the
 * closest known name.
 * @param where the options' place in the API, for the message: `task.with(options)`
 */
export function rejectUnknownOptions(options: object, known: readonly string[], where: string): void {
  const key = firstUnknownOption(options, known);
  if (key === undefined) return;
  const near = known.find((name) => editDistance(key.toLowerCase(), name.toLowerCase()) <= 2);
  const hint = near === undefined ? '' : ` (did you mean \`${near}\`?)`;
  throw new InvalidArgumentError(
    `Unknown option \`${key}\` in ${where}${hint}; known options: ${known.join(', ')}`,
  );
}

/** Levenshtein distance: edits (insert, delete, replace) from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(replace, previous[j]! + 1, current[j - 1]! + 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
