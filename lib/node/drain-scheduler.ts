/**
 * Runs node drains in one microtask per burst, shared by every node of every network in the
 * process. Node's `queueMicrotask` wraps each callback in an AsyncResource and a bound function
 * (a cost and an allocation per call, see docs/benchmarks.md), and a network of many nodes, or a pipeline,
 * schedules a drain for nearly every signal: one batch for all of them costs one promise
 * reaction per burst instead.
 *
 * Drains scheduled while the batch runs (a handler emitting to a node that was idle) join the
 * same batch, in order. A drain that throws does not stop the others; its error is rethrown in
 * a microtask of its own, as an uncaught error, as `queueMicrotask` would have done.
 *
 * Drains run in microtasks (and a synchronous handler's completion starts the next signal at
 * once), so a handler that emits to itself, or two that emit to each other, would never give
 * the event loop a turn: no timer, no I/O, no shutdown timeout. Every signal start therefore
 * spends a budget shared by the process. When {@link DRAIN_BUDGET} starts are spent, a
 * `setImmediate` goes out to see whether the loop turns; if another budget is spent before it
 * fires, the loop is starved, and drains wait for it (they are deferred to that turn, which
 * comes after timers and I/O had theirs). The hot path pays one decrement and compare per
 * signal, and one `setImmediate` per budget: nothing per turn of the event loop.
 */

/**
 * Signal starts, by all drains of the process, between two checks that the event loop turns:
 * a turn of the loop runs at most twice this many before drains yield it.
 * @defaultValue 10 000 (a few milliseconds of fast handlers)
 */
export const DRAIN_BUDGET = 10_000;

const RESOLVED = Promise.resolve();
const pending: (() => void)[] = [];
let scheduled = false;

// Captured at load: sinon's fake timers replace the global, and a yield must reach the real loop.
const realSetImmediate = globalThis.setImmediate;
/** Starts left before the next check; negative once spent while a check is out. */
let budgetLeft = DRAIN_BUDGET;
/** A `setImmediate` is out: it fires once the event loop turns, and renews the budget. */
let checkOut = false;
/** Drains that found the budget spent, to run once the loop turned. */
const deferred: (() => void)[] = [];

function runPending(): void {
  // Index loop: the array grows while it runs.
  for (let i = 0; i < pending.length; i++) {
    try {
      pending[i]!();
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  }
  pending.length = 0;
  scheduled = false;
}

/** Runs `drain` in the next batch of drains. */
export function scheduleDrain(drain: () => void): void {
  pending.push(drain);
  if (!scheduled) {
    scheduled = true;
    void RESOLVED.then(runPending);
  }
}

/**
 * Takes one signal start from the budget. False when the event loop is starved: the caller must
 * not start the signal, and passes its drain to {@link deferDrain} instead.
 */
export function spendDrainBudget(): boolean {
  if (--budgetLeft >= 0) return true;
  if (checkOut) return false;
  // A budget spent: see whether the loop turns before the next one is.
  checkOut = true;
  budgetLeft = DRAIN_BUDGET - 1;
  realSetImmediate(loopTurned);
  return true;
}

/** Runs `drain` once the event loop had its turn (see {@link spendDrainBudget}). */
export function deferDrain(drain: () => void): void {
  deferred.push(drain);
}

function loopTurned(): void {
  checkOut = false;
  budgetLeft = DRAIN_BUDGET;
  if (deferred.length === 0) return;
  for (const drain of deferred) scheduleDrain(drain);
  deferred.length = 0;
}
