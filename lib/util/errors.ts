/**
 * The root of every error Plexus throws or records. Each subclass has a stable `code`
 * (never change one once published) and keeps the underlying `cause`.
 */
export class PlexusError extends Error {
  /** A stable, machine-readable code such as `PLEXUS_VALIDATION`. */
  readonly code: string;
  /** Extra structured facts about the failure (never secrets). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

/** True when `e` is a {@link PlexusError} (works across module copies by checking the shape). */
export function isPlexusError(e: unknown): e is PlexusError {
  if (e instanceof PlexusError) return true;
  const code: unknown = e instanceof Error ? (e as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('PLEXUS_');
}

/** A snapshot of an error that is safe to keep, serialise and show. */
export interface ErrorInfo {
  /** The error class name. */
  readonly name: string;
  /** The message. */
  readonly message: string;
  /** The error's string `code` (for Plexus errors one of `ErrorCode`), else `UNKNOWN`. */
  readonly code: string;
  /** The stack, when there is one. */
  readonly stack?: string | undefined;
  /** The classification category, when classified. */
  readonly category?: string | undefined;
}

/** Turns anything thrown into an {@link ErrorInfo}. */
export function toErrorInfo(e: unknown, category?: string): ErrorInfo {
  if (e instanceof Error) {
    const raw: unknown = (e as Error & { code?: unknown }).code;
    const code = typeof raw === 'string' ? raw : 'UNKNOWN';
    return { name: e.name, message: e.message, code, stack: e.stack, category };
  }
  return { name: 'NonError', message: safeString(e), code: 'UNKNOWN', category };
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}
