/**
 * Errors thrown by the `plexus/testing` helpers. Each has a stable `code` so that a test (or a
 * network under test) can tell an injected failure from a real one without matching messages.
 */
import { PlexusError } from '../util/errors.ts';
import { firstUnknownKey, unknownKeyReason } from '../util/known-keys.ts';

/** A testing helper was given an option it cannot work with. */
export class TestingOptionError extends PlexusError {
  /** Stable code of this error. */
  static readonly CODE = 'PLEXUS_TESTING_INVALID_OPTION';
  constructor(option: string, message: string, value?: unknown) {
    super(TestingOptionError.CODE, `${option}: ${message}`, { details: { option, value } });
  }
}

/**
 * Throws {@link TestingOptionError} when the object `value` has a key not in `known` (a misspelt
 * option would otherwise be ignored, and a fake fail on a schedule the test never asked for),
 * naming its path under `prefix` (`''` at the top level) and the known key most likely meant.
 */
export function checkTestingKeys(prefix: string, value: unknown, known: readonly string[]): void {
  if (typeof value !== 'object' || value === null) return;
  const key = firstUnknownKey(value, known);
  if (key !== undefined) throw new TestingOptionError(prefix === '' ? key : `${prefix}.${key}`, unknownKeyReason(key, known));
}

/**
 * The failure a fake handler or a flaky wrapper throws on purpose. The network under test
 * should treat it like any other handler error (retry, then dead letter).
 *
 * It carries no stack frames: a 100k-signal fault run throws tens of thousands of them, and
 * the runtime reads `error.stack` for every failed attempt it reports, which under source
 * maps costs more than the rest of the attempt. The message and `details.call` say which
 * call failed, which is what a test needs.
 */
export class InjectedFailure extends PlexusError {
  /** Stable code of this error. */
  static readonly CODE = 'PLEXUS_TESTING_INJECTED';
  constructor(message = 'injected failure', details: Record<string, unknown> = {}) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(InjectedFailure.CODE, message, { details });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

/** `EventRecorder.waitFor` gave up: the awaited event did not arrive in time. */
export class WaitForTimeoutError extends PlexusError {
  /** Stable code of this error. */
  static readonly CODE = 'PLEXUS_TESTING_WAIT_TIMEOUT';
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(WaitForTimeoutError.CODE, message, { details });
  }
}

/**
 * `EventRecorder.waitFor` can no longer succeed: the recorder was stopped or its source
 * completed or errored before a matching event arrived.
 */
export class RecorderClosedError extends PlexusError {
  /** Stable code of this error. */
  static readonly CODE = 'PLEXUS_TESTING_RECORDER_CLOSED';
  constructor(message: string, cause?: unknown) {
    super(RecorderClosedError.CODE, message, cause === undefined ? {} : { cause });
  }
}
