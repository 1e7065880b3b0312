/**
 * Assertions over recorded events. They throw Node's `assert.AssertionError`, so mocha (or any runner) prints them
 * like any other failed expectation; every message shows the patterns and a compact listing
 * of what was actually recorded.
 */
import { AssertionError } from 'node:assert';
import type { NetworkEvent } from '../observe/events.ts';
import { TestingOptionError } from './errors.ts';
import { describeMatcher, formatEvents } from './format.ts';
import { matchesEvent, type EventMatcher } from './pattern.ts';
import type { EventRecorder } from './recorder.ts';

/** The negated assertions of {@link EventExpectation}. */
export interface NegatedEventExpectation {
  /** No recorded event matches the pattern (with several patterns: none of them matches any event). */
  toInclude(patterns: EventMatcher | readonly EventMatcher[]): void;
}

/** What {@link expectEvents} returns. */
export interface EventExpectation {
  /** Each pattern matches some recorded event (unordered; one event may satisfy several patterns). */
  toInclude(patterns: EventMatcher | readonly EventMatcher[]): void;
  /**
   * The patterns match events in this order: a subsequence, other events may sit between,
   * and each pattern needs its own event after the previous pattern's.
   */
  toIncludeInOrder(patterns: readonly EventMatcher[]): void;
  /** Exactly `n` recorded events match the pattern. */
  toHaveCount(pattern: EventMatcher, n: number): void;
  /** The negated assertions. */
  readonly not: NegatedEventExpectation;
}

/** Source of events for {@link expectEvents}: a recorder or a plain array. */
export type EventSource = EventRecorder | readonly NetworkEvent[];

function eventsOf(source: EventSource): readonly NetworkEvent[] {
  return Array.isArray(source) ? (source as readonly NetworkEvent[]) : (source as EventRecorder).events;
}

function asList(patterns: EventMatcher | readonly EventMatcher[]): readonly EventMatcher[] {
  return Array.isArray(patterns) ? (patterns as readonly EventMatcher[]) : [patterns as EventMatcher];
}

function fail(headline: string, expected: unknown, events: readonly NetworkEvent[]): never {
  const message = `${headline}\nrecorded ${events.length} event${events.length === 1 ? '' : 's'}:\n${formatEvents(events)}`;
  // showDiff off (mocha reads it): a structural diff of patterns against events is noise; the listing says more.
  throw Object.assign(new AssertionError({ message, expected, actual: events.length, operator: 'expectEvents', stackStartFn: fail }), { showDiff: false });
}

/**
 * Starts an assertion about recorded events.
 *
 * @example
 * ```ts
 * expectEvents(rec).toIncludeInOrder([{ kind: 'failed', attempt: 1 }, { kind: 'completed', attempt: 2 }]);
 * expectEvents(rec).not.toInclude({ kind: 'dead-lettered' });
 * ```
 */
export function expectEvents(source: EventSource): EventExpectation {
  return {
    toInclude(patterns) {
      const events = eventsOf(source);
      const list = asList(patterns);
      const missing = list.filter((p) => !events.some((e) => matchesEvent(e, p)));
      if (missing.length > 0) {
        const lines = missing.map((p) => `  ${describeMatcher(p)}`).join('\n');
        fail(`expected events to include ${missing.length} of ${list.length} pattern(s) that matched nothing:\n${lines}`, list, events);
      }
    },
    toIncludeInOrder(patterns) {
      const events = eventsOf(source);
      let from = 0;
      for (let i = 0; i < patterns.length; i++) {
        const p = patterns[i]!;
        let at = -1;
        for (let j = from; j < events.length; j++) {
          if (matchesEvent(events[j]!, p)) {
            at = j;
            break;
          }
        }
        if (at < 0) {
          const anywhere = events.findIndex((e) => matchesEvent(e, p));
          const where = i === 0 ? '' : ` after event #${from - 1} (which matched pattern #${i - 1})`;
          const hint = anywhere >= 0 ? ` (it matches event #${anywhere}, too early)` : ' (it matches no event at all)';
          fail(`expected events to include ${patterns.length} patterns in order; matched ${i}, then pattern #${i} ${describeMatcher(p)} not found${where}${hint}`, patterns, events);
        }
        from = at + 1;
      }
    },
    toHaveCount(pattern, n) {
      if (!Number.isInteger(n) || n < 0) throw new TestingOptionError('toHaveCount(n)', 'must be an integer >= 0', n);
      const events = eventsOf(source);
      const count = events.reduce((c, e) => (matchesEvent(e, pattern) ? c + 1 : c), 0);
      if (count !== n) fail(`expected ${n} event(s) matching ${describeMatcher(pattern)}, found ${count}`, n, events);
    },
    not: {
      toInclude(patterns) {
        const events = eventsOf(source);
        for (const p of asList(patterns)) {
          const hit = events.findIndex((e) => matchesEvent(e, p));
          if (hit >= 0) fail(`expected no event matching ${describeMatcher(p)}, but event #${hit} matches`, p, events);
        }
      },
    },
  };
}
