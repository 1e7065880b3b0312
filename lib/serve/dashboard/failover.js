// The failover panel: each failover group of the health report (`health.failover`) with its
// members in failover order, the active one marked, each member's health, the switch count, the
// last change (who, why, when), a "Switch to" button per standby and the group's runbook link.
// A group's block is rebuilt only when its state changed, so a button is never replaced between
// the press and the release of a click; the reason typed for the next switch stays.
import { api, runbookHref } from './api.js';
import { clockTime, fill, h, pill, toast } from './dom.js';

/** Who the audit trail names for a switch made here. */
export const SWITCH_BY = 'dashboard';
const DEFAULT_REASON = 'switched from the dashboard';

/** The blocks drawn, by group name: `{ root, body, reason, key }`. */
const blocks = new Map();

/** Draws the groups of `failover` (name → FailoverGroupHealth) into `box`; `onChange` after a switch. */
export function renderFailover(box, countBox, failover, onChange) {
  const groups = Object.entries(failover ?? {});
  countBox.textContent = groups.length === 0 ? '' : `${groups.length} group${groups.length === 1 ? '' : 's'}`;
  if (groups.length === 0) {
    blocks.clear();
    fill(box, h('div', { class: 'muted empty-note' }, 'No failover groups: ', h('span', { class: 'mono' }, "network.failover('name', { members })"), ' defines one.'));
    return;
  }
  const names = new Set(groups.map(([name]) => name));
  for (const name of blocks.keys()) if (!names.has(name)) blocks.delete(name);
  for (const [name, group] of groups) {
    let block = blocks.get(name);
    if (block === undefined) blocks.set(name, (block = newBlock(name, onChange)));
    const key = JSON.stringify(group);
    if (block.key !== key) {
      block.key = key;
      drawGroup(block, name, group);
    }
  }
  const roots = groups.map(([name]) => blocks.get(name).root);
  if (roots.some((root, i) => box.children[i] !== root) || box.children.length !== roots.length) fill(box, roots);
}

function newBlock(name, onChange) {
  const body = h('div');
  const reason = h('input', { class: 'reason', placeholder: 'reason for a switch (optional)', autocomplete: 'off', 'aria-label': `reason for switching ${name}` });
  const block = { body, reason, key: '', onChange };
  block.root = h('div', { class: 'failover-group', 'data-group': name }, body, reason);
  return block;
}

function drawGroup(block, name, group) {
  const members = Object.entries(group.members);
  const last = group.lastChange;
  fill(
    block.body,
    h(
      'div',
      { class: 'group-head' },
      h('strong', { class: 'group-name' }, name),
      group.active === undefined ? pill('no active member', 'bad') : h('span', { class: 'muted' }, '→ ', h('span', { class: 'group-active' }, group.active)),
      h('span', { class: 'grow' }),
      h('span', { class: 'muted', title: 'changes of the active member in this run' }, `${group.switches} switch${group.switches === 1 ? '' : 'es'}`),
      h('a', { href: runbookHref(group.runbook), target: '_blank', rel: 'noopener', class: 'runbook-link' }, 'runbook ↗'),
    ),
    h(
      'ol',
      { class: 'members' },
      members.map(([member, health], i) => memberItem(block, name, member, health, i, member === group.active)),
    ),
    last === undefined
      ? null
      : h(
          'div',
          { class: 'last-change', title: `${last.action} at ${new Date(last.at).toISOString()}` },
          h('time', {}, clockTime(last.at)),
          ` ${last.action} `,
          h('span', { class: 'mono' }, `${last.from ?? '–'} → ${last.to ?? '–'}`),
          ' by ',
          h('strong', { class: 'last-by' }, last.by),
          h('span', { class: 'last-reason' }, ` · ${last.reason}`),
        ),
    group.lock === undefined || group.lock === null ? null : h('div', { class: 'line2' }, `shared lock: ${group.lock.holding ? 'held by this process' : `held by ${group.lock.holder ?? 'nobody'}`}`),
  );
}

function memberItem(block, group, member, health, index, active) {
  const healthy = health === 'healthy';
  return h(
    'li',
    { class: `${active ? 'active' : 'standby'} ${health}`, 'data-member': member },
    h('span', { class: 'order' }, String(index + 1)),
    h('span', { class: 'chip-dot' }),
    h('span', { class: 'member-name' }, member),
    pill(health, health),
    h('span', { class: 'grow' }),
    active
      ? pill('active', 'active')
      : h(
          'button',
          {
            class: 'primary',
            'data-switch-to': member,
            disabled: !healthy,
            title: healthy ? `make ${member} the active member of ${group}` : `${member} is unhealthy: the group cannot switch to it`,
            onclick: (event) => switchTo(block, group, member, event.currentTarget),
          },
          'Switch to',
        ),
  );
}

async function switchTo(block, group, member, button) {
  button.disabled = true;
  const reason = block.reason.value.trim() || DEFAULT_REASON;
  try {
    await api(`/api/failover/${encodeURIComponent(group)}/switch`, { method: 'POST', body: { to: member, by: SWITCH_BY, reason } });
    block.reason.value = '';
    toast(`${group}: switched to ${member}`);
  } catch (error) {
    button.disabled = false;
    toast(`${group}: ${error.message}`, true);
  }
  block.onChange();
}
