import type { Signal } from '../signal/signal.ts';

/**
 * The fields most signals to one target share: written once to the journal file as a shape line,
 * then referred to by number (see `signal-codec.ts`).
 */
export interface Shape {
  readonly n: number;
  readonly type: string;
  readonly version: string;
  readonly target: string;
  readonly urgency: number;
  readonly source: string | undefined;
}

/**
 * Shapes numbered per journal. Past this many, records carry their shape inline.
 * @defaultValue 4096
 */
export const MAX_SHAPES = 4096;

/** The shapes seen for one target (urgencies apart, in a typed array: a double read from an object field is boxed). */
interface TargetShapes {
  readonly shapes: Shape[];
  urgency: Float64Array;
}

/**
 * A journal's shapes, by number. A shape is announced (its line queued for the file) when it is
 * first numbered, before the record that uses it; numbers are never reused, so a record queued
 * before a compaction still means the same shape after it (the compacted file starts with every
 * shape, see `rewritePending`).
 */
export class ShapeTable {
  readonly #byTarget = new Map<string, TargetShapes>();
  readonly #all: Shape[] = [];
  readonly #announce: (shape: Shape) => void;
  readonly #max: number;

  /** `announce` queues the line of a new shape. */
  constructor(announce: (shape: Shape) => void, max = MAX_SHAPES) {
    this.#announce = announce;
    this.#max = max;
  }

  /** Every shape numbered so far, by number. */
  get shapes(): readonly Shape[] {
    return this.#all;
  }

  /**
   * The number of the signal's shape, announcing it when new; -1 when the table is full (the
   * record then carries its shape inline). Throws a TypeError (numbering nothing) for a field of
   * the wrong type. A look-up by target (a node's name, whose hash is
   * computed already) and a few comparisons.
   */
  numberOf(s: Signal): number {
    let t = this.#byTarget.get(s.target);
    if (t !== undefined) {
      const shapes = t.shapes;
      for (let i = 0; i < shapes.length; i++) {
        const shape = shapes[i]!;
        if (shape.type === s.type && shape.version === s.version && shape.source === s.source && t.urgency[i] === s.urgency) return shape.n;
      }
    }
    if (this.#all.length >= this.#max) return -1;
    checkShape(s);
    if (t === undefined) {
      t = { shapes: [], urgency: new Float64Array(4) };
      this.#byTarget.set(s.target, t);
    }
    const shape: Shape = { n: this.#all.length, type: s.type, version: s.version, target: s.target, urgency: s.urgency, source: s.source };
    const i = t.shapes.length;
    if (i === t.urgency.length) {
      const grown = new Float64Array(2 * i);
      grown.set(t.urgency);
      t.urgency = grown;
    }
    t.urgency[i] = s.urgency;
    t.shapes.push(shape);
    this.#all.push(shape);
    this.#announce(shape);
    return shape.n;
  }
}

/** A shape goes into every later record that names it: one of the wrong type would spoil them all. */
function checkShape(s: Signal): void {
  const strings = typeof s.type === 'string' && typeof s.version === 'string' && typeof s.target === 'string';
  if (!strings || (s.source !== undefined && typeof s.source !== 'string')) throw new TypeError(`signal ${String(s.id)} has a field of the wrong type`);
  if (typeof s.urgency !== 'number' || !Number.isFinite(s.urgency)) throw new TypeError(`signal ${String(s.id)} has urgency ${String(s.urgency)}`);
}
