/**
 * Feature flags: named switches set in code and overridden by the environment
 * (`PLEXUS_<FLAG_NAME_UPPER_SNAKE>`, e.g. `shadowMode` ← `PLEXUS_SHADOW_MODE`). Their values are
 * in the health report and in `plexus_feature_flag{flag}`.
 */
import { InvalidOptionsError } from '../resilience/errors.ts';
import { checkKnownKeys, checkObject } from '../resilience/validate.ts';
import { optionKeys } from '../util/known-keys.ts';

/**
 * The flags every network has, with their defaults. `reflexes`: reflexes are enabled.
 * `shadowMode`: run without side effects. Reflexes read both (a reflex policy sets their
 * defaults; see lib/network/network-reflexes.ts).
 * @defaultValue `{ reflexes: true, shadowMode: false }`
 */
export const BUILT_IN_FLAGS: Readonly<Record<string, boolean>> = Object.freeze({ reflexes: true, shadowMode: false });

/** Prefix of the environment variables that override flags. */
export const FLAG_ENV_PREFIX = 'PLEXUS_';

/** Feature flags of a network (the network option `flags`). */
export interface FeatureFlagOptions {
  /** Values set in code: built-in flags, or flags of yours (registered with these defaults). */
  values?: Record<string, boolean>;
  /** Where the overrides are read, once, at construction. @defaultValue `process.env` */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The keys of {@link FeatureFlagOptions} (a compile error until a new option is listed). */
export const FEATURE_FLAG_OPTION_KEYS = optionKeys<FeatureFlagOptions>()(['values', 'env']);

const FLAG_NAME = /^[a-z][a-zA-Z0-9]*$/;
const TRUE_WORDS = ['1', 'true', 'on', 'yes'];
const FALSE_WORDS = ['0', 'false', 'off', 'no'];

/** The environment variable of a flag: `shadowMode` → `PLEXUS_SHADOW_MODE`. */
export function flagEnvName(flag: string): string {
  return FLAG_ENV_PREFIX + flag.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** A network's feature flags: `network.flags`. */
export class FeatureFlags {
  readonly #values = new Map<string, boolean>();
  readonly #env: Readonly<Record<string, string | undefined>>;

  /** Throws InvalidOptionsError on a bad name or value, or an environment value that is no boolean word. */
  constructor(options: FeatureFlagOptions = {}) {
    checkObject('flags', options);
    checkKnownKeys('flags', options, FEATURE_FLAG_OPTION_KEYS);
    checkObject('flags.values', options.values);
    this.#env = options.env ?? process.env;
    for (const [name, value] of Object.entries(BUILT_IN_FLAGS)) this.register(name, value);
    for (const [name, value] of Object.entries(options.values ?? {})) {
      checkValue(`flags.values.${name}`, value);
      if (this.#values.has(name)) this.#values.set(name, this.#override(name, value));
      else this.register(name, value);
    }
  }

  /**
   * Declares a flag with its value in code; the environment's value wins. Returns the value in
   * force. Registering a flag again changes nothing and returns its value.
   */
  register(name: string, defaultValue: boolean): boolean {
    if (typeof name !== 'string' || !FLAG_NAME.test(name)) throw new InvalidOptionsError('flag', 'must be a camelCase name (letters and digits, starting lower case)', name);
    checkValue(`flags.${name}`, defaultValue);
    const known = this.#values.get(name);
    if (known !== undefined) return known;
    const value = this.#override(name, defaultValue);
    this.#values.set(name, value);
    return value;
  }

  /** The value of a flag. Throws InvalidOptionsError for a flag never registered (a typo must not read as `false`). */
  get(name: string): boolean {
    const value = this.#values.get(name);
    if (value === undefined) throw new InvalidOptionsError('flag', `unknown flag (known: ${[...this.#values.keys()].join(', ')})`, name);
    return value;
  }

  /** Sets a registered flag while the network runs (an operator's later word: it wins over the environment). */
  set(name: string, value: boolean): void {
    this.get(name);
    checkValue(`flags.${name}`, value);
    this.#values.set(name, value);
  }

  /** Every flag and its value. */
  snapshot(): Record<string, boolean> {
    return Object.fromEntries(this.#values);
  }

  #override(name: string, value: boolean): boolean {
    const variable = flagEnvName(name);
    const raw = this.#env[variable];
    if (raw === undefined || raw === '') return value;
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.includes(word)) return true;
    if (FALSE_WORDS.includes(word)) return false;
    throw new InvalidOptionsError(variable, `must be one of ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}`, raw);
  }
}

function checkValue(option: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new InvalidOptionsError(option, 'must be a boolean', value);
}
