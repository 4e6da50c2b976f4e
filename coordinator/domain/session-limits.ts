/**
 * Rate limiting as plain data: a token bucket with time passed in (milliseconds), and the policy numbers
 * a coordinator runs with. Used per WebSocket connection and per client IP for HTTP.
 */

export interface BucketPolicy {
  /** Most requests in a burst. */
  capacity: number;
  /** Tokens added per second, up to `capacity`. */
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly policy: BucketPolicy,
    nowMs: number,
  ) {
    this.tokens = policy.capacity;
    this.updatedAtMs = nowMs;
  }

  /** Takes one token when there is one; false means the caller is over its rate. */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True when the bucket is full again (an idle client's entry can be forgotten). */
  isFull(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.policy.capacity;
  }

  private refill(nowMs: number): void {
    // A clock that steps backwards must not mint tokens, nor freeze the bucket forever.
    const elapsedMs = Math.max(0, nowMs - this.updatedAtMs);
    this.tokens = Math.min(this.policy.capacity, this.tokens + (elapsedMs / 1000) * this.policy.refillPerSecond);
    this.updatedAtMs = nowMs;
  }
}

/** Buckets per key (client IP) with a bound on how many keys are remembered, so many addresses cannot exhaust memory. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly policy: BucketPolicy,
    private readonly maxKeys: number,
  ) {}

  take(key: string, nowMs: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune(nowMs);
      // Still full of busy clients: newcomers are refused rather than evicting someone mid-burst.
      if (this.buckets.size >= this.maxKeys) return false;
      bucket = new TokenBucket(this.policy, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket.take(nowMs);
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forgets clients whose bucket has refilled (they have been quiet long enough to start fresh anyway). */
  prune(nowMs: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull(nowMs)) this.buckets.delete(key);
  }
}

export interface SessionLimits {
  /** Frames per WebSocket connection. */
  frames: BucketPolicy;
  /** HTTP requests (and WebSocket upgrades) per client IP. */
  http: BucketPolicy;
  /** Refused frames (any error) a connection may cause before it is closed. */
  maxStrikes: number;
}

/** Generous for an honest app (a heartbeat every 5 s, a burst of replayed statuses after a reconnect). */
export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  frames: { capacity: 60, refillPerSecond: 10 },
  http: { capacity: 120, refillPerSecond: 20 },
  maxStrikes: 50,
};
