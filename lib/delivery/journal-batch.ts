/** One group commit of the FileJournal: the promise every `append` of the batch returns. */
import type { JournalError } from './journal-error.ts';

/** See the file comment. */
export interface Batch {
  readonly promise: Promise<void>;
  resolve: () => void;
  reject: (e: JournalError) => void;
  /**
   * The acceptance numbers (see PendingSet) of the signals this batch made pending, forgotten
   * again if it is lost: from `firstAccepted`, below `endAccepted` (set once it is written).
   */
  firstAccepted: number;
  endAccepted: number;
}

export const noop = (): void => {};

/** A batch whose first signal gets acceptance number `firstAccepted`; its promise is marked handled. */
export function newBatch(firstAccepted: number): Batch {
  let resolve!: () => void;
  let reject!: (e: JournalError) => void;
  const settled = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const promise = handled(settled);
  return { promise, resolve, reject, firstAccepted, endAccepted: Infinity };
}

/** Marks `p` handled (a dropped rejection must not crash the process) and returns it unchanged. */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(noop);
  return p;
}
