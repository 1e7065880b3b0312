/**
 * Unknown option names: the lists of known keys per options type, the search for a key that is
 * not in a list, and the "did you mean" suggestion. Leaf file (no imports): every folder's
 * validation words its own typed error around these.
 */

/**
 * What a key list must be to stand for `T`: when a key of `T` is missing from `L`, an object
 * type whose one property names the missing keys (so the compile error says which).
 */
export type CompleteKeyList<T, L extends readonly PropertyKey[]> = [Exclude<keyof T, L[number]>] extends [never] ? unknown : { readonly 'missing option keys': Exclude<keyof T, L[number]> };

/**
 * Declares the list of `T`'s option keys, beside `T`'s interface. The list must name every key
 * of `T` and nothing else: adding an option to the interface without listing it, or listing a
 * key the interface does not have, is a compile error.
 *
 * @example
 * ```ts
 * export const RETRY_OPTION_KEYS = optionKeys<RetryOptions>()(['maxAttempts', 'baseDelayMs']);
 * ```
 */
export function optionKeys<T>(): <const L extends readonly (keyof T & string)[]>(keys: L & CompleteKeyList<T, L>) => L {
  return (keys) => Object.freeze(keys);
}

/**
 * Largest edit distance at which a known key is offered as the one meant; a key shorter than
 * three times it gets a third of its length (`rate` is 2 edits from `name` too, and means nothing like it).
 */
export const SUGGESTION_MAX_DISTANCE = 2;

/**
 * The first own enumerable key of `value` that is not in `known`, else undefined. for..in rather
 * than Object.keys: per-call options (a protected call's) are checked on every call, and for..in
 * walks V8's enum cache without building an array.
 */
export function firstUnknownKey(value: object, known: readonly string[]): string | undefined {
  for (const key in value) if (!known.includes(key) && Object.hasOwn(value, key)) return key;
  return undefined;
}

/**
 * The known key `key` most likely stands for: one equal to it ignoring case, else the nearest
 * within {@link SUGGESTION_MAX_DISTANCE} edits (insert, delete, replace, swap two neighbours;
 * fewer for short keys),
 * the first listed on a tie; undefined when none is that close.
 */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Math.min(SUGGESTION_MAX_DISTANCE, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** The reason an unknown key is refused, in the words every error uses. */
export function unknownKeyReason(key: string, known: readonly string[]): string {
  const meant = suggestKey(key, known);
  return meant !== undefined ? `unknown option; did you mean '${meant}'?` : `unknown option (known: ${known.join(', ')})`;
}

/**
 * Optimal string alignment distance between `a` and `b`, or `limit` as soon as it is certain to
 * reach it (option names are short; this runs only once a key is already known to be wrong).
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, beforePrevious[j - 2]! + 1);
      current.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin >= limit) return limit;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
