// The controls: the server's own (trip or reset a breaker, send a signal with a version its
// schema does not support, replay the last minute, shut down gracefully) and the actions the
// application registered (`createNetworkServer(net, { actions })`), drawn from their parameters.
import { api } from './api.js';
import { h, toast } from './dom.js';

/** Runs a request and says how it went. */
async function run(label, request, onDone) {
  try {
    const answer = await request();
    toast(`${label}: done`);
    onDone?.(answer);
    return answer;
  } catch (error) {
    toast(`${label}: ${error.message}`, true);
    return undefined;
  }
}

/**
 * A select of the network's nodes. The built-in controls' one follows the node selected on the
 * graph (`follow`); an action's keeps its own value, first its default.
 */
function nodeSelect(state, id, follow, initial) {
  const select = h('select', { id, onchange: () => follow && state.select(select.value) });
  select.dataset.follow = String(follow);
  if (initial !== undefined) select.dataset.initial = initial;
  state.nodeSelects.push(select);
  return select;
}

/** Fills every node select with `names`; the ones that follow show `selected`. */
export function updateNodeSelects(state, names, selected) {
  for (const select of state.nodeSelects) {
    const current = [...select.options].map((o) => o.value).join('\n');
    if (current !== names.join('\n')) {
      const keep = select.value || select.dataset.initial;
      select.replaceChildren(...names.map((name) => h('option', { value: name }, name)));
      if (keep && names.includes(keep)) select.value = keep;
    }
    if (select.dataset.follow === 'true' && selected !== undefined) select.value = selected;
  }
}

/** The built-in controls. `state` has `selected`, `select(name)`, `schemasOf(name)`, `refresh()`. */
export function renderBuiltinControls(box, state) {
  const target = nodeSelect(state, 'control-node', true);
  const version = h('input', { id: 'control-version', value: '9.9', size: 4, title: 'a version the schema does not support' });
  const trip = h(
    'button',
    {
      class: 'danger',
      id: 'control-trip',
      onclick: () => run(`trip breaker of ${target.value}`, () => api(`/api/nodes/${encodeURIComponent(target.value)}/breaker/isolate`, { method: 'POST' }), state.refresh),
    },
    'Trip breaker',
  );
  const reset = h(
    'button',
    { id: 'control-reset', onclick: () => run(`reset breaker of ${target.value}`, () => api(`/api/nodes/${encodeURIComponent(target.value)}/breaker/reset`, { method: 'POST' }), state.refresh) },
    'Reset breaker',
  );
  const send = h(
    'button',
    {
      id: 'control-unsupported',
      onclick: () => {
        // A type of this node with a schema: without one, every version is accepted as it is.
        const schema = state.schemasOf(target.value)[0];
        if (schema === undefined) return toast(`${target.value} handled no signal type with a schema yet: any version would do`, true);
        if (schema.versions.includes(version.value)) return toast(`${schema.type} supports ${version.value}: pick another version`, true);
        const type = schema.type;
        run(
          `send ${type}@${version.value} to ${target.value}`,
          () => api('/api/signals', { method: 'POST', body: { target: target.value, type, version: version.value, payload: {} } }),
          (receipt) => {
            if (receipt.status !== 'accepted') toast(`refused: ${receipt.reason ?? receipt.status}`, true);
            state.refresh();
          },
        );
      },
    },
    'Send unsupported version',
  );
  const replay = h(
    'button',
    {
      id: 'control-replay',
      onclick: () =>
        run(
          'replay the last minute',
          () => api('/api/replay', { method: 'POST', body: { lastMs: 60_000 } }),
          (a) => toast(`replayed ${a.found} signals: ${a.accepted} accepted`),
        ),
    },
    'Replay last minute',
  );
  const shutdown = h(
    'button',
    {
      class: 'danger',
      id: 'control-shutdown',
      onclick: () => {
        if (confirm('Shut the network down gracefully? It drains, then the dashboard goes offline.')) run('graceful shutdown', () => api('/api/shutdown', { method: 'POST' }), state.refresh);
      },
    },
    'Shut down',
  );
  box.replaceChildren(
    h('div', { class: 'control-row' }, h('label', { for: 'control-node' }, 'node'), target, trip, reset),
    h('div', { class: 'control-row' }, h('label', { for: 'control-version' }, 'version'), version, send),
    h('div', { class: 'control-row' }, replay, shutdown),
  );
}

/** One form per registered action, its inputs drawn from its parameters' types. */
export function renderUserActions(box, actions, state) {
  box.replaceChildren(
    ...actions.map((action) => {
      const inputs = action.params.map((param) => [param, paramInput(action.name, param, state)]);
      const button = h(
        'button',
        {
          class: 'primary',
          'data-action': action.name,
          onclick: () => {
            const values = Object.fromEntries(inputs.map(([param, input]) => [param.name, input.read()]));
            run(action.label, () => api(`/api/actions/${encodeURIComponent(action.name)}`, { method: 'POST', body: values }), state.refresh);
          },
        },
        action.label,
      );
      return h(
        'div',
        { class: 'action' },
        button,
        h(
          'div',
          { class: 'params' },
          inputs.map(([param, input]) => h('label', {}, param.label, input.element, input.output)),
          action.description ? h('div', { class: 'desc' }, action.description) : null,
        ),
      );
    }),
  );
}

function paramInput(actionName, param, state) {
  const id = `action-${actionName}-${param.name}`;
  switch (param.type) {
    case 'number': {
      const slider = param.min !== undefined && param.max !== undefined;
      const step = param.integer ? 1 : slider ? (param.max - param.min) / 100 : 'any';
      const element = h('input', { id, type: slider ? 'range' : 'number', min: param.min, max: param.max, step, value: param.default ?? param.min ?? 0 });
      const output = slider ? h('output', { for: id }, element.value) : null;
      if (output) element.addEventListener('input', () => (output.textContent = element.value));
      return { element, output, read: () => Number(element.value) };
    }
    case 'boolean': {
      const element = h('input', { id, type: 'checkbox', checked: param.default === true });
      return { element, read: () => element.checked };
    }
    case 'node': {
      const element = nodeSelect(state, id, false, param.default);
      return { element, read: () => element.value };
    }
    default: {
      const element = param.choices
        ? h(
            'select',
            { id },
            param.choices.map((c) => h('option', { value: c, selected: c === param.default }, c)),
          )
        : h('input', { id, value: param.default ?? '' });
      return { element, read: () => element.value };
    }
  }
}
