/** 2. Three-node pipeline: producer → partitioned worker → sink, all guarantees on. */
import type { Scenario } from '../context.ts';
import { shapeScenario } from './shape.ts';

export const pipeline: Scenario = {
  name: '2 pipeline (3 nodes)',
  run: (ctx) => shapeScenario(ctx, '2 pipeline (3 nodes)', 'pipeline', 'inputs/s'),
};
