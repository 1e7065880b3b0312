/** 3. Fan-out / fan-in: one node emits to 8 nodes that all emit to one sink (17 handler runs per input). */
import type { Scenario } from '../context.ts';
import { shapeScenario } from './shape.ts';

export const fanout: Scenario = {
  name: '3 fan-out 1→8→1',
  run: (ctx) => shapeScenario(ctx, '3 fan-out 1→8→1', 'fanout', 'inputs/s'),
};
