/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s, … capped at `capMs` (default 30 s). */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  capMs = 30_000,
): number {
  const ceiling = Math.min(capMs, 500 * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
