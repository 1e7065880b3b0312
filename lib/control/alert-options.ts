/**
 * Options of a network's alert rules (the network option `alerts`), their defaults and validation.
 */
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkNumber, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';
import { STARTER_ALERT_NAMES, type StarterAlertName } from './starter-alerts.ts';

/**
 * Time between two evaluations of the alert rules.
 * @defaultValue 5 000 ms
 */
export const DEFAULT_ALERT_INTERVAL_MS = 5_000;

/** A network's alert rules (`network.alerts`). */
export interface AlertOptions {
  /**
   * Time between two evaluations of the rules.
   * @defaultValue 5 000 ms
   */
  intervalMs?: number;
  /**
   * Starter rules to leave off, by name (`'node-error-rate'`, `'mailbox-fill'`,
   * `'dead-letters-growing'`, `'breaker-open'`, `'network-unhealthy'`, `'bottleneck-forecast'`).
   * @defaultValue none: every starter rule is on
   */
  disable?: readonly StarterAlertName[];
}

/** The keys of {@link AlertOptions} (a compile error until a new option is listed). */
export const ALERT_OPTION_KEYS = optionKeys<AlertOptions>()(['intervalMs', 'disable']);

/** Alert options with the defaults filled in. */
export interface ResolvedAlertOptions {
  readonly intervalMs: number;
  readonly disable: ReadonlySet<string>;
}

/**
 * Validates the network option `alerts`; `false` (or `undefined` with `health: false`, the quiet
 * network of specs) turns them off. Throws InvalidOptionsError.
 */
export function resolveAlertOptions(o: AlertOptions | false | undefined, healthOff: boolean): ResolvedAlertOptions | false {
  if (o === false || (o === undefined && healthOff)) return false;
  checkObject('alerts', o);
  checkKnownKeys('alerts', o, ALERT_OPTION_KEYS);
  const intervalMs = checkNumber('alerts.intervalMs', o?.intervalMs ?? DEFAULT_ALERT_INTERVAL_MS, { above: 0 });
  const disable = o?.disable ?? [];
  if (!Array.isArray(disable)) throw new InvalidOptionsError('alerts.disable', 'must be an array of starter rule names', disable);
  for (const name of disable) {
    if (!(STARTER_ALERT_NAMES as readonly string[]).includes(name)) throw new InvalidOptionsError('alerts.disable', `must name starter rules (${STARTER_ALERT_NAMES.join(', ')})`, name);
  }
  return { intervalMs, disable: new Set(disable) };
}
