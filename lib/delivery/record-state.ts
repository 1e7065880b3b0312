/**
 * The journal's record of a control-plane part's state (a failover group's active member and
 * audit trail): `[8,"key",value]`, the last one of each key wins. Rare (a switch, not a signal),
 * so plain `JSON.stringify`. Kept by compaction (see `rewritePending`), so a restarted network
 * reads it back however long ago it was written.
 */
import type { RecordBuffer } from './record-buffer.ts';
import { RecordKind } from './signal-codec.ts';
import type { KeptState } from './journal.ts';

export type { KeptState };

/** Appends `[8,"key",value]`. Throws (writing nothing) when `value` cannot be written as JSON. */
export function writeStateRecord(out: RecordBuffer, key: string, value: unknown): void {
  const text = JSON.stringify([RecordKind.state, key, value]);
  if (text === undefined) throw new TypeError(`the state of ${key} cannot be written as JSON`);
  const line = Buffer.from(text + '\n');
  const to = out.reserve(line.length);
  line.copy(to, out.pos);
  out.pos += line.length;
}

/** Reads the fields of a kind-8 record; `undefined` when malformed. */
export function decodeStateRecord(fields: readonly unknown[]): KeptState | undefined {
  if (fields.length !== 3 || typeof fields[1] !== 'string' || fields[1] === '') return undefined;
  return { key: fields[1], value: fields[2] };
}
