// Laravel's login throttle: after too many failures for one e-mail from one address,
// answer 429 with Retry-After until the window passes.
export interface ThrottleOptions {
  maxAttempts: number;
  decaySeconds: number;
  now?: () => number;
}

interface Bucket {
  failures: number;
  resetAt: number;
}

export class LoginThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;

  constructor(private readonly options: ThrottleOptions) {
    this.now = options.now ?? Date.now;
  }

  static key(email: string, ip: string): string {
    return `${email.trim().toLowerCase()}|${ip}`;
  }

  /** Seconds until another attempt is allowed, or 0 when allowed now. */
  retryAfter(key: string): number {
    const bucket = this.live(key);
    if (!bucket || bucket.failures < this.options.maxAttempts) return 0;
    return Math.max(1, Math.ceil((bucket.resetAt - this.now()) / 1000));
  }

  fail(key: string): void {
    const bucket = this.live(key);
    if (bucket) bucket.failures++;
    else this.buckets.set(key, { failures: 1, resetAt: this.now() + this.options.decaySeconds * 1000 });
    if (this.buckets.size > 10_000) this.sweep(); // bounded memory under credential stuffing
  }

  clear(key: string): void {
    this.buckets.delete(key);
  }

  private live(key: string): Bucket | undefined {
    const bucket = this.buckets.get(key);
    if (bucket && bucket.resetAt <= this.now()) {
      this.buckets.delete(key);
      return undefined;
    }
    return bucket;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, bucket] of this.buckets) if (bucket.resetAt <= now) this.buckets.delete(key);
  }
}
