/**
 * How long to wait before the next reconnect (or embedded coordinator restart). Exponential so a dead
 * coordinator is not hammered, capped so the owner never waits minutes after it is back, and jittered
 * ("full jitter" over the upper half) so thousands of providers do not all come back in the same second.
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000 };
export const RESTART_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Delay before attempt number `attempt` (0 = the first retry). `random` is in [0, 1): the result lies in
 * [ceiling / 2, ceiling] where ceiling = min(maxMs, baseMs · 2^attempt). Pure.
 */
export function backoffDelay(attempt: number, random: number, options: BackoffOptions = RECONNECT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const unit = Math.min(Math.max(random, 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * unit);
}
