/**
 * The reflex policy: which rules watch which inputs, at what thresholds, how often they may
 * fire, and whether reflexes act or only report (shadow mode). Parsed and validated from an
 * object (code, JSON) or from a YAML/JSON file. `PLEXUS_REFLEX_ENABLED` and
 * `PLEXUS_REFLEX_SHADOW` override `enabled` and `shadowMode`.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * The inputs a rule can watch (values of the discrete ones in lib/control/reflex-inputs.ts).
 * `breakerPressure`: a node breaker's pressure level (0..1), read at each change, so also at
 * its state changes (1 open, 0.5 half-open). `nodePressure`: a node's mailbox fill (0..1), read
 * when its pressure level changes. `health`: a health status change, of a component (source:
 * its name) and of the network (source `overall`): 1 degraded, 2 unhealthy. `alert`: an alert
 * firing (source: its name): 1 warning, 2 critical. `forecastRisk`: each forecast's node risk
 * (source: the node; `node@source` for a forecast from elsewhere): 0 low … 3 critical, fed
 * only with at least the forecast's `minConfidence`.
 */
export const REFLEX_KINDS = ['breakerPressure', 'nodePressure', 'health', 'alert', 'forecastRisk'] as const;

/** An input a reflex rule watches (see {@link REFLEX_KINDS}). */
export type ReflexKind = (typeof REFLEX_KINDS)[number];

/** How strongly a rule fired. */
export type ReflexLevel = 'high' | 'critical';

/**
 * Reflexes are on.
 * @defaultValue false
 */
export const DEFAULT_REFLEX_ENABLED = false;
/**
 * Shadow mode: rules are computed and reported, no reflex signal is sent.
 * @defaultValue true
 */
export const DEFAULT_REFLEX_SHADOW_MODE = true;
/**
 * Reflex signals per second, all rules together (the refill rate of a token bucket).
 * @defaultValue 1
 */
export const DEFAULT_MAX_EMISSION_RATE = 1;
/**
 * Reflex signals allowed at once above the rate (the token bucket's capacity).
 * @defaultValue 3
 */
export const DEFAULT_BURST_ALLOWANCE = 3;
/**
 * Seconds a rule stays quiet for one source after it fired (unless the level rises).
 * @defaultValue 10
 */
export const DEFAULT_COOLDOWN_SECONDS = 10;

/** Environment variable overriding `enabled`. */
export const REFLEX_ENABLED_ENV = 'PLEXUS_REFLEX_ENABLED';
/** Environment variable overriding `shadowMode`. */
export const REFLEX_SHADOW_ENV = 'PLEXUS_REFLEX_SHADOW';

/** The thresholds of a rule (`high <= critical`). */
export interface ReflexThresholds {
  /** The value from which the rule fires `high`. */
  high: number;
  /** The value from which the rule fires `critical`. */
  critical: number;
}

/** A validated rule: its thresholds and its cooldown in milliseconds. */
export interface ResolvedReflexRule extends Readonly<ReflexThresholds> {
  /** Milliseconds between two firings for one source (unless the level rises). */
  readonly cooldownMs: number;
}

/** One rule: its thresholds and its cooldown. */
export interface ReflexRule {
  /** The value from which the rule fires `high`, and from which `critical` (`high <= critical`). */
  thresholds: ReflexThresholds;
  /** Seconds between two firings for one source. @defaultValue 10 */
  cooldownSeconds?: number;
}

/** A reflex policy, as written in code (the network option `reflexes`). */
export interface ReflexPolicy {
  /** Reflexes are on (the default of the flag `reflexes`). @defaultValue `false` */
  enabled?: boolean;
  /** Compute and report, do not act (the default of the flag `shadowMode`). @defaultValue `true` */
  shadowMode?: boolean;
  /** Reflex signals per second. @defaultValue 1 */
  maxEmissionRate?: number;
  /** Reflex signals allowed at once. @defaultValue 3 */
  burstAllowance?: number;
  /** Rules by kind. */
  rules?: Partial<Record<ReflexKind, ReflexRule>>;
}

/** A validated policy with its defaults filled in. */
export interface ResolvedReflexPolicy {
  /** See {@link ReflexPolicy.enabled}. */
  readonly enabled: boolean;
  /** See {@link ReflexPolicy.shadowMode}. */
  readonly shadowMode: boolean;
  /** See {@link ReflexPolicy.maxEmissionRate}. */
  readonly maxEmissionRate: number;
  /** See {@link ReflexPolicy.burstAllowance}. */
  readonly burstAllowance: number;
  /** Rules by kind, with cooldowns in milliseconds. */
  readonly rules: ReadonlyMap<ReflexKind, ResolvedReflexRule>;
}

/** The keys of {@link ReflexPolicy} (a compile error until a new option is listed). */
export const REFLEX_POLICY_KEYS = optionKeys<ReflexPolicy>()(['enabled', 'shadowMode', 'maxEmissionRate', 'burstAllowance', 'rules']);
const RULE_KEYS = optionKeys<ReflexRule>()(['thresholds', 'cooldownSeconds']);
const FILE_KEYS = ['reflexPolicy', 'rules'];

/**
 * Validates a policy and fills in its defaults. Takes the code shape ({@link ReflexPolicy}) or
 * the file shape (`{ reflexPolicy: { enabled, ... }, rules: { ... } }`). Throws
 * InvalidOptionsError naming the bad option.
 */
export function parseReflexPolicy(input: unknown): ResolvedReflexPolicy {
  checkObject('reflexes', input);
  const raw = (input ?? {}) as Record<string, unknown>;
  let policy: Record<string, unknown> = raw;
  if ('reflexPolicy' in raw) {
    checkKnownKeys('reflexes', raw, FILE_KEYS);
    checkObject('reflexPolicy', raw.reflexPolicy);
    policy = { ...(raw.reflexPolicy as object), rules: raw.rules };
  }
  checkKnownKeys('reflexes', policy, REFLEX_POLICY_KEYS);
  const rules = new Map<ReflexKind, ResolvedReflexRule>();
  checkObject('reflexes.rules', policy.rules);
  for (const [kind, rule] of Object.entries((policy.rules ?? {}) as Record<string, unknown>)) {
    if (!(REFLEX_KINDS as readonly string[]).includes(kind)) throw new InvalidOptionsError(`reflexes.rules.${kind}`, `unknown rule kind (known: ${REFLEX_KINDS.join(', ')})`, kind);
    rules.set(kind as ReflexKind, parseRule(`reflexes.rules.${kind}`, rule));
  }
  return {
    enabled: checkBoolean('reflexes.enabled', policy.enabled ?? DEFAULT_REFLEX_ENABLED),
    shadowMode: checkBoolean('reflexes.shadowMode', policy.shadowMode ?? DEFAULT_REFLEX_SHADOW_MODE),
    maxEmissionRate: checkNumber('reflexes.maxEmissionRate', policy.maxEmissionRate ?? DEFAULT_MAX_EMISSION_RATE, { above: 0 }),
    burstAllowance: checkNumber('reflexes.burstAllowance', policy.burstAllowance ?? DEFAULT_BURST_ALLOWANCE, { min: 1 }),
    rules,
  };
}

/** Reads a policy from a YAML (or JSON) file and validates it. Throws InvalidOptionsError on an unreadable file, bad YAML or a bad policy. */
export function loadReflexPolicy(path: string): ResolvedReflexPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidOptionsError('reflexes', `cannot read the policy file: ${(e as Error).message}`, path);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (e) {
    throw new InvalidOptionsError('reflexes', `the policy file is not valid YAML: ${(e as Error).message}`, path);
  }
  return parseReflexPolicy(document ?? {});
}

/**
 * The policy with `PLEXUS_REFLEX_ENABLED` and `PLEXUS_REFLEX_SHADOW` applied (`1/true/on/yes`,
 * `0/false/off/no`; empty or unset: the policy's value). Throws InvalidOptionsError on another word.
 */
export function applyReflexEnv(policy: ResolvedReflexPolicy, env: Readonly<Record<string, string | undefined>>): ResolvedReflexPolicy {
  return { ...policy, enabled: envBoolean(env, REFLEX_ENABLED_ENV, policy.enabled), shadowMode: envBoolean(env, REFLEX_SHADOW_ENV, policy.shadowMode) };
}

function parseRule(option: string, rule: unknown): ResolvedReflexRule {
  checkObject(option, rule);
  if (rule === undefined || rule === null) throw new InvalidOptionsError(option, 'must be a rule object', rule);
  checkKnownKeys(option, rule, RULE_KEYS);
  const { thresholds, cooldownSeconds } = rule as Partial<ReflexRule>;
  checkObject(`${option}.thresholds`, thresholds);
  if (thresholds === undefined) throw new InvalidOptionsError(`${option}.thresholds`, 'is required ({ high, critical })', thresholds);
  checkKnownKeys(`${option}.thresholds`, thresholds, ['high', 'critical']);
  const high = checkNumber(`${option}.thresholds.high`, thresholds.high, { min: 0 });
  const critical = checkNumber(`${option}.thresholds.critical`, thresholds.critical, { min: 0 });
  if (critical < high) throw new InvalidOptionsError(`${option}.thresholds.critical`, `must be at least high (${high})`, critical);
  const cooldown = checkNumber(`${option}.cooldownSeconds`, cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS, { min: 0 });
  return { high, critical, cooldownMs: cooldown * 1000 };
}

function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new InvalidOptionsError(option, 'must be a boolean', value);
  return value;
}

function envBoolean(env: Readonly<Record<string, string | undefined>>, variable: string, fallback: boolean): boolean {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const word = raw.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(word)) return true;
  if (['0', 'false', 'off', 'no'].includes(word)) return false;
  throw new InvalidOptionsError(variable, 'must be one of 1, true, on, yes, 0, false, off, no', raw);
}
