// Login throttling. An attempt is counted BEFORE the password is checked, so a burst of
// concurrent requests cannot all slip through while the first ones are still hashing.
// Two limits: Laravel's per e-mail + address (brute force on one account) and a per-address limit
// on distinct e-mails (password spraying). Behind an async interface so a shared store (Redis,
// the database) can implement it for several `serve` instances.
import { foldEmail } from '../../shared/email.js';

export type LoginAttempt = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface LoginThrottle {
  /** Reserves one attempt for (e-mail, client address), or says how long to wait. */
  begin(email: string, address: string): Promise<LoginAttempt>;
  /** The password matched: that e-mail's attempts from that address are forgotten. */
  succeeded(email: string, address: string): Promise<void>;
}

export interface LoginThrottleLimits {
  /** Attempts per e-mail from one address per window (Laravel: 5 a minute). */
  perEmail: number;
  /** Distinct e-mails one address may try per window. */
  emailsPerAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = { perEmail: 5, emailsPerAddress: 20, windowSeconds: 60 };

interface Window {
  resetAt: number;
}
interface Counter extends Window {
  count: number;
}
interface EmailSet extends Window {
  emails: Set<string>;
}

/** Keeps the counters in this process: right for a single `serve`. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly attempts = new Map<string, Counter>();
  private readonly sprays = new Map<string, EmailSet>();

  constructor(
    private readonly limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  async begin(email: string, address: string): Promise<LoginAttempt> {
    // Everything below is synchronous: no await between the check and the count.
    const folded = foldEmail(email);
    const now = this.now();
    const counter = this.live(this.attempts, `${folded}|${address}`, now, () => ({ count: 0 }));
    const spray = this.live(this.sprays, address, now, () => ({ emails: new Set<string>() }));
    if (counter.count >= this.limits.perEmail) return this.wait(counter, now);
    if (!spray.emails.has(folded) && spray.emails.size >= this.limits.emailsPerAddress) return this.wait(spray, now);
    counter.count++;
    spray.emails.add(folded);
    this.bound(now);
    return { allowed: true };
  }

  async succeeded(email: string, address: string): Promise<void> {
    const folded = foldEmail(email);
    this.attempts.delete(`${folded}|${address}`);
    this.sprays.get(address)?.emails.delete(folded);
  }

  private wait(window: Window, now: number): LoginAttempt {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  }

  private live<T extends Window>(map: Map<string, T>, key: string, now: number, fresh: () => Omit<T, 'resetAt'>): T {
    let entry = map.get(key);
    if (!entry || entry.resetAt <= now) {
      entry = { ...fresh(), resetAt: now + this.limits.windowSeconds * 1000 } as T;
      map.set(key, entry);
    }
    return entry;
  }

  /** Bounded memory under credential stuffing from many addresses: expired windows go first. */
  private bound(now: number): void {
    for (const map of [this.attempts, this.sprays] as Map<string, Window>[]) {
      if (map.size <= 10_000) continue;
      for (const [key, entry] of map) if (entry.resetAt <= now) map.delete(key);
    }
  }
}
