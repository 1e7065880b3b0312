/**
 * Command-line arguments of the demos, read with `node:util` parseArgs: every demo takes
 * `--duration <s>` (end by itself after that many seconds; without it the demo runs until
 * Ctrl-C) and `--help`; a demo adds its own options. A bad argument prints the usage and exits 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The options a demo adds to `--duration` and `--help` (parseArgs' option config). */
export type DemoOptions = NonNullable<ParseArgsConfig['options']>;

/** The parsed arguments: `duration` in seconds (undefined: until Ctrl-C) and the demo's own values. */
export interface DemoArgs {
  readonly duration: number | undefined;
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/** Reads `argv` (default: the process's arguments); prints `usage` and exits 2 on a bad one, exits 0 after `--help`. */
export function readArgs(usage: string, options: DemoOptions = {}, argv: string[] = process.argv.slice(2)): DemoArgs {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { duration: { type: 'string' }, help: { type: 'boolean', short: 'h' }, ...options }, strict: true }));
  } catch (error) {
    fail(usage, (error as Error).message);
  }
  if (values['help'] === true) {
    console.log(usage);
    process.exit(0);
  }
  const raw = values['duration'];
  const duration = raw === undefined ? undefined : Number(raw);
  if (duration !== undefined && !(duration > 0)) fail(usage, '--duration needs a number of seconds above 0');
  return { duration, values: values as DemoArgs['values'] };
}

/** A whole number above 0 from an option, or `fallback` when it is absent; exits 2 otherwise. */
export function positiveInteger(usage: string, args: DemoArgs, name: string, fallback: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(usage, `--${name} needs a whole number above 0`);
  return n;
}

function fail(usage: string, message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}
