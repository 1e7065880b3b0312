// The panels besides the graph and the charts: the node table, health and alerts, dead letters,
// a trace's hops, the event feed, and any section the server adds that this page does not know.
import { api, runbookHref } from './api.js';
import { clockTime, fill, h, ms, num, pill, toast } from './dom.js';

/** The runbook entry of a breaker trip. */
export const BREAKER_RUNBOOK = 'docs/operations.md#alert-breaker-open';
/** The runbook entry of an unhealthy network. */
export const HEALTH_RUNBOOK = 'docs/operations.md#alert-network-unhealthy';

const runbookLink = (runbook, text = 'runbook') => h('a', { href: runbookHref(runbook), target: '_blank', rel: 'noopener', class: 'runbook-link' }, text, ' ↗');

/** One row per node: breaker, pressure, queue by partition, rates and totals. */
export function renderNodes(body, nodes, p95ByNode) {
  fill(
    body,
    nodes.map((n) => {
      const max = Math.max(1, ...n.partitionDepths);
      const bars = h('div', { class: 'partitions', title: n.partitionDepths.map((d, i) => `p${i}: ${d}`).join('  ') });
      for (const depth of n.partitionDepths) {
        const bar = h('i');
        bar.style.height = `${depth === 0 ? 1 : 3 + (depth / max) * 15}px`;
        bar.style.opacity = depth === 0 ? '0.25' : '0.9';
        bars.append(bar);
      }
      const meter = h('i', { class: n.pressure });
      meter.style.width = `${Math.min(100, n.fill * 100).toFixed(1)}%`;
      return h(
        'tr',
        { 'data-node': n.node },
        h('td', {}, n.node),
        h('td', {}, pill(n.breakerState === 'none' ? 'no breaker' : n.breakerState, n.breakerState), n.breakerState === 'open' ? [' ', runbookLink(BREAKER_RUNBOOK)] : null),
        h('td', {}, h('span', { class: 'meter' }, meter), h('span', { class: n.pressure === 'normal' ? 'muted' : '' }, `${(n.fill * 100).toFixed(0)}% ${n.pressure}`)),
        h('td', {}, bars),
        h('td', { class: 'num' }, num(n.queueDepth)),
        h('td', { class: 'num' }, num(n.inFlight)),
        h('td', { class: 'num' }, `${num(n.throughput)}/s`),
        h('td', { class: 'num' }, `${(n.errorRate * 100).toFixed(1)}%`),
        h('td', { class: 'num' }, ms(p95ByNode.get(n.node))),
        h('td', { class: 'num' }, num(n.completed)),
        h('td', { class: 'num' }, num(n.deadLettered)),
      );
    }),
  );
}

/** Active alerts (each with its runbook), then each health component and breaker that is not fine. */
export function renderHealth(alertsBox, healthBox, health) {
  const alerts = health.alerts ?? [];
  fill(
    alertsBox,
    alerts.length === 0
      ? h('div', { class: 'no-alerts' }, '✓ no active alerts')
      : alerts.map((a) =>
          h(
            'div',
            { class: `alert ${a.severity}`, 'data-alert': a.name },
            pill(a.state, a.state),
            h('span', { class: 'name' }, a.name),
            pill(a.severity, a.severity === 'critical' ? 'bad' : 'warn'),
            runbookLink(a.runbook),
          ),
        ),
  );
  const components = Object.entries(health.components ?? {});
  const breakers = Object.entries(health.circuitBreakers ?? {});
  const chip = (name, status, extra, runbook) =>
    h(
      'div',
      { class: `chip ${status}`, title: `${name}: ${status}${extra ? ` (${extra})` : ''}` },
      h('span', { class: 'chip-dot' }),
      h('span', { class: 'chip-name' }, name),
      runbook ? runbookLink(runbook, '') : null,
    );
  fill(
    healthBox,
    h('div', { class: 'sub' }, 'components'),
    h(
      'div',
      { class: 'chips' },
      components.map(([name, c]) => chip(name, c.status, c.lastError?.message, c.status === 'healthy' || c.status === 'unknown' ? undefined : (c.details?.runbook ?? HEALTH_RUNBOOK))),
    ),
    breakers.length === 0 ? null : h('div', { class: 'sub' }, 'breakers'),
    h(
      'div',
      { class: 'chips' },
      breakers.map(([name, b]) => chip(name, b.state, `${b.failureCount} failures`, b.state === 'closed' ? undefined : BREAKER_RUNBOOK)),
    ),
  );
}

/** The newest dead letters, each with reprocess and purge, its correlation linked to the trace view. */
export function renderDeadLetters(list, sizeBox, answer, onTrace, onChange) {
  sizeBox.textContent = `${num(answer.size)} held`;
  if (answer.deadLetters.length === 0) {
    fill(list, h('li', { class: 'empty' }, 'no dead letters'));
    return;
  }
  fill(
    list,
    answer.deadLetters.map((d) =>
      h(
        'li',
        { 'data-id': d.id },
        h(
          'div',
          { class: 'grow' },
          h('div', { class: 'line1' }, pill(d.reason, 'bad'), h('strong', {}, d.node), h('span', { class: 'muted clip' }, `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`)),
          h('div', { class: 'line2', title: d.error?.message }, h('span', { class: 'mono' }, `${d.signal.type}@${d.signal.version}`), ` · ${d.error?.message ?? ''}`),
          d.signal.correlationId
            ? h(
                'div',
                { class: 'line2' },
                'correlation ',
                h(
                  'a',
                  {
                    href: '#',
                    class: 'mono',
                    onclick: (e) => {
                      e.preventDefault();
                      onTrace(d.signal.correlationId);
                    },
                  },
                  d.signal.correlationId.slice(0, 18),
                ),
              )
            : null,
        ),
        h('button', { class: 'primary', onclick: () => act(`/api/dead-letters/${encodeURIComponent(d.id)}/reprocess`, 'POST', 'reprocessed', onChange) }, 'Reprocess'),
        h('button', { title: 'purge', onclick: () => act(`/api/dead-letters/${encodeURIComponent(d.id)}`, 'DELETE', 'purged', onChange) }, '✕'),
      ),
    ),
  );
}

async function act(path, method, done, onChange) {
  try {
    await api(path, { method });
    toast(`dead letter ${done}`);
  } catch (error) {
    toast(error.message, true);
  }
  onChange();
}

/** One hop of a trace: the node, the signal, how the attempt ended, where and how long. */
function hopItem(signal, hop, deadReason) {
  const done = hop.outcome === 'completed' || hop.outcome === 'journaled';
  return h(
    'li',
    { class: done ? '' : 'failed' },
    h('div', { class: 'line1' }, h('strong', {}, hop.node), h('span', { class: 'mono muted clip' }, `${signal.type}@${signal.version}`), pill(hop.outcome, done ? 'ok' : 'bad')),
    h(
      'div',
      { class: 'line2' },
      `partition ${hop.partition} · attempt ${hop.attempt}`,
      hop.finishedAt !== undefined ? ` · ${ms(hop.finishedAt - hop.startedAt)}` : '',
      signal.source ? ` · from ${signal.source}` : '',
      deadReason ? ` · dead letter: ${deadReason}` : '',
    ),
  );
}

/**
 * The hops of a correlation: each journaled (completed) signal and, from `deadLetters`, the ones
 * of that correlation that ended in the dead letter queue, oldest first.
 */
export async function showTrace(box, correlationId, deadLetters = []) {
  fill(box, h('div', { class: 'muted' }, 'loading…'));
  let journaled = [];
  let problem;
  try {
    journaled = (await api(`/api/traces/${encodeURIComponent(correlationId)}`)).hops;
  } catch (error) {
    problem = error;
  }
  const dead = deadLetters.filter((d) => d.signal.correlationId === correlationId);
  if (journaled.length === 0 && dead.length === 0) {
    fill(box, h('div', { class: 'muted' }, problem?.message ?? 'no hops'));
    return;
  }
  const signals = [...journaled.map((signal) => ({ signal })), ...dead.map((d) => ({ signal: d.signal, reason: d.reason }))].sort((a, b) => a.signal.createdAt - b.signal.createdAt);
  fill(
    box,
    h('div', { class: 'muted' }, `${signals.length} signal${signals.length === 1 ? '' : 's'} in correlation `, h('span', { class: 'mono' }, correlationId.slice(0, 24))),
    h(
      'ol',
      { class: 'hops' },
      signals.flatMap(({ signal, reason }) => {
        const hops = signal.hops.length > 0 ? signal.hops : [{ node: signal.target, partition: '–', attempt: 1, outcome: reason === undefined ? 'journaled' : 'not handled' }];
        return hops.map((hop, i) => hopItem(signal, hop, i === hops.length - 1 ? reason : undefined));
      }),
    ),
  );
}

/** One line of the event feed for an event, with a runbook link where there is one. */
export function eventLine(event) {
  const at = h('time', {}, clockTime(Date.now()));
  switch (event.kind) {
    case 'alert':
      return h(
        'li',
        {},
        at,
        pill(event.state, event.state === 'resolved' ? 'ok' : event.severity === 'critical' ? 'bad' : 'warn'),
        h('span', { class: 'grow' }, `alert ${event.alert}`),
        runbookLink(event.runbook),
      );
    case 'reflex':
      return h('li', {}, at, pill('reflex', 'warn'), h('span', { class: 'grow' }, `${event.rule} ${event.level} from ${event.source}${event.shadowed ? ' (shadow)' : ''}`));
    case 'dead-lettered':
      return h('li', {}, at, pill('dead', 'bad'), h('span', { class: 'grow' }, `${event.node}: ${event.reason}`));
    case 'pressure':
      return h('li', {}, at, pill(event.level ?? 'pressure', event.level), h('span', { class: 'grow' }, `${event.node} pressure`));
    case 'health':
      return h(
        'li',
        {},
        at,
        pill(event.status ?? 'health', event.status),
        h('span', { class: 'grow' }, `health${event.component ? ` · ${event.component}` : ''}`),
        event.status === 'unhealthy' ? runbookLink(HEALTH_RUNBOOK) : null,
      );
    case 'breaker':
      return h('li', {}, at, pill(event.to, event.to), h('span', { class: 'grow' }, `breaker ${event.name}: ${event.from} → ${event.to}`), event.to === 'open' ? runbookLink(BREAKER_RUNBOOK) : null);
    case 'failover':
      return h(
        'li',
        {},
        at,
        pill(event.action, event.to === undefined ? 'bad' : 'warn'),
        h('span', { class: 'grow', title: event.reason }, `failover ${event.group}: ${event.from ?? '–'} → ${event.to ?? '–'} by ${event.by}`),
        runbookLink(event.runbook),
      );
    default:
      return h('li', {}, at, pill(event.kind, 'none'), h('span', { class: 'grow' }, event.node ?? event.phase ?? ''));
  }
}
