/** The bare limit: one plain ring queue per node, drained on microtasks, awaiting the same async handler. */
import { Ring } from '../ring.ts';
import type { Factory } from '../types.ts';
import { buildShape } from './shape.ts';
import type { BaseNode, Handler } from './shape.ts';

class BareNode implements BaseNode {
  private readonly q = new Ring<Parameters<Handler>[0]>(1024);
  private draining = false;
  constructor(private readonly handler: Handler) {}

  post(s: Parameters<Handler>[0]): boolean {
    this.q.push(s);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(this.drain);
    }
    return true;
  }

  private readonly drain = async (): Promise<void> => {
    let s = this.q.shift();
    while (s !== undefined) {
      await this.handler(s);
      s = this.q.shift();
    }
    this.draining = false;
  };
}

export const bare: Factory = async (o, tr) => buildShape(o, tr, (h) => new BareNode(h));
