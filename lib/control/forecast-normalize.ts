/**
 * Forecasts from elsewhere (an external model, another service) into the one schema,
 * {@link ForecastData}: the source's own Standard Schema first (zod, valibot, … may also reshape
 * the value), then the forecast's shape, with what the source left out filled in or derived
 * the way the network's own forecasts are (risk, bottleneck, overall risk and confidence).
 */
import { isStandardSchema, type StandardSchemaV1 } from '../signal/standard-schema.ts';
import { isThenable } from '../util/thenable.ts';
import { assembleForecast } from './forecast-assemble.ts';
import { ForecastError, type ForecastIssue } from './forecast-errors.ts';
import { riskOf } from './forecast-risk.ts';
import { FORECAST_RISKS, type ForecastData, type ForecastRisk, type NodeForecast } from './forecast-types.ts';

/** Where a forecast comes from: a name, and optionally a Standard Schema its input must pass (its output is then read as the forecast). */
export interface ForecastSource {
  /** The source's name (`ForecastData.source`), e.g. `capacity-model`. */
  readonly name: string;
  /** Validates (and may reshape) the input before it is read as a forecast. */
  readonly schema?: StandardSchemaV1;
}

const TOP_KEYS = ['source', 'at', 'windowMs', 'bottleneck', 'risk', 'confidence', 'nodes'];
const NODE_KEYS = ['node', 'arrivalRate', 'serviceRate', 'utilisation', 'depth', 'fullDepth', 'depthTrend', 'timeToFullSeconds', 'risk', 'confidence', 'samples'];
const NULLABLE = ['arrivalRate', 'serviceRate', 'depth', 'fullDepth', 'depthTrend', 'timeToFullSeconds'] as const;

/**
 * Validates `input` against the source's schema (when it has one) and the forecast's shape and
 * returns it as {@link ForecastData}, stamped with the source's name (and `now` when it has no
 * `at`). Each node needs `node`, `utilisation` (>= 0) and `confidence` (0..1); the other node
 * fields may be left out (`null`, `samples` 0) and `risk` is derived when absent. The top-level
 * `risk` and `confidence` are always derived; `bottleneck` is kept when it names one of the
 * nodes, else derived. Rejects with ForecastError (`invalid-source`, `invalid-forecast` with
 * every issue found).
 */
export async function normalizeForecast(input: unknown, source: string | ForecastSource, now: number): Promise<ForecastData> {
  const spec: Partial<ForecastSource> = typeof source === 'string' ? { name: source } : typeof source === 'object' && source !== null ? source : {};
  const name = spec.name;
  if (typeof name !== 'string' || name.trim() === '') throw new ForecastError('invalid-source', String(name), [], 'a forecast source needs a non-empty name');
  let value = input;
  if (spec.schema !== undefined) {
    if (!isStandardSchema(spec.schema)) throw new ForecastError('invalid-source', name, [], `the schema of forecast source ${name} is no Standard Schema`);
    const validated = spec.schema['~standard'].validate(input);
    const result = isThenable(validated) ? await validated : validated;
    if (result.issues !== undefined) {
      const issues = result.issues.map((i) => ({ message: i.message, path: (i.path ?? []).map((k) => String(typeof k === 'object' ? k.key : k)) }));
      throw refused(name, issues, `the schema of ${name} refused it`);
    }
    value = result.value;
  }
  const issues: ForecastIssue[] = [];
  const forecast = readForecast(value, name, now, issues);
  if (forecast === undefined || issues.length > 0) throw refused(name, issues, 'it is no forecast');
  return forecast;
}

function refused(source: string, issues: ForecastIssue[], why: string): ForecastError {
  const first = issues[0];
  const where = first === undefined ? '' : `: ${first.path.length === 0 ? '' : `${first.path.join('.')} `}${first.message}`;
  return new ForecastError('invalid-forecast', source, issues, `forecast from ${source} refused, ${why}${where}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`);
}

function readForecast(value: unknown, source: string, now: number, issues: ForecastIssue[]): ForecastData | undefined {
  if (!isRecord(value)) {
    issues.push({ message: 'must be an object', path: [] });
    return undefined;
  }
  unknownKeys(value, TOP_KEYS, [], issues);
  const at = optionalNumber(value, 'at', [], issues) ?? now;
  const windowMs = optionalNumber(value, 'windowMs', [], issues) ?? 0;
  if (!Array.isArray(value.nodes)) {
    issues.push({ message: 'must be an array of node forecasts', path: ['nodes'] });
    return undefined;
  }
  const nodes: NodeForecast[] = [];
  value.nodes.forEach((n: unknown, i: number) => {
    const node = readNode(n, ['nodes', i], issues);
    if (node !== undefined) nodes.push(node);
  });
  const names = nodes.map((n) => n.node);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) issues.push({ message: `node ${n} appears twice`, path: ['nodes', i, 'node'] });
  });
  const forecast = assembleForecast(source, at, windowMs, nodes);
  const given = value.bottleneck;
  if (given === undefined || given === null) return forecast;
  if (typeof given !== 'string' || !names.includes(given)) {
    issues.push({ message: 'must name one of the nodes (or be null)', path: ['bottleneck'] });
    return undefined;
  }
  return { ...forecast, bottleneck: given, confidence: nodes.find((n) => n.node === given)!.confidence };
}

function readNode(value: unknown, path: (string | number)[], issues: ForecastIssue[]): NodeForecast | undefined {
  if (!isRecord(value)) {
    issues.push({ message: 'must be an object', path });
    return undefined;
  }
  const before = issues.length;
  unknownKeys(value, NODE_KEYS, path, issues);
  const node = value.node;
  if (typeof node !== 'string' || node === '') issues.push({ message: 'must be a non-empty string', path: [...path, 'node'] });
  const utilisation = requiredNumber(value, 'utilisation', path, issues);
  const confidence = requiredNumber(value, 'confidence', path, issues);
  if (confidence !== undefined && confidence > 1) issues.push({ message: 'must be at most 1', path: [...path, 'confidence'] });
  const nullable = {} as Record<(typeof NULLABLE)[number], number | null>;
  for (const key of NULLABLE) nullable[key] = optionalNumber(value, key, path, issues, key === 'depthTrend') ?? null;
  const samples = optionalNumber(value, 'samples', path, issues) ?? 0;
  const risk = value.risk;
  if (risk !== undefined && !(FORECAST_RISKS as readonly unknown[]).includes(risk)) issues.push({ message: `must be one of ${FORECAST_RISKS.join(', ')}`, path: [...path, 'risk'] });
  if (issues.length > before || utilisation === undefined || confidence === undefined) return undefined;
  const derived = riskOf({ utilisation, timeToFullSeconds: nullable.timeToFullSeconds, depth: nullable.depth, fullDepth: nullable.fullDepth });
  return { node: node as string, ...nullable, utilisation, risk: (risk as ForecastRisk | undefined) ?? derived, confidence, samples };
}

function requiredNumber(o: Record<string, unknown>, key: string, path: (string | number)[], issues: ForecastIssue[]): number | undefined {
  if (o[key] === undefined) {
    issues.push({ message: 'is required', path: [...path, key] });
    return undefined;
  }
  return optionalNumber(o, key, path, issues);
}

/** A finite number (>= 0 unless `signed`), `undefined` when absent or null. */
function optionalNumber(o: Record<string, unknown>, key: string, path: (string | number)[], issues: ForecastIssue[], signed = false): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || (!signed && v < 0)) {
    issues.push({ message: signed ? 'must be a finite number' : 'must be a finite number >= 0', path: [...path, key] });
    return undefined;
  }
  return v;
}

function unknownKeys(o: Record<string, unknown>, known: readonly string[], path: (string | number)[], issues: ForecastIssue[]): void {
  for (const key of Object.keys(o)) if (!known.includes(key)) issues.push({ message: `unknown field (known: ${known.join(', ')})`, path: [...path, key] });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
