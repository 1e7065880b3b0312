// The dashboard page: polls /api/overview (stats, health with its alerts, failover groups and
// forecast) and /api/history (the charts' samples) every second, /api/topology and the dead
// letters every few seconds, follows /events for alerts, reflexes, breakers, failover and health
// changes, and draws it all. Plain modules, no framework.
import { api, currentToken, followEvents, runbookHref, saveToken } from './api.js';
import { LineChart, PALETTE } from './charts.js';
import { renderBuiltinControls, renderUserActions, updateNodeSelects } from './controls.js';
import { fill, h, num } from './dom.js';
import { renderFailover } from './failover.js';
import { renderForecast } from './forecast.js';
import { NetworkGraph } from './graph.js';
import { eventLine, HEALTH_RUNBOOK, renderDeadLetters, renderHealth, renderNodes, showTrace } from './panels.js';
import { genericSection } from './sections.js';

const WINDOW_MS = 5 * 60_000;
const $ = (id) => document.getElementById(id);

/** The server's samples of the last minutes (`GET /api/history`), oldest first. */
const samples = [];
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
  schemasOf(name) {
    return topology.nodes.find((n) => n.name === name)?.schemas ?? [];
  },
  refresh() {
    pollOverview();
    pollDeadLetters();
  },
};
const graph = new NetworkGraph($('graph'), (name) => state.selected !== name && state.select(name));
/** An axis value with as many decimals as the gridlines' step has (1.25 → 2, 5 → 0). */
const axis = (value, step) => num(value, Math.min(3, (String(Number(step.toPrecision(3))).split('.')[1] ?? '').length));
const throughputChart = new LineChart($('throughput-chart'), axis);
const latencyChart = new LineChart($('latency-chart'), axis);

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
const KNOWN_HEALTH_KEYS = new Set(['status', 'at', 'components', 'circuitBreakers', 'processing', 'safeguards', 'flags', 'alerts', 'failover', 'forecast']);

/** Sections for what the server offers beyond this page's knowledge. */
function renderExtras(overview) {
  const sections = [];
  for (const [key, value] of Object.entries(overview)) if (!KNOWN_OVERVIEW_KEYS.has(key)) sections.push([key, value]);
  // What else the health report carries: drawn when present, from its shape.
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
  previousOverview = overview;
  const latest = samples[samples.length - 1];
  renderHeader(overview);
  renderKpis(overview);
  graph.update(byNode);
  graph.mark(overview.health.forecast, overview.health.failover);
  renderNodes($('nodes-body'), overview.nodes, new Map(Object.entries(latest?.nodes ?? {}).map(([name, n]) => [name, n.latency?.p95Ms])));
  renderHealth($('alerts'), $('health'), overview.health);
  renderFailover($('failover'), $('failover-count'), overview.health.failover, () => state.refresh());
  renderForecast(
    $('forecast'),
    $('forecast-source'),
    overview.health.forecast,
    overview.nodes.map((n) => n.node),
  );
  renderExtras(overview);
  setLive(overview.state === 'terminated' ? 'down' : liveState);
}

/** Adds the samples taken since the last one held, and draws the charts. */
async function pollHistory() {
  const last = samples[samples.length - 1];
  let answer;
  try {
    answer = await api(`/api/history${last ? `?since=${last.at}` : ''}`);
  } catch {
    return; // Said by the overview's poll.
  }
  samples.push(...answer.samples);
  const newest = samples[samples.length - 1];
  while (samples.length > 0 && samples[0].at <= newest.at - answer.keepMs) samples.shift();
  drawCharts(newest?.at ?? 0);
}

function drawCharts(now) {
  const names = topology.nodes.map((n) => n.name);
  const series = names.map((name, i) => ({ name, color: PALETTE[i % PALETTE.length], points: samples.map((s) => [s.at, s.nodes[name]?.throughput ?? 0]) }));
  throughputChart.draw(series, now, WINDOW_MS);
  const withLatency = samples.filter((s) => s.latency !== null);
  latencyChart.draw(
    [
      { name: 'mean', color: PALETTE[0], fill: true, points: withLatency.map((s) => [s.at, s.latency.meanMs]) },
      { name: 'p95', color: PALETTE[2], points: withLatency.map((s) => [s.at, s.latency.p95Ms]) },
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
  if (event.kind === 'breaker' || event.kind === 'alert' || event.kind === 'health' || event.kind === 'failover') pollOverview();
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
  followEvents(['alert', 'reflex', 'breaker', 'failover', 'health', 'pressure', 'shutdown-phase', 'transport-error'], addEvent, (value) => {
    liveState = value;
    setLive(value);
  });
  pollTopology().then(() => {
    loadActions();
    pollOverview();
    pollHistory();
    pollDeadLetters();
  });
  setInterval(pollOverview, 1000);
  setInterval(pollHistory, 1000);
  setInterval(pollTopology, 4000);
  setInterval(pollDeadLetters, 2500);
  // The graph is laid out for its size: again when that changes (the window, or the panels
  // beside it growing as the actions arrive).
  new ResizeObserver(() => {
    graph.setTopology(topology);
    if (previousOverview) graph.update(new Map(previousOverview.nodes.map((n) => [n.node, n])));
  }).observe($('graph'));
}

start();
