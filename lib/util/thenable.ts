/**
 * True for anything with a `then` method, what `await` treats as a promise: handlers,
 * validators and upcasters may hand back any thenable, not only a native Promise. (Typed as a
 * Promise for the callers' chaining; only `then` is ever called on it.)
 */
export function isThenable<T>(v: unknown): v is Promise<T> {
  return typeof (v as { then?: unknown } | null | undefined)?.then === 'function';
}
