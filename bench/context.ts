/** What every scenario receives: the settings and the systems to compare. */
import type { Row, Figure } from './harness.ts';
import type { Outcome, Settings, Sys } from './measure.ts';

export interface Ctx extends Settings {
  /** Plexus first, then the baselines. */
  systems: Sys[];
}

export interface Scenario {
  name: string;
  run(ctx: Ctx): Promise<Row[]>;
}

/** Turns an outcome into a table row; `plexusName` is the system whose figure is Plexus's. */
export function toRow(
  scenario: string,
  metric: string,
  unit: string,
  better: 'higher' | 'lower',
  o: Pick<Outcome, 'closed' | 'notes'> & Partial<Outcome>,
  plexusName = 'plexus',
  which: 'figs' | 'cpu' = 'figs',
): Row {
  const pick = (n: string): Figure | undefined => o[which]?.[n];
  return {
    scenario,
    metric,
    unit,
    better,
    plexus: pick(plexusName) ?? { na: 'n/a' },
    baselines: { bare: pick('bare') ?? { na: '—' }, rxjs: pick('rxjs') ?? { na: '—' }, xstate: pick('xstate') ?? { na: '—' } },
    closed: o.closed,
    notes: o.notes,
  };
}
