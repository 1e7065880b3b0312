/**
 * Actions of your own on a served network: named, labelled, with typed parameters, invoked by
 * `POST /api/actions/:name` and shown as controls by the dashboard. The server knows nothing of
 * what they do (a demo's "fail a share of signals", an application's "drain the cache"), so the
 * network's code carries no such switch: the action's `run` flips a setting its handlers read.
 */
import type { Network } from '../network/network.ts';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkFunction, checkKnownKeys, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';

/** A number parameter of an action (a number input, or a slider with `min` and `max`). */
export interface NumberActionParam {
  /** The kind of value. */
  readonly type: 'number';
  /** What the control says (the parameter's name when absent). */
  readonly label?: string;
  /** The value when the request leaves it out; without one, the parameter is required. */
  readonly default?: number;
  /** Inclusive lower bound. */
  readonly min?: number;
  /** Inclusive upper bound. */
  readonly max?: number;
  /** Must be an integer. */
  readonly integer?: boolean;
}

/** A text parameter of an action; with `choices`, one of them (a select). */
export interface StringActionParam {
  /** The kind of value. */
  readonly type: 'string';
  /** What the control says (the parameter's name when absent). */
  readonly label?: string;
  /** The value when the request leaves it out; without one, the parameter is required. */
  readonly default?: string;
  /** The allowed values. */
  readonly choices?: readonly string[];
}

/** A yes/no parameter of an action (a checkbox). */
export interface BooleanActionParam {
  /** The kind of value. */
  readonly type: 'boolean';
  /** What the control says (the parameter's name when absent). */
  readonly label?: string;
  /** The value when the request leaves it out; without one, the parameter is required. */
  readonly default?: boolean;
}

/** A node of the served network, by name (a select of its nodes); an unknown name is refused. */
export interface NodeActionParam {
  /** The kind of value. */
  readonly type: 'node';
  /** What the control says (the parameter's name when absent). */
  readonly label?: string;
  /** The value when the request leaves it out; without one, the parameter is required. */
  readonly default?: string;
}

/** A parameter of a {@link ServerAction}. */
export type ActionParam = NumberActionParam | StringActionParam | BooleanActionParam | NodeActionParam;

/** The checked values an action runs with, by parameter name. */
export type ActionValues = Readonly<Record<string, number | string | boolean>>;

/** An action of yours, served at `POST /api/actions/:name` and drawn as a control on the dashboard. */
export interface ServerAction {
  /** What its button says. */
  readonly label: string;
  /** A sentence shown beside it. */
  readonly description?: string;
  /** Its parameters by name, in the order the dashboard shows them. */
  readonly params?: Readonly<Record<string, ActionParam>>;
  /**
   * Does it, with the values checked against `params`. What it returns (or resolves with) is the
   * answer's `result` (it must be JSON); a throw or a rejection answers 500 `action-failed`.
   */
  run(values: ActionValues, network: Network): unknown;
}

/** Every key of {@link ServerAction}. */
export const SERVER_ACTION_KEYS = optionKeys<ServerAction>()(['label', 'description', 'params', 'run']);

const PARAM_KEYS: Readonly<Record<ActionParam['type'], readonly string[]>> = {
  number: optionKeys<NumberActionParam>()(['type', 'label', 'default', 'min', 'max', 'integer']),
  string: optionKeys<StringActionParam>()(['type', 'label', 'default', 'choices']),
  boolean: optionKeys<BooleanActionParam>()(['type', 'label', 'default']),
  node: optionKeys<NodeActionParam>()(['type', 'label', 'default']),
};

/** An action's and its parameters' names: lower kebab case (they are URL path segments and JSON keys). */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Checks the `actions` option (names, keys, types, defaults); throws {@link InvalidOptionsError}. */
export function checkActions(actions: unknown): ReadonlyMap<string, ServerAction> {
  checkObject('actions', actions);
  const checked = new Map<string, ServerAction>();
  for (const [name, action] of Object.entries((actions ?? {}) as Record<string, unknown>)) {
    const path = `actions.${name}`;
    if (!NAME.test(name)) throw new InvalidOptionsError(path, 'an action name must be lower kebab case', name);
    if (typeof action !== 'object' || action === null || Array.isArray(action)) throw new InvalidOptionsError(path, 'must be an object', action);
    checkKnownKeys(path, action, SERVER_ACTION_KEYS);
    const a = action as ServerAction;
    if (typeof a.label !== 'string' || a.label === '') throw new InvalidOptionsError(`${path}.label`, 'must be a non-empty string', a.label);
    if (a.description !== undefined && typeof a.description !== 'string') throw new InvalidOptionsError(`${path}.description`, 'must be a string', a.description);
    checkFunction(`${path}.run`, a.run);
    checkObject(`${path}.params`, a.params);
    for (const [param, spec] of Object.entries(a.params ?? {})) checkParam(`${path}.params.${param}`, param, spec);
    checked.set(name, a);
  }
  return checked;
}

function checkParam(path: string, name: string, spec: unknown): void {
  if (!NAME.test(name)) throw new InvalidOptionsError(path, 'a parameter name must be lower kebab case', name);
  if (typeof spec !== 'object' || spec === null) throw new InvalidOptionsError(path, 'must be an object', spec);
  const type = (spec as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(PARAM_KEYS, type)) throw new InvalidOptionsError(`${path}.type`, "must be one of 'number', 'string', 'boolean', 'node'", type);
  checkKnownKeys(path, spec, PARAM_KEYS[type as ActionParam['type']]);
  const p = spec as ActionParam;
  if (p.label !== undefined && typeof p.label !== 'string') throw new InvalidOptionsError(`${path}.label`, 'must be a string', p.label);
  if (p.type === 'number') {
    for (const bound of ['min', 'max'] as const) {
      if (p[bound] !== undefined && (typeof p[bound] !== 'number' || !Number.isFinite(p[bound]))) throw new InvalidOptionsError(`${path}.${bound}`, 'must be a finite number', p[bound]);
    }
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) throw new InvalidOptionsError(`${path}.max`, `must be >= min (${p.min})`, p.max);
  }
  if (p.type === 'string' && p.choices !== undefined && (!Array.isArray(p.choices) || p.choices.length === 0 || p.choices.some((c) => typeof c !== 'string'))) {
    throw new InvalidOptionsError(`${path}.choices`, 'must be a non-empty list of strings', p.choices);
  }
  if (p.default !== undefined) {
    const problem = valueProblem(p, p.default, undefined);
    if (problem !== undefined) throw new InvalidOptionsError(`${path}.default`, problem, p.default);
  }
}

/**
 * The values of a request for `action`: each parameter from `body` (a JSON object), else its
 * default. Returns the values, or a sentence saying what is wrong (the server answers 400).
 */
export function actionValues(action: ServerAction, body: unknown, nodeNames: readonly string[]): ActionValues | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object of parameter values';
  const params = action.params ?? {};
  const unknown = Object.keys(body).find((key) => !Object.hasOwn(params, key));
  if (unknown !== undefined) return `no parameter named ${JSON.stringify(unknown)} (parameters: ${Object.keys(params).join(', ') || 'none'})`;
  const values: Record<string, number | string | boolean> = {};
  for (const [name, param] of Object.entries(params)) {
    const value = (body as Record<string, unknown>)[name] ?? param.default;
    if (value === undefined) return `parameter ${JSON.stringify(name)} is required`;
    const problem = valueProblem(param, value, nodeNames);
    if (problem !== undefined) return `parameter ${JSON.stringify(name)} ${problem}`;
    values[name] = value as number | string | boolean;
  }
  return values;
}

/** What is wrong with `value` for `param`, or undefined; node names are checked only when given. */
function valueProblem(param: ActionParam, value: unknown, nodeNames: readonly string[] | undefined): string | undefined {
  switch (param.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
      if (param.integer === true && !Number.isInteger(value)) return 'must be an integer';
      if (param.min !== undefined && value < param.min) return `must be >= ${param.min}`;
      if (param.max !== undefined && value > param.max) return `must be <= ${param.max}`;
      return undefined;
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (param.choices !== undefined && !param.choices.includes(value)) return `must be one of ${param.choices.join(', ')}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'node':
      if (typeof value !== 'string' || value === '') return 'must be a node name';
      if (nodeNames !== undefined && !nodeNames.includes(value)) return `names no node of the network (${nodeNames.join(', ')})`;
      return undefined;
  }
}

/** How `GET /api/actions` describes an action: its name, label, description and parameters in order. */
export function describeAction(name: string, action: ServerAction) {
  return {
    name,
    label: action.label,
    description: action.description ?? '',
    params: Object.entries(action.params ?? {}).map(([param, spec]) => ({ name: param, ...spec, label: spec.label ?? param })),
  };
}
