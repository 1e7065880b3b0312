import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetworkEvent } from '../../lib/index.ts';
import { eventLoopHealth, journalCheck, memoryHealth, nodeHealth, transportCheck } from '../../lib/control/built-in-checks.ts';
import { starterAlertRules } from '../../lib/control/starter-alerts.ts';
import type { HealthCheckResult } from '../../lib/control/health-types.ts';
import { CircuitBreaker } from '../../lib/resilience/breaker/breaker.ts';
import { RUNBOOK } from '../../lib/util/runbook.ts';
import { VirtualClock } from '../../lib/testing/index.ts';
import { testNetwork } from '../support/networks.ts';

// docs/operations.md is the runbook: every entry lib/ names must exist there, each required
// entry must say symptoms, likely causes, steps and prevention, and every alert, health problem
// and breaker trip must name an entry.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = readFileSync(`${ROOT}docs/operations.md`, 'utf8');

/** GitHub's anchor of a heading: lower-cased, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
const headings = PAGE.split('\n')
  .filter((line) => /^#{1,6} /.test(line))
  .map((line) => line.replace(/^#+\s*/, ''));
const ANCHORS = new Set(headings.map(anchorOf));

/** Every `operations.md#anchor` written in lib/'s sources. */
function anchorsNamedInLib(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(/operations\.md#([A-Za-z0-9_-]*)/g)) found.set(m[1]!, [...(found.get(m[1]!) ?? []), path.slice(ROOT.length)]);
    }
  };
  walk(`${ROOT}lib`);
  return found;
}

/** Expects a runbook reference to be a docs/operations.md anchor that exists. */
function expectEntry(runbook: string | undefined, what: string): void {
  expect(runbook, what).to.match(/^docs\/operations\.md#[a-z0-9-]+$/);
  expect([...ANCHORS], `${what}: ${runbook}`).to.include(runbook!.split('#')[1]);
}

describe('docs/operations.md: the runbook', () => {
  it('has every anchor that lib/ names', () => {
    const named = anchorsNamedInLib();
    expect(named.size, 'lib/ names runbook entries').to.be.greaterThan(10);
    const missing = [...named].filter(([anchor]) => !ANCHORS.has(anchor)).map(([anchor, files]) => `#${anchor} (${files.join(', ')})`);
    expect(missing, 'named in lib/ but not a heading of docs/operations.md').to.deep.equal([]);
    for (const runbook of Object.values(RUNBOOK)) expect(named.has(runbook.split('#')[1]!), runbook).to.equal(true);
  });

  it('has an entry with symptoms, likely causes, steps and prevention for each kind of trouble', () => {
    const required = ['High memory', 'Slow handling', 'Breaker open', 'Rate limit exceeded', 'Dead letters growing', 'Backpressure', 'NATS unreachable', 'Shutdown times out'];
    for (const title of [...required, 'Journal failing', 'Alert: node-error-rate', 'Alert: mailbox-fill', 'Alert: dead-letters-growing', 'Alert: breaker-open', 'Alert: network-unhealthy']) {
      const start = PAGE.indexOf(`\n### ${title}\n`);
      expect(start, title).to.be.greaterThan(0);
      const next = PAGE.slice(start + 1).search(/\n#{2,3} /);
      const body = PAGE.slice(start, next < 0 ? undefined : start + 1 + next);
      for (const part of ['**Symptoms.**', '**Likely causes.**', '**Steps.**', '**Prevention.**']) expect(body, `${title}: ${part}`).to.include(part);
    }
  });

  it('links only to headings that exist (its own and the guide’s links into it)', () => {
    const guide = readFileSync(`${ROOT}docs/guide.md`, 'utf8');
    const links = [...PAGE.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!).concat([...guide.matchAll(/operations\.md#([a-z0-9-]+)/g)].map((m) => m[1]!));
    expect(links.length).to.be.greaterThan(10);
    for (const anchor of links) expect([...ANCHORS], anchor).to.include(anchor);
  });

  it('every starter alert names its entry', () => {
    for (const rule of starterAlertRules()) expectEntry(rule.runbook, `alert ${rule.name}`);
  });

  it('every health problem of the built-in checks names its entry', async () => {
    const problems: [string, HealthCheckResult][] = [
      ['node, breaker open', nodeHealth({ fill: 0, breaker: 'open', errorRate: 0 })],
      ['node, breaker half-open', nodeHealth({ fill: 0, breaker: 'half-open', errorRate: 0 })],
      ['node, mailbox full', nodeHealth({ fill: 0.96, breaker: 'closed', errorRate: 0 })],
      ['node, mailbox filling', nodeHealth({ fill: 0.85, breaker: undefined, errorRate: 0 })],
      ['node, failing', nodeHealth({ fill: 0, breaker: 'closed', errorRate: 0.5 })],
      ['event loop, lagging', eventLoopHealth(500)],
      ['event loop, stalled', eventLoopHealth(5_000)],
      ['memory, high', memoryHealth(850, 1_000)],
      ['memory, near the limit', memoryHealth(990, 1_000)],
      ['journal, failed', (await journalCheck({ durable: true, health: () => ({ status: 'unhealthy' }) })(new AbortController().signal)) as HealthCheckResult],
      ['journal, failed (async)', (await journalCheck({ durable: true, health: async () => ({ status: 'degraded' }) })(new AbortController().signal)) as HealthCheckResult],
    ];
    const transport = transportCheck(
      (() => {
        let failed = 0;
        return () => ({ publishFailed: failed++, publishRefused: 0, publishPending: 0, unacked: 0 });
      })(),
    );
    await transport(new AbortController().signal);
    problems.push(['transport, publishes failing', (await transport(new AbortController().signal)) as HealthCheckResult]);
    for (const [what, result] of problems) {
      expect(result.status, what).to.not.equal('healthy');
      expectEntry(result.runbook, what);
    }
    expect(problems.find(([w]) => w === 'memory, high')![1].runbook).to.equal(RUNBOOK.highMemory);
    expect(problems.find(([w]) => w === 'node, breaker open')![1].runbook).to.equal(RUNBOOK.breakerOpen);
    expect(problems.find(([w]) => w === 'transport, publishes failing')![1].runbook).to.equal(RUNBOOK.natsUnreachable);
    expect(nodeHealth({ fill: 0, breaker: 'closed', errorRate: 0 }).runbook, 'a healthy node names none').to.equal(undefined);
  });

  it('a network’s health report carries the entry of each component in trouble, and drops it once healthy', async () => {
    const readings = { heapUsed: 100 };
    const { net, clock } = testNetwork({ health: { intervalMs: 1_000, readEventLoopLagMs: () => 0, readHeapUsed: () => readings.heapUsed, heapLimitBytes: 1_000 } });
    await net.start();
    await clock.advance(0);
    expect(net.health().components.memory).to.include({ status: 'healthy', runbook: undefined });
    readings.heapUsed = 990;
    await clock.advance(1_000);
    expect(net.health().components.memory).to.include({ status: 'unhealthy', runbook: RUNBOOK.highMemory });
    readings.heapUsed = 100;
    await clock.advance(1_000);
    expect(net.health().components.memory).to.include({ status: 'healthy', runbook: undefined });
    await net.shutdown();
  });

  it('a breaker that trips names its entry: on the event, in the audit log, and on a breaker alone', async () => {
    const { net, clock } = testNetwork({ health: false });
    net.node('store', {
      retry: false,
      breaker: { failureThreshold: 1, resetTimeoutMs: 1_000 },
      handle: () => {
        throw new Error('down');
      },
    });
    const events: NetworkEvent[] = [];
    net.events$.subscribe((e) => events.push(e));
    await net.start();
    net.post('store', { type: 't' });
    await clock.advance(0);
    const trip = events.find((e) => e.kind === 'breaker' && e.to === 'open');
    expect(trip, 'a breaker event').to.not.equal(undefined);
    expectEntry(trip?.kind === 'breaker' ? trip.runbook : undefined, 'the node breaker event');
    expect(events.filter((e) => e.kind === 'breaker' && e.to !== 'open').every((e) => e.kind === 'breaker' && e.runbook === undefined)).to.equal(true);
    expect(
      net.audit
        .recoveries()
        .map((r) => r.detail)
        .join('\n'),
    ).to.include(`runbook: ${RUNBOOK.breakerOpen}`);
    net.breaker('store')!.reset();
    await net.shutdown({ force: true });

    const breaker = new CircuitBreaker('alone', { failureThreshold: 1 }, new VirtualClock());
    const seen: (string | undefined)[] = [];
    breaker.onStateChange((t) => seen.push(t.runbook));
    breaker.recordFailure(new Error('down'));
    breaker.reset();
    expect(seen).to.deep.equal([RUNBOOK.breakerOpen, undefined]);
  });
});
