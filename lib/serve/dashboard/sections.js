// Sections for data this page does not know (failover groups, forecasts, feature flags, …),
// drawn from the data's shape, so that what the control plane adds shows without a page change.
import { runbookHref } from './api.js';
import { clockTime, h, num, pill } from './dom.js';

const runbookLink = (runbook) => h('a', { href: runbookHref(runbook), target: '_blank', rel: 'noopener' }, 'runbook ↗');
const STATE_KEYS = new Set(['status', 'state', 'risk', 'severity', 'outcome']);
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function cell(key, value) {
  if (value === undefined || value === null) return h('span', { class: 'muted' }, '–');
  if (key === 'runbook') return runbookLink(value);
  // Clock times (`at`, `since`, `firedAt`, …): as a time of day.
  if (typeof value === 'number' && value > 1e12 && (key === 'at' || key === 'since' || key.endsWith('At'))) return clockTime(value);
  if (typeof value === 'number') return num(value, Math.abs(value) < 10 ? 3 : 1);
  if (typeof value === 'string' && STATE_KEYS.has(key)) return pill(value, { low: 'ok', medium: 'warn', high: 'bad', critical: 'bad' }[value] ?? value);
  if (typeof value === 'object') return h('span', { class: 'mono muted', title: JSON.stringify(value) }, JSON.stringify(value).slice(0, 60));
  return String(value);
}

function table(rows) {
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return h(
    'div',
    { class: 'scroll-x' },
    h(
      'table',
      { class: 'nodes data' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          keys.map((k) => h('th', {}, k)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            {},
            keys.map((k) => h('td', {}, cell(k, row[k]))),
          ),
        ),
      ),
    ),
  );
}

/**
 * A section for data this page does not know (failover groups, forecasts, flags, …), drawn from
 * its shape: a record of objects as a table with a row each, an object's plain fields as a
 * key/value list and its lists of objects as tables.
 */
export function genericSection(title, data) {
  const body = [];
  if (Array.isArray(data)) body.push(data.length === 0 ? h('div', { class: 'muted' }, 'none') : table(data.map((v) => (isRecord(v) ? v : { value: v }))));
  else if (isRecord(data) && Object.keys(data).length > 0 && Object.values(data).every(isRecord)) body.push(table(Object.entries(data).map(([name, v]) => ({ name, ...v }))));
  else if (isRecord(data)) {
    const plain = Object.entries(data).filter(([, v]) => !Array.isArray(v));
    if (plain.length > 0)
      body.push(
        h(
          'dl',
          { class: 'kv' },
          plain.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, cell(k, v))]),
        ),
      );
    for (const [k, v] of Object.entries(data))
      if (Array.isArray(v)) body.push(h('div', { class: 'sub' }, k), v.length === 0 ? h('div', { class: 'muted' }, 'none') : table(v.map((x) => (isRecord(x) ? x : { value: x }))));
    if (body.length === 0) body.push(h('div', { class: 'muted' }, 'none'));
  } else body.push(h('div', {}, cell(title, data)));
  return h('section', { class: 'panel', 'data-section': title }, h('h2', {}, title), ...body);
}
