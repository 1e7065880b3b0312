import type { SchemaOutcome, SchemaRegistry } from '../signal/schema-registry.ts';
import { reviseSignal } from '../signal/envelope.ts';
import { isThenable } from '../util/thenable.ts';
import type { Worker } from './worker.ts';

/**
 * The step before a signal's first attempt when its type has a schema: the registry validates
 * the payload and upcasts it to the version the node handles (the worker then holds a revised
 * copy), or refuses it. Synchronous when the registry is: no promise per signal.
 */
export function resolveSchema(schemas: SchemaRegistry, worker: Worker, passed: (worker: Worker) => void, failed: (worker: Worker, e: unknown) => void): void {
  const s = worker.signal!;
  let outcome: SchemaOutcome | Promise<SchemaOutcome> | undefined;
  try {
    outcome = schemas.resolve(s.type, s.version, s.payload);
  } catch (e) {
    failed(worker, e);
    return;
  }
  if (isThenable<SchemaOutcome | undefined>(outcome)) {
    outcome.then(
      (resolved) => {
        // A forced stop may have handed the signal back while the registry was busy.
        if (worker.signal === s) apply(worker, resolved, passed);
      },
      (e: unknown) => {
        if (worker.signal === s) failed(worker, e);
      },
    );
  } else apply(worker, outcome, passed);
}

function apply(worker: Worker, outcome: SchemaOutcome | undefined, passed: (worker: Worker) => void): void {
  const s = worker.signal!;
  if (outcome !== undefined && (outcome.version !== s.version || outcome.payload !== s.payload)) worker.signal = reviseSignal(s, { version: outcome.version, payload: outcome.payload });
  passed(worker);
}
