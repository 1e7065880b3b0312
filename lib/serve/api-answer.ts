/**
 * The answers of `/api/...`: a status and a JSON body, the error a route throws to answer with a
 * status and a code, and writing either to the response. Errors are `{ error: { code, message } }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDeadLetterNotFoundError } from '../network/errors.ts';
import { PlexusError } from '../util/errors.ts';

/** An answer of a route: an HTTP status and a JSON body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A 200 answer with `body`. */
export const ok = (body: unknown): ApiAnswer => ({ status: 200, body });

/** An error a route throws to answer with that status and code. */
export class ApiError extends Error {
  /**
   * @param status - The HTTP status.
   * @param code - The `code` of the error body.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Bytes a request body may have (an action's values, a signal to send): more is refused with 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The request's body as JSON (`{}` when empty); throws ApiError 400 on bad JSON, 413 past {@link MAX_BODY_BYTES}. */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'too-large', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'bad-request', `the body is not JSON: ${(error as Error).message}`);
  }
}

/** Writes `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  // Serialized before the head is written: a payload JSON cannot carry (a BigInt, a cycle) throws
  // here, and the caller can still answer with a 500.
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
  response.end(text);
}

/** Writes the error answer for anything a route threw. */
export function sendApiError(response: ServerResponse, error: unknown): void {
  if (error instanceof ApiError) {
    sendJson(response, error.status, { error: { code: error.code, message: error.message } });
  } else if (isDeadLetterNotFoundError(error)) {
    sendJson(response, 404, { error: { code: error.code, message: error.message } });
  } else if (error instanceof PlexusError) {
    // A typed error of the network (e.g. bad input to one of its methods): its own code, as a bad request.
    sendJson(response, 400, { error: { code: error.code, message: error.message } });
  } else {
    sendJson(response, 500, { error: { code: 'internal', message: error instanceof Error ? error.message : String(error) } });
  }
}
