/** Plexus and the baselines, in table order. */
import { bare } from './baselines/bare.ts';
import { rxjs } from './baselines/rxjs.ts';
import { xstate } from './baselines/xstate.ts';
import type { Sys } from './measure.ts';
import { loadPlexus } from './plexus.ts';

export async function loadSystems(): Promise<Sys[]> {
  return [await loadPlexus(), { name: 'bare', factory: bare }, { name: 'rxjs', factory: rxjs }, { name: 'xstate', factory: xstate }];
}
