// The forecast panel: the network's bottleneck forecast (`health.forecast`, a ForecastData) with
// the bottleneck named, and per node its risk, utilisation (arrivals over service capacity), the
// time until its mailbox is full at the depth's trend, and how far the forecast can be trusted.
import { fill, h, num, pill } from './dom.js';

/** The pill kind of each risk level (its colour). */
export const RISK_KIND = { low: 'ok', medium: 'warn', high: 'high', critical: 'bad' };

/** Seconds as "42 s", "4 min 12 s", "3.5 h", "> 1 day"; 0 is "full", null (the queue does not grow) "–". */
export function timeToFull(seconds) {
  if (seconds === null || seconds === undefined) return h('span', { class: 'muted', title: 'the queue does not grow' }, '–');
  if (seconds <= 0) return h('strong', { class: 'bad-text' }, 'full');
  if (seconds < 60) return `${seconds.toFixed(0)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.floor(seconds % 60)} s`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  // A trend that slow says little: not worth a figure.
  return h('span', { class: 'muted', title: `${num(seconds / 86_400)} days at this trend` }, '> 1 day');
}

const percent = (value) => `${num(value * 100, value < 0.1 ? 1 : 0)}%`;

/** Draws `forecast` into `box` (the summary into `summaryBox`), its nodes in the order of `nodeOrder`. */
export function renderForecast(box, summaryBox, forecast, nodeOrder) {
  if (forecast === undefined || forecast === null) {
    summaryBox.textContent = '';
    fill(box, h('div', { class: 'muted empty-note' }, 'No forecast: the network runs with ', h('span', { class: 'mono' }, 'forecast: false'), '.'));
    return;
  }
  summaryBox.textContent = `${forecast.source}, ${num(forecast.windowMs / 1000)} s window`;
  const rank = new Map(nodeOrder.map((name, i) => [name, i]));
  const nodes = [...forecast.nodes].sort((a, b) => (rank.get(a.node) ?? 1e9) - (rank.get(b.node) ?? 1e9));
  const bottleneck = forecast.bottleneck;
  fill(
    box,
    h(
      'div',
      { class: 'forecast-head', 'data-bottleneck': bottleneck ?? '' },
      bottleneck === null
        ? h('span', { class: 'muted' }, 'no bottleneck: no node carries load yet')
        : [h('span', { class: 'muted' }, 'bottleneck'), h('strong', { class: 'bottleneck-name' }, bottleneck), pill(`risk ${forecast.risk}`, RISK_KIND[forecast.risk])],
      h('span', { class: 'grow' }),
      h('span', { class: 'muted', title: 'how much of the window the data covers, times how steady the arrivals were' }, `confidence ${percent(forecast.confidence)}`),
    ),
    h(
      'table',
      { class: 'nodes forecast' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'node'),
          h('th', {}, 'risk'),
          h('th', { title: 'arrivals over service capacity' }, 'utilisation'),
          h('th', { class: 'num', title: 'until the mailbox is full at the trend of its depth' }, 'to full'),
          h('th', { class: 'num' }, 'conf.'),
        ),
      ),
      h(
        'tbody',
        {},
        nodes.map((n) => {
          const meter = h('i', { class: RISK_KIND[n.risk] });
          meter.style.width = `${Math.min(100, n.utilisation * 100).toFixed(1)}%`;
          return h(
            'tr',
            { 'data-node': n.node, 'data-risk': n.risk, class: n.node === bottleneck ? 'bottleneck' : '' },
            h('td', { title: n.node === bottleneck ? 'the bottleneck: the node that limits the throughput' : undefined }, n.node),
            h('td', {}, pill(n.risk, RISK_KIND[n.risk])),
            h('td', { title: `${num(n.arrivalRate, 1)}/s arriving, ${num(n.serviceRate, 0)}/s servable` }, h('span', { class: 'meter' }, meter), percent(n.utilisation)),
            h('td', { class: 'num' }, timeToFull(n.timeToFullSeconds)),
            h('td', { class: 'num' }, percent(n.confidence)),
          );
        }),
      ),
    ),
  );
}
