/**
 * xstate v5 actors alone: each node is `partitions` partition actors (hash of partitionKey); a
 * partition actor queues signals in its context, runs one handler at a time and sends itself
 * `done` when the handler's promise settles. Forwarding is `actor.send` to the next node's actor.
 */
import { createActor, setup } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { Ring, hashKey } from '../ring.ts';
import type { Draft, Factory } from '../types.ts';
import { buildShape } from './shape.ts';
import type { BaseNode, Handler } from './shape.ts';

interface Ctx {
  queue: Ring<Draft>;
  busy: boolean;
  handler: Handler;
}
type Ev = { type: 'signal'; s: Draft } | { type: 'done' };

function run(ctx: Ctx, s: Draft, self: AnyActorRef): void {
  ctx.handler(s).then(() => self.send({ type: 'done' }));
}

const partitionMachine = setup({
  types: { context: {} as Ctx, events: {} as Ev, input: {} as { handler: Handler } },
}).createMachine({
  context: ({ input }) => ({ queue: new Ring<Draft>(), busy: false, handler: input.handler }),
  on: {
    signal: {
      actions: ({ context, event, self }) => {
        if (event.type !== 'signal') return;
        if (context.busy) context.queue.push(event.s);
        else {
          context.busy = true;
          run(context, event.s, self);
        }
      },
    },
    done: {
      actions: ({ context, self }) => {
        const next = context.queue.shift();
        if (next === undefined) context.busy = false;
        else run(context, next, self);
      },
    },
  },
});

function xNode(handler: Handler, partitions: number): BaseNode {
  const actors = Array.from({ length: partitions }, () => createActor(partitionMachine, { input: { handler } }).start());
  return {
    post(s) {
      (actors[hashKey(s.partitionKey) % partitions] as AnyActorRef).send({ type: 'signal', s });
      return true;
    },
    close() {
      for (const a of actors) a.stop();
    },
  };
}

export const xstate: Factory = async (o, tr) => buildShape(o, tr, (h, p) => xNode(h, p));
