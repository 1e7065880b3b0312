// The network drawn as a graph: nodes in columns by their distance from the senders (longest
// path over the observed edges), edges as curves with the signals seen on each. Built once per
// topology; each poll only updates the figures, so the edges' flow animation runs smoothly.
import { compact, s } from './dom.js';

const MAX_CARD_W = 190;
const MIN_CARD_W = 130;
const MIN_GAP = 48;
const CARD_H = 92;
const BREAKER_TEXT = { closed: 'closed', open: 'open', 'half-open': 'half-open', none: 'no breaker' };

/** Columns: each node one past the furthest node that sends to it (cycles cut after n rounds). */
function layers(names, edges) {
  const layer = new Map(names.map((name) => [name, 0]));
  for (let round = 0; round < names.length; round++) {
    let changed = false;
    for (const { from, to } of edges) {
      if (from === to || !layer.has(from) || !layer.has(to)) continue;
      if (layer.get(to) < layer.get(from) + 1) {
        layer.set(to, layer.get(from) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return layer;
}

export class NetworkGraph {
  constructor(svg, onSelect) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.key = '';
    this.nodes = new Map();
    this.edges = [];
    this.selected = undefined;
  }

  /** Lays the graph out again when the nodes or edges changed (or the width did). */
  setTopology(topology) {
    const width = this.svg.clientWidth || 800;
    const height = this.svg.clientHeight || 290;
    const names = [...topology.nodes.map((n) => n.name), ...topology.remoteNodes];
    const edges = topology.edges.filter((e) => e.from !== e.to);
    const key = JSON.stringify([width, height, names, edges.map((e) => [e.from, e.to])]);
    if (key === this.key) {
      for (const edge of this.edges) {
        const seen = edges.find((e) => e.from === edge.from && e.to === edge.to);
        if (seen) edge.label.textContent = compact(seen.signals);
      }
      return;
    }
    this.key = key;
    const layer = layers(names, edges);
    const columns = Math.max(...layer.values(), 0) + 1;
    const byColumn = Array.from({ length: columns }, () => []);
    for (const name of names) byColumn[layer.get(name)].push(name);
    const padX = 12;
    // Cards as wide as the columns allow, with room for the edges between them.
    const CARD_W = Math.max(MIN_CARD_W, Math.min(MAX_CARD_W, (width - 2 * padX - (columns - 1) * MIN_GAP) / columns));
    this.cardW = CARD_W;
    const gapX = columns === 1 ? 0 : (width - 2 * padX - CARD_W) / (columns - 1);
    const place = new Map();
    for (const [c, column] of byColumn.entries()) {
      const gapY = height / column.length;
      for (const [r, name] of column.entries()) place.set(name, { x: padX + c * gapX, y: gapY * r + (gapY - CARD_H) / 2 });
    }

    this.svg.replaceChildren();
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.svg.append(
      s(
        'defs',
        {},
        s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, s('path', { d: 'M0 0 10 5 0 10z', fill: '#4f6a8c' })),
      ),
    );
    this.edges = edges
      .map((edge) => {
        const a = place.get(edge.from);
        const b = place.get(edge.to);
        if (!a || !b) return undefined;
        const forward = b.x > a.x;
        const x1 = forward ? a.x + CARD_W : a.x + CARD_W / 2;
        const y1 = forward ? a.y + CARD_H / 2 : a.y + CARD_H;
        const x2 = forward ? b.x - 2 : b.x + CARD_W / 2;
        const y2 = forward ? b.y + CARD_H / 2 : b.y + CARD_H + 2;
        const bend = forward ? Math.max(40, (x2 - x1) / 2) : 60;
        const d = forward ? `M${x1} ${y1} C${x1 + bend} ${y1} ${x2 - bend} ${y2} ${x2} ${y2}` : `M${x1} ${y1} C${x1} ${y1 + bend} ${x2} ${y2 + bend} ${x2} ${y2}`;
        const path = s('path', { class: 'edge', d, 'marker-end': 'url(#arrow)' });
        const label = s('text', { class: 'edge-label', x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' }, compact(edge.signals));
        this.svg.append(path, label);
        return { from: edge.from, to: edge.to, path, label };
      })
      .filter(Boolean);

    this.nodes = new Map();
    const remote = new Set(topology.remoteNodes);
    for (const name of names) this.nodes.set(name, this.#card(name, place.get(name), remote.has(name)));
    this.#markSelected();
  }

  #card(name, { x, y }, isRemote) {
    const w = this.cardW;
    // Name on top; the breaker's state under it with the throughput; the fill bar; the partitions with the queue.
    const breakerBg = s('rect', { x: 12, y: 31, width: 72, height: 17, rx: 8.5 });
    const breakerText = s('text', { x: 48, y: 43, 'text-anchor': 'middle', class: 'pill-text' });
    const rate = s('text', { x: w - 12, y: 44, 'text-anchor': 'end', class: 'node-rate' });
    const meta = s('text', { x: w - 12, y: 84, 'text-anchor': 'end', class: 'node-meta' }, isRemote ? 'remote' : '');
    const pressure = s('rect', { x: 12, y: 56, width: 0, height: 5, rx: 2.5 });
    const parts = s('g', { transform: 'translate(12 68)' });
    const maxChars = Math.floor((w - 24) / 8);
    const group = s(
      'g',
      { class: `node${isRemote ? ' remote' : ''}`, transform: `translate(${x} ${y})`, 'data-node': name, onclick: () => this.select(name) },
      s('rect', { class: 'node-card', width: w, height: CARD_H, rx: 9 }),
      s('text', { x: 12, y: 21, class: 'node-name' }, name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name),
      isRemote ? null : [breakerBg, breakerText, rate, s('rect', { x: 12, y: 56, width: w - 24, height: 5, rx: 2.5, class: 'bar-bg' }), pressure, parts],
      meta,
      s('title', {}, name),
    );
    this.svg.append(group);
    return { group, breakerBg, breakerText, rate, meta, pressure, parts, isRemote };
  }

  /** Marks `name` as the node the controls act on. */
  select(name) {
    this.selected = name;
    this.#markSelected();
    this.onSelect(name);
  }

  #markSelected() {
    for (const [name, card] of this.nodes) card.group.classList.toggle('selected', name === this.selected);
  }

  /** Updates each node's figures from its stats (`throughput` per second, breaker, fill, partitions). */
  update(statsByNode) {
    const colors = { closed: ['#0f2a22', '#41d19a'], open: ['#3a151b', '#ff6b6b'], 'half-open': ['#2a2212', '#f2b84b'], none: ['#18212f', '#8394ab'] };
    for (const [name, card] of this.nodes) {
      const stats = statsByNode.get(name);
      if (!stats || card.isRemote) continue;
      const state = stats.breakerState;
      card.group.classList.toggle('breaker-open', state === 'open');
      card.group.classList.toggle('breaker-half-open', state === 'half-open');
      card.group.setAttribute('data-breaker', state);
      const [bg, fg] = colors[state] ?? colors.none;
      card.breakerBg.setAttribute('fill', bg);
      card.breakerBg.setAttribute('stroke', fg);
      card.breakerText.setAttribute('fill', fg);
      card.breakerText.textContent = BREAKER_TEXT[state] ?? state;
      card.rate.textContent = `${compact(stats.throughput)}/s`;
      card.meta.textContent = `q ${compact(stats.queueDepth)}`;
      const width = this.cardW - 24;
      card.pressure.setAttribute('width', Math.max(stats.fill > 0 ? 2 : 0, Math.min(1, stats.fill) * width));
      card.pressure.setAttribute('fill', stats.pressure === 'critical' ? '#ff6b6b' : stats.pressure === 'warning' ? '#f2b84b' : '#41d19a');
      const depths = stats.partitionDepths ?? [];
      const max = Math.max(1, ...depths);
      // The bars leave room for the queue's figure at the right.
      const barW = Math.max(1.5, Math.min(8, (width - 52) / Math.max(depths.length, 1) - 1));
      card.parts.replaceChildren(
        ...depths.map((depth, i) => {
          const h = depth === 0 ? 1 : 2 + (depth / max) * 16;
          return s('rect', { class: 'part-bar', x: i * (barW + 1), y: 18 - h, width: barW, height: h, opacity: depth === 0 ? 0.25 : 0.9 }, s('title', {}, `partition ${i}: ${depth} queued`));
        }),
      );
    }
    for (const edge of this.edges) {
      const source = statsByNode.get(edge.from);
      edge.path.classList.toggle('active', source !== undefined && source.throughput > 0);
    }
  }
}
