/** RxJS alone: Subject → groupBy(partitionKey) → mergeMap(g => g.pipe(concatMap(handler))), per node. */
import { Subject, concatMap, groupBy, mergeMap } from 'rxjs';
import type { Factory } from '../types.ts';
import { buildShape } from './shape.ts';
import type { BaseNode, Handler } from './shape.ts';

function rxNode(handler: Handler): BaseNode {
  const subject = new Subject<Parameters<Handler>[0]>();
  const sub = subject
    .pipe(
      groupBy((s) => s.partitionKey),
      mergeMap((g) => g.pipe(concatMap(handler))),
    )
    .subscribe();
  return {
    post(s) {
      subject.next(s);
      return true;
    },
    close() {
      sub.unsubscribe();
    },
  };
}

export const rxjs: Factory = async (o, tr) => buildShape(o, tr, (h) => rxNode(h));
