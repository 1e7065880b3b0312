/** 1. Single node, all guarantees on, async handler. */
import type { Scenario } from '../context.ts';
import { shapeScenario } from './shape.ts';

export const single: Scenario = {
  name: '1 single node',
  run: (ctx) => shapeScenario(ctx, '1 single node', 'single', 'signals/s'),
};
