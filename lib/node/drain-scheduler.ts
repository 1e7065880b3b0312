/**
 * Runs node drains in one microtask per burst, shared by every node of every network in the
 * process. Node's `queueMicrotask` wraps each callback in an AsyncResource and a bound function
 * (~0.3 µs and ~200 bytes a call, measured here), and a network of many nodes, or a pipeline,
 * schedules a drain for nearly every signal: one batch for all of them costs one promise
 * reaction per burst instead.
 *
 * Drains scheduled while the batch runs (a handler emitting to a node that was idle) join the
 * same batch, in order. A drain that throws does not stop the others; its error is rethrown in
 * a microtask of its own, as an uncaught error, as `queueMicrotask` would have done.
 *
 * Drains run in microtasks (and a synchronous handler's completion starts the next signal at
 * once), so a handler that emits to itself, or two that emit to each other, would never give
 * the event loop a turn: no timer, no I/O, no shutdown timeout. Every drain therefore spends a
 * budget shared by the process, {@link DRAIN_TURN_BUDGET} signal starts per turn of the event
 * loop; once it is spent, drains are deferred to the next turn (`setImmediate`), after timers
 * and I/O had theirs. The hot path pays one decrement and compare per signal; the turn's start
 * (its first drain) pays one `setImmediate`, which marks the turn's end and renews the budget.
 */

/**
 * Signal starts all drains of the process may make in one turn of the event loop before they
 * yield it (a burst beyond it continues on the next turn, after timers and I/O).
 * @defaultValue 10 000 (a few milliseconds of fast handlers)
 */
export const DRAIN_TURN_BUDGET = 10_000;

const RESOLVED = Promise.resolve();
const pending: (() => void)[] = [];
let scheduled = false;

// Captured at load: sinon's fake timers replace the global, and a yield must reach the real loop.
const realSetImmediate = globalThis.setImmediate;
/** Starts left in this turn; 0 also when no turn is open (the next start opens one). */
let budgetLeft = 0;
/** A `setImmediate` marks the end of the current turn (and renews the budget then). */
let turnOpen = false;
/** Drains that found the budget spent, to run in the next turn. */
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
 * Takes one signal start from this turn's budget. False when it is spent: the caller must not
 * start the signal, and passes its drain to {@link deferDrain} instead.
 */
export function spendDrainBudget(): boolean {
  if (--budgetLeft >= 0) return true;
  if (turnOpen) return false;
  // The first start of a turn: open it, and mark its end.
  turnOpen = true;
  budgetLeft = DRAIN_TURN_BUDGET - 1;
  realSetImmediate(endTurn);
  return true;
}

/** Runs `drain` once the event loop had its turn (see {@link spendDrainBudget}). */
export function deferDrain(drain: () => void): void {
  deferred.push(drain);
}

function endTurn(): void {
  turnOpen = false;
  budgetLeft = 0;
  if (deferred.length === 0) return;
  for (const drain of deferred) scheduleDrain(drain);
  deferred.length = 0;
}
