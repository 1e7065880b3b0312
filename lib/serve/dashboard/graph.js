// The network drawn as a graph: nodes in columns by their distance from the senders (longest
// path over the observed edges), edges as curves with the signals seen on each. The members of
// a failover group share a column, framed together, the standbys dimmed; the forecast's
// bottleneck wears a badge. Built once per topology; each poll only updates the figures and
// marks, so the edges' flow animation runs smoothly.
import { compact, s } from './dom.js';

const MAX_CARD_W = 190;
const MIN_CARD_W = 130;
const MIN_GAP = 48;
const CARD_H = 92;
/** Extra height below a failover group's frame (its padding and legend). */
const FRAME_ROOM = 18;
/** Least room between two cards of a column (the tabs on a card's top edge need some). */
const MIN_GAP_Y = 24;
const BREAKER_TEXT = { closed: 'closed', open: 'open', 'half-open': 'half-open', none: 'no breaker' };

const RISK_COLORS = { low: ['#10243a', '#5eb1ff'], medium: ['#2a2212', '#f2b84b'], high: ['#2d1d10', '#ff9f43'], critical: ['#3a151b', '#ff6b6b'] };

/**
 * Columns: each node one past the furthest node that sends to it, and the members of a failover
 * group in the column of the furthest member (a standby that has handled nothing yet stands
 * beside the active one). Cycles cut after n rounds.
 */
function layers(names, edges, groups) {
  const layer = new Map(names.map((name) => [name, 0]));
  const raise = (name, to) => {
    if (!layer.has(name) || layer.get(name) >= to) return false;
    layer.set(name, to);
    return true;
  };
  for (let round = 0; round < names.length + groups.length; round++) {
    let changed = false;
    for (const { from, to } of edges) if (from !== to && layer.has(from) && raise(to, layer.get(from) + 1)) changed = true;
    for (const { members } of groups) {
      const top = Math.max(...members.map((m) => layer.get(m) ?? 0));
      for (const member of members) if (raise(member, top)) changed = true;
    }
    if (!changed) break;
  }
  return layer;
}

/** The names with each group's members moved next to its first member, in the group's order. */
function groupedOrder(names, groups) {
  const groupOf = new Map(groups.flatMap((g) => g.members.map((m) => [m, g])));
  const out = [];
  for (const name of names) {
    const group = groupOf.get(name);
    if (group === undefined) out.push(name);
    else if (!out.includes(name)) out.push(...group.members.filter((m) => names.includes(m)));
  }
  return out;
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
    let height = this.svg.clientHeight || 290;
    const groups = (topology.failoverGroups ?? []).map((g) => ({ name: g.name, members: [...g.members] }));
    const names = groupedOrder([...topology.nodes.map((n) => n.name), ...topology.remoteNodes], groups);
    const edges = topology.edges.filter((e) => e.from !== e.to);
    const key = JSON.stringify([width, height, names, edges.map((e) => [e.from, e.to]), groups]);
    if (key === this.key) {
      for (const edge of this.edges) {
        const seen = edges.find((e) => e.from === edge.from && e.to === edge.to);
        if (seen) edge.label.textContent = compact(seen.signals);
      }
      return;
    }
    this.key = key;
    const layer = layers(names, edges, groups);
    const columns = Math.max(...layer.values(), 0) + 1;
    const byColumn = Array.from({ length: columns }, () => []);
    for (const name of names) byColumn[layer.get(name)].push(name);
    const padX = 12;
    // Cards as wide as the columns allow, with room for the edges between them.
    const CARD_W = Math.max(MIN_CARD_W, Math.min(MAX_CARD_W, (width - 2 * padX - (columns - 1) * MIN_GAP) / columns));
    this.cardW = CARD_W;
    const gapX = columns === 1 ? 0 : (width - 2 * padX - CARD_W) / (columns - 1);
    const place = new Map();
    const groupOf = new Map(groups.flatMap((g) => g.members.map((m) => [m, g.name])));
    // Room for a group's frame and legend where a group ends and another card follows.
    const frameEnds = byColumn.map((column) => column.map((name, r) => r < column.length - 1 && groupOf.has(name) && groupOf.get(name) !== groupOf.get(column[r + 1])));
    const frames = (c) => frameEnds[c].filter(Boolean).length;
    // The tallest column sets the least height (the svg grows to it; the resize lays it out again).
    const needed = Math.max(...byColumn.map((column, c) => column.length * (CARD_H + MIN_GAP_Y) + FRAME_ROOM * frames(c)));
    if (needed > height) {
      height = needed;
      this.svg.style.minHeight = `${needed}px`;
    }
    for (const [c, column] of byColumn.entries()) {
      const gapY = (height - FRAME_ROOM * frames(c)) / column.length;
      let y = 0;
      for (const [r, name] of column.entries()) {
        place.set(name, { x: padX + c * gapX, y: y + (gapY - CARD_H) / 2 });
        y += gapY + (frameEnds[c][r] ? FRAME_ROOM : 0);
      }
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

    this.groups = groups.map((group) => this.#frame(group, place)).filter(Boolean);
    this.nodes = new Map();
    const remote = new Set(topology.remoteNodes);
    for (const name of names) this.nodes.set(name, this.#card(name, place.get(name), remote.has(name)));
    this.#markSelected();
    if (this.marks) this.mark(this.marks.forecast, this.marks.failover);
  }

  /** A frame around the members of a failover group that share a column, named by a legend on its lower edge. */
  #frame(group, place) {
    const spots = group.members.map((m) => place.get(m)).filter(Boolean);
    if (spots.length === 0 || spots.some((p) => p.x !== spots[0].x)) return undefined;
    const pad = 6;
    const top = Math.min(...spots.map((p) => p.y)) - pad;
    const bottom = Math.max(...spots.map((p) => p.y)) + CARD_H + pad;
    const label = `${group.name} · failover`;
    const frame = s(
      'g',
      { class: 'failover-frame', 'data-group': group.name },
      s('rect', { class: 'frame', x: spots[0].x - pad, y: top, width: this.cardW + 2 * pad, height: bottom - top, rx: 12 }),
      s('rect', { class: 'frame-legend-bg', x: spots[0].x + 6, y: bottom - 7, width: label.length * 6 + 8, height: 14, rx: 3 }),
      s('text', { class: 'frame-legend', x: spots[0].x + 10, y: bottom + 3.5 }, label),
    );
    this.svg.append(frame);
    return { name: group.name, frame };
  }

  #card(name, { x, y }, isRemote) {
    const w = this.cardW;
    // Name on top; the breaker's state under it with the throughput; the fill bar; the partitions with the queue.
    const breakerBg = s('rect', { x: 12, y: 31, width: 72, height: 17, rx: 8.5 });
    const breakerText = s('text', { x: 48, y: 43, 'text-anchor': 'middle', class: 'pill-text' });
    const rate = s('text', { x: w - 12, y: 44, 'text-anchor': 'end', class: 'node-rate' });
    const meta = s('text', { x: w - 12, y: 84, 'text-anchor': 'end', class: 'node-meta' }, isRemote ? 'remote' : '');
    // Tabs on the top edge, set by `mark`: a failover member's role (left), the forecast's bottleneck (right).
    const roleBg = s('rect', { x: 10, y: -8, width: 62, height: 16, rx: 8, class: 'role-bg' });
    const roleText = s('text', { x: 41, y: 3.5, 'text-anchor': 'middle', class: 'role-text' });
    const role = s('g', { class: 'role-tab', visibility: 'hidden' }, roleBg, roleText);
    const badgeBg = s('rect', { x: w - 84, y: -8, width: 76, height: 16, rx: 8 });
    const badgeText = s('text', { x: w - 46, y: 3.5, 'text-anchor': 'middle', class: 'badge-text' }, 'bottleneck');
    const badge = s('g', { class: 'bottleneck-badge', visibility: 'hidden' }, badgeBg, badgeText, s('title', {}, 'the forecast’s bottleneck: the node that limits the throughput'));
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
      role,
      badge,
      s('title', {}, name),
    );
    this.svg.append(group);
    return { group, breakerBg, breakerText, rate, meta, pressure, parts, isRemote, role, roleText, badge, badgeBg, badgeText };
  }

  /**
   * Marks the forecast's bottleneck (a badge coloured by its risk) and each node's risk
   * (`data-risk`), and in each failover group (name → its health section) the active member and
   * the standbys.
   */
  mark(forecast, failover) {
    this.marks = { forecast, failover };
    const risks = new Map((forecast?.nodes ?? []).map((n) => [n.node, n.risk]));
    const roles = new Map();
    for (const group of Object.values(failover ?? {})) for (const member of Object.keys(group.members)) roles.set(member, member === group.active ? 'active' : 'standby');
    for (const [name, card] of this.nodes) {
      const risk = risks.get(name);
      if (risk === undefined) card.group.removeAttribute('data-risk');
      else card.group.setAttribute('data-risk', risk);
      const bottleneck = forecast?.bottleneck === name;
      card.group.toggleAttribute('data-bottleneck', bottleneck);
      card.badge.setAttribute('visibility', bottleneck ? 'visible' : 'hidden');
      if (bottleneck) {
        const [bg, fg] = RISK_COLORS[risk] ?? RISK_COLORS.low;
        card.badgeBg.setAttribute('fill', bg);
        card.badgeBg.setAttribute('stroke', fg);
        card.badgeText.setAttribute('fill', fg);
      }
      const role = roles.get(name);
      card.group.classList.toggle('standby', role === 'standby');
      card.group.classList.toggle('active-member', role === 'active');
      card.role.setAttribute('visibility', role === undefined ? 'hidden' : 'visible');
      card.roleText.textContent = role ?? '';
      if (role === undefined) card.group.removeAttribute('data-role');
      else card.group.setAttribute('data-role', role);
    }
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
