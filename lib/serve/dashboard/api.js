// Talking to the server: JSON requests with the bearer token when there is one, and the event
// stream read through fetch (EventSource cannot send an Authorization header).

const TOKEN_KEY = 'plexus-dashboard-token';

/** The token: from `#token=…` in the address (then moved out of it), else this tab's storage. */
export function currentToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** Keeps `token` for this tab. */
export function saveToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

function headers(extra = {}) {
  const token = currentToken();
  return token === undefined ? extra : { ...extra, authorization: `Bearer ${token}` };
}

/** An error answer of the server: its status, code and message. */
export class ApiFailure extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Calls `path`; resolves with the JSON body, rejects with an ApiFailure on an error answer. */
export async function api(path, { method = 'GET', body } = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiFailure(0, 'unreachable', `the server does not answer (${error.message})`);
  }
  const text = await response.text();
  let json;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiFailure(response.status, 'bad-answer', `not JSON from ${path}`);
  }
  // /health answers 503 with its report when unhealthy: a report, not a failure.
  if (!response.ok && !(path === '/health' && response.status === 503)) {
    throw new ApiFailure(response.status, json?.error?.code ?? 'error', json?.error?.message ?? `${response.status} from ${path}`);
  }
  return json;
}

/**
 * Reads `/events?kind=…` and calls `onEvent` with each event; `onState('live' | 'down')` as the
 * stream opens and drops. Reconnects after a drop (the server cuts a client that falls behind)
 * until `stop()` is called.
 */
export function followEvents(kinds, onEvent, onState) {
  let stopped = false;
  let controller;
  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(`/events?kind=${kinds.join(',')}`, { headers: headers(), signal: controller.signal });
        if (!response.ok) throw new Error(`events: ${response.status}`);
        onState('live');
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let pending = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          pending += decoder.decode(value, { stream: true });
          for (let cut = pending.indexOf('\n\n'); cut >= 0; cut = pending.indexOf('\n\n')) {
            const block = pending.slice(0, cut);
            pending = pending.slice(cut + 2);
            for (const line of block.split('\n')) if (line.startsWith('data: ')) onEvent(JSON.parse(line.slice(6)));
          }
        }
      } catch {
        // Dropped or refused: said below, then tried again.
      }
      if (stopped) return;
      onState('down');
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}

/** The dashboard's link to a runbook entry (`docs/operations.md#alert-x` → `/runbook#alert-x`). */
export function runbookHref(runbook) {
  const hash = String(runbook ?? '').split('#')[1];
  return hash ? `/runbook#${hash}` : '/runbook';
}
