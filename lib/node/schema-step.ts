import type { SchemaOutcome, SchemaRegistry } from '../signal/schema-registry.ts';
import { reviseSignal } from '../signal/envelope.ts';
import { isThenable } from '../util/thenable.ts';
import type { Worker } from './worker.ts';

/**
 * The step before a signal's first attempt when its type has a schema: the registry validates
 * the payload and upcasts it to the version the node handles (the worker then holds a revised
 * copy), or refuses it. Synchronous when the registry is: no promise per signal.
 */
export function resolveSchema(schemas: SchemaRegistry, w: Worker, passed: (w: Worker) => void, failed: (w: Worker, e: unknown) => void): void {
  const s = w.signal!;
  let outcome: SchemaOutcome | Promise<SchemaOutcome> | undefined;
  try {
    outcome = schemas.resolve(s.type, s.version, s.payload);
  } catch (e) {
    failed(w, e);
    return;
  }
  if (isThenable<SchemaOutcome | undefined>(outcome)) {
    outcome.then(
      (o) => {
        // A forced stop may have handed the signal back while the registry was busy.
        if (w.signal === s) apply(w, o, passed);
      },
      (e: unknown) => {
        if (w.signal === s) failed(w, e);
      },
    );
  } else apply(w, outcome, passed);
}

function apply(w: Worker, o: SchemaOutcome | undefined, passed: (w: Worker) => void): void {
  const s = w.signal!;
  if (o !== undefined && (o.version !== s.version || o.payload !== s.payload)) w.signal = reviseSignal(s, { version: o.version, payload: o.payload });
  passed(w);
}
