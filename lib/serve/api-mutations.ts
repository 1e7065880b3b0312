/**
 * The actions of `/api/...`: reprocess or purge a dead letter, reset or isolate a breaker, send a
 * signal, replay the last minutes from the journal, start a graceful shutdown, and run an action
 * of yours (see server-actions.ts).
 */
import type { Network } from '../network/network.ts';
import type { Receipt } from '../node/receipt.ts';
import type { SignalDraft } from '../signal/signal.ts';
import { ApiError, ok, type ApiAnswer } from './api-answer.ts';
import { knownDeadLetter, knownNode } from './api-reads.ts';
import { actionValues, type ServerAction } from './server-actions.ts';

/** Resets or isolates (forces open) a node's breaker; 409 when it has none. */
export function breakerAction(network: Network, name: string, action: 'reset' | 'isolate'): ApiAnswer {
  const breaker = network.breaker(knownNode(network, name));
  if (breaker === undefined) throw new ApiError(409, 'conflict', `node ${JSON.stringify(name)} has no breaker`);
  breaker[action]();
  return ok(breaker.snapshot());
}

/** Sends a dead letter back to its node; 409 when the node refuses it (the entry stays). */
export function reprocess(network: Network, id: string): ApiAnswer {
  const receipt = network.dlq.reprocess(id);
  // A refusal (backpressure, shutting down) leaves the entry in the queue: the caller may try later.
  if (receipt.status === 'rejected') throw new ApiError(409, 'conflict', `the node refused the signal (${receipt.reason}); the dead letter stays`);
  return ok({ id, status: receipt.status });
}

/** Removes a dead letter. */
export function purge(network: Network, id: string): ApiAnswer {
  if (!network.dlq.remove(id)) knownDeadLetter(network, id);
  return ok({ id, purged: true });
}

/** Starts a graceful shutdown and answers at once. */
export function shutdown(network: Network): ApiAnswer {
  // Started, not awaited: the answer says it began; the server closes once the network has shut down.
  network.shutdown().catch(() => {});
  return { status: 202, body: { state: network.state } };
}

/** The keys `POST /api/signals` takes: the target and the draft's fields a person would set. */
const SEND_KEYS = ['target', 'type', 'version', 'payload', 'partitionKey', 'idempotencyKey', 'correlationId'];

/**
 * Posts one signal, as `network.post(target, draft)` would (e.g. one with a version the
 * target's schema does not support, to watch it reach the dead letter queue). Answers 202 with
 * the receipt, whatever its status: a refusal is an outcome of the send, not an error of the request.
 */
export function sendSignal(network: Network, body: unknown): ApiAnswer {
  const fields = objectBody(body, SEND_KEYS);
  const { target, ...draft } = fields;
  if (typeof target !== 'string') throw new ApiError(400, 'bad-request', 'target must be a node name');
  knownNode(network, target);
  if (typeof draft['type'] !== 'string' || draft['type'] === '') throw new ApiError(400, 'bad-request', 'type must be a non-empty string');
  for (const key of ['version', 'partitionKey', 'idempotencyKey', 'correlationId']) {
    if (draft[key] !== undefined && typeof draft[key] !== 'string') throw new ApiError(400, 'bad-request', `${key} must be a string`);
  }
  return { status: 202, body: describeReceipt(network.post(target, draft as unknown as SignalDraft)) };
}

/** The default of `POST /api/replay`'s `lastMs`: the last minute. */
export const DEFAULT_REPLAY_LAST_MS = 60_000;

/**
 * Sends again, as new signals, the journaled signals created in the last `lastMs` (default one
 * minute), of one `node` or `type` when given. Answers what was found and how the sends went.
 */
export async function replayLast(network: Network, body: unknown): Promise<ApiAnswer> {
  const fields = objectBody(body, ['lastMs', 'node', 'type']);
  const lastMs = fields['lastMs'] ?? DEFAULT_REPLAY_LAST_MS;
  if (typeof lastMs !== 'number' || !(lastMs > 0) || !Number.isFinite(lastMs)) throw new ApiError(400, 'bad-request', 'lastMs must be a number of milliseconds above 0');
  const query: { from: number; resend: true; node?: string; type?: string } = { from: network.clock.now() - lastMs, resend: true };
  for (const key of ['node', 'type'] as const) {
    const value = fields[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new ApiError(400, 'bad-request', `${key} must be a string`);
    query[key] = value;
  }
  if (query.node !== undefined) knownNode(network, query.node);
  let result: Awaited<ReturnType<Network['replay']>>;
  try {
    result = await network.replay(query);
  } catch (error) {
    throw new ApiError(409, 'conflict', `cannot replay: ${(error as Error).message}`);
  }
  const outcomes = { accepted: 0, duplicate: 0, rejected: 0 };
  for (const receipt of result.receipts) outcomes[receipt.status]++;
  return ok({ found: result.signals.length, ...outcomes });
}

/** Runs an action of yours with the request's values: 400 on bad values, 500 `action-failed` when it throws. */
export async function runAction(network: Network, actions: ReadonlyMap<string, ServerAction>, name: string, body: unknown): Promise<ApiAnswer> {
  const action = actions.get(name);
  if (action === undefined) throw new ApiError(404, 'not-found', `no action named ${JSON.stringify(name)}`);
  const values = actionValues(action, body, network.nodeNames);
  if (typeof values === 'string') throw new ApiError(400, 'bad-request', `action ${name}: ${values}`);
  let result: unknown;
  try {
    result = await action.run(values, network);
  } catch (error) {
    throw new ApiError(500, 'action-failed', `action ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return ok({ action: name, values, result: result ?? null });
}

function objectBody(body: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'bad-request', 'the body must be a JSON object');
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new ApiError(400, 'bad-request', `unknown field ${JSON.stringify(unknown)} (fields: ${known.join(', ')})`);
  return body as Record<string, unknown>;
}

/** A receipt as JSON (its error as code and message: an Error serializes as `{}`). */
function describeReceipt(receipt: Receipt) {
  if (receipt.status !== 'rejected') return receipt;
  return { status: receipt.status, target: receipt.target, reason: receipt.reason, error: { code: receipt.error.code, message: receipt.error.message } };
}
