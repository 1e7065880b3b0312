/**
 * A duration for a message, in whole milliseconds (one decimal below 10 ms, where a whole
 * number would say `0 ms` for a real wait): `retry after 439 ms`, not `retry after
 * 438.70239000000004 ms`. Clock readings are fractional (performance.now), and nobody acts on
 * the tenth of a microsecond. Structured fields (`details`, `retryAfterMs`) keep the exact value.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) >= 10) return String(Math.round(ms));
  return String(Math.round(ms * 10) / 10);
}
