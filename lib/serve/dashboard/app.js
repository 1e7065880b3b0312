// The dashboard page: polls /api/overview every second (stats, health, alerts), /api/topology
// and the dead letters every few seconds, follows /events for alerts, reflexes, breakers and
// health changes, and draws it all. Plain modules, no framework, no build step.
import { api, currentToken, followEvents, runbookHref, saveToken } from './api.js';
import { LineChart, PALETTE } from './charts.js';
import { renderBuiltinControls, renderUserActions, updateNodeSelects } from './controls.js';
import { fill, h, num } from './dom.js';
import { NetworkGraph } from './graph.js';
import { eventLine, genericSection, HEALTH_RUNBOOK, renderDeadLetters, renderHealth, renderNodes, showTrace } from './panels.js';

const WINDOW_MS = 5 * 60_000;
const $ = (id) => document.getElementById(id);

/** Samples of the charts: `{ t, throughput: Map<node, n>, mean, p95 }`, the last five minutes. */
const history = [];
let previousOverview;
let topology = { nodes: [], remoteNodes: [], edges: [], edgesFrom: 'none' };
let offline = false;

const state = {
  selected: undefined,
  nodeSelects: [],
  select(name) {
    state.selected = name;
    updateNodeSelects(
      state,
      topology.nodes.map((n) => n.name),
      name,
    );
    if (graph.selected !== name) graph.select(name);
  },
  typesOf(name) {
    return topology.nodes.find((n) => n.name === name)?.signalTypes ?? [];
  },
  refresh() {
    pollOverview();
    pollDeadLetters();
  },
};
const graph = new NetworkGraph($('graph'), (name) => state.selected !== name && state.select(name));
/** An axis value with as many decimals as the gridlines' step needs. */
const axis = (value, step) => num(value, Math.max(0, Math.min(3, -Math.floor(Math.log10(step || 1)) + 1)));
const throughputChart = new LineChart($('throughput-chart'), axis);
const latencyChart = new LineChart($('latency-chart'), axis);

/** Mean and 95th percentile of the handling times between two snapshots of a node's histogram. */
function intervalLatency(before, now) {
  if (!before) return undefined;
  const count = now.count - before.count;
  if (count <= 0) return undefined;
  const mean = (now.sumMs - before.sumMs) / count;
  const target = count * 0.95;
  let seen = 0;
  for (let i = 0; i < now.counts.length; i++) {
    const inBucket = now.counts[i] - (before.counts[i] ?? 0);
    if (seen + inBucket >= target && inBucket > 0) {
      const low = i === 0 ? 0 : now.boundsMs[i - 1];
      const high = now.boundsMs[i] ?? low * 2;
      return { mean, p95: low + ((target - seen) / inBucket) * (high - low) };
    }
    seen += inBucket;
  }
  return { mean, p95: mean };
}

function renderKpis(overview) {
  const throughput = overview.nodes.reduce((sum, n) => sum + n.throughput, 0);
  const alerts = overview.health.alerts?.filter((a) => a.state === 'firing').length ?? 0;
  const kpi = (label, value, id) => h('div', { id }, h('dt', {}, label), h('dd', {}, value));
  fill(
    $('kpis'),
    kpi('throughput', `${num(throughput)}/s`, 'kpi-throughput'),
    kpi('active', num(overview.counts.active), 'kpi-active'),
    kpi('completed', num(overview.counts.completed), 'kpi-completed'),
    kpi('dead letters', num(overview.deadLetters.size), 'kpi-dead'),
    kpi('alerts', num(alerts), 'kpi-alerts'),
  );
}

function renderHeader(overview) {
  $('network-name').textContent = overview.network;
  document.title = `${overview.network} · Plexus`;
  const stateBox = $('network-state');
  stateBox.className = `pill ${overview.state}`;
  stateBox.textContent = overview.state;
  const status = overview.health.status;
  const link = $('health-status');
  link.className = `pill ${status}`;
  link.textContent = `● ${status}`;
  link.href = runbookHref(HEALTH_RUNBOOK);
  link.title = status === 'healthy' ? 'every component healthy' : 'open the runbook entry';
}

const KNOWN_OVERVIEW_KEYS = new Set(['network', 'state', 'at', 'counts', 'nodes', 'health', 'deadLetters']);
const KNOWN_HEALTH_KEYS = new Set(['status', 'at', 'components', 'circuitBreakers', 'processing', 'safeguards', 'flags', 'alerts']);

/** Sections for what the server offers beyond this page's knowledge (failover groups, forecasts, …). */
function renderExtras(overview) {
  const sections = [];
  for (const [key, value] of Object.entries(overview)) if (!KNOWN_OVERVIEW_KEYS.has(key)) sections.push([key, value]);
  // Failover groups and forecasts arrive in the health report: drawn when present, from their shape.
  for (const [key, value] of Object.entries(overview.health)) if (!KNOWN_HEALTH_KEYS.has(key) && value !== undefined && value !== null) sections.push([key, value]);
  if (Object.keys(overview.health.flags ?? {}).length > 0) sections.push(['feature flags', overview.health.flags]);
  fill(
    $('extra-sections'),
    sections.map(([title, data]) => genericSection(title, data)),
  );
}

async function pollOverview() {
  let overview;
  try {
    overview = await api('/api/overview');
  } catch (error) {
    return connectionLost(error);
  }
  offline = false;
  const byNode = new Map(overview.nodes.map((n) => [n.node, n]));
  const previous = previousOverview ? new Map(previousOverview.nodes.map((n) => [n.node, n])) : new Map();
  previousOverview = overview;
  const latency = new Map();
  let all;
  for (const n of overview.nodes) {
    const l = intervalLatency(previous.get(n.node)?.handleMs, n.handleMs);
    if (l) latency.set(n.node, l);
  }
  // The network's mean and p95: the histograms of every node added up.
  if (previous.size > 0) {
    const sum = (list) =>
      list.reduce((acc, hist) => ({ count: acc.count + hist.count, sumMs: acc.sumMs + hist.sumMs, boundsMs: hist.boundsMs, counts: hist.counts.map((c, i) => c + (acc.counts[i] ?? 0)) }), {
        count: 0,
        sumMs: 0,
        boundsMs: [],
        counts: [],
      });
    all = intervalLatency(sum([...previous.values()].map((n) => n.handleMs)), sum(overview.nodes.map((n) => n.handleMs)));
  }
  const t = Date.now();
  history.push({ t, throughput: new Map(overview.nodes.map((n) => [n.node, n.throughput])), total: overview.nodes.reduce((s, n) => s + n.throughput, 0), mean: all?.mean, p95: all?.p95 });
  while (history.length > 0 && history[0].t < t - WINDOW_MS - 5000) history.shift();

  renderHeader(overview);
  renderKpis(overview);
  graph.update(byNode);
  renderNodes($('nodes-body'), overview.nodes, new Map([...latency].map(([name, l]) => [name, l.p95])));
  renderHealth($('alerts'), $('health'), overview.health);
  renderExtras(overview);
  drawCharts(overview.nodes.map((n) => n.node));
  setLive(overview.state === 'terminated' ? 'down' : liveState);
}

function drawCharts(names) {
  const now = Date.now();
  const series = names.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length], points: history.map((s) => [s.t, s.throughput.get(name) ?? 0]) }));
  throughputChart.draw(series, now, WINDOW_MS);
  const withLatency = history.filter((s) => s.mean !== undefined);
  latencyChart.draw(
    [
      { name: 'mean', color: PALETTE[0], fill: true, points: withLatency.map((s) => [s.t, s.mean]) },
      { name: 'p95', color: PALETTE[2], points: withLatency.map((s) => [s.t, s.p95]) },
    ],
    now,
    WINDOW_MS,
  );
}

async function pollTopology() {
  try {
    topology = await api('/api/topology');
  } catch (error) {
    return connectionLost(error);
  }
  $('edges-from').textContent = topology.edgesFrom === 'journal' ? 'edges: signals seen in the journal' : 'edges: none (no journal)';
  graph.setTopology(topology);
  const names = topology.nodes.map((n) => n.name);
  if (state.selected === undefined || !names.includes(state.selected)) state.selected = names[0];
  updateNodeSelects(state, names, state.selected);
  graph.select(state.selected);
  if (previousOverview) graph.update(new Map(previousOverview.nodes.map((n) => [n.node, n])));
}

let deadLetters = [];
async function pollDeadLetters() {
  try {
    const answer = await api('/api/dead-letters?newest=true&limit=40');
    deadLetters = answer.deadLetters;
    renderDeadLetters($('dead-letters'), $('dlq-size'), answer, traceOf, pollDeadLetters);
  } catch {
    // Said by the overview's poll.
  }
}

function traceOf(correlationId) {
  $('trace-input').value = correlationId;
  showTrace($('trace'), correlationId, deadLetters);
}

let liveState = 'down';
function setLive(value) {
  const dot = $('live-dot');
  dot.className = `dot ${offline ? 'down' : value === 'live' ? 'live' : ''}`;
  $('live-text').textContent = offline ? 'offline' : value === 'live' ? 'live' : 'polling';
}

function connectionLost(error) {
  if (error.status === 401) {
    $('token-bar').hidden = false;
    $('token-input').focus();
  }
  offline = true;
  setLive('down');
  const stateBox = $('network-state');
  if (error.status === 0) {
    stateBox.className = 'pill terminated';
    stateBox.textContent = 'offline';
  }
}

function addEvent(event) {
  const list = $('events');
  if (list.firstElementChild?.classList.contains('empty')) list.replaceChildren();
  list.prepend(eventLine(event));
  while (list.children.length > 60) list.lastElementChild.remove();
  if (event.kind === 'breaker' || event.kind === 'alert' || event.kind === 'health') pollOverview();
}

async function loadActions() {
  try {
    const { actions } = await api('/api/actions');
    renderUserActions($('user-actions'), actions, state);
    updateNodeSelects(
      state,
      topology.nodes.map((n) => n.name),
      state.selected,
    );
  } catch {
    // Said by the overview's poll.
  }
}

function start() {
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    saveToken($('token-input').value);
    $('token-bar').hidden = true;
    location.reload();
  });
  $('trace-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const id = $('trace-input').value.trim();
    if (id) showTrace($('trace'), id, deadLetters);
  });
  fill($('events'), h('li', { class: 'empty' }, 'waiting for events…'));
  fill($('trace'), h('div', { class: 'muted' }, 'Pick a dead letter’s correlation, or paste a correlationId.'));
  renderBuiltinControls($('builtin-controls'), state);
  currentToken();
  followEvents(['alert', 'reflex', 'breaker', 'health', 'pressure', 'shutdown-phase', 'transport-error'], addEvent, (value) => {
    liveState = value;
    setLive(value);
  });
  pollTopology().then(() => {
    loadActions();
    pollOverview();
    pollDeadLetters();
  });
  setInterval(pollOverview, 1000);
  setInterval(pollTopology, 4000);
  setInterval(pollDeadLetters, 2500);
  addEventListener('resize', () => {
    graph.key = '';
    graph.setTopology(topology);
    if (previousOverview) graph.update(new Map(previousOverview.nodes.map((n) => [n.node, n])));
  });
}

start();
