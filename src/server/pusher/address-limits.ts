/**
 * Per-client-address connection counting for the WebSocket side, so one client cannot take
 * every slot of the global quota. Counted from the moment an upgrade arrives until its TCP
 * socket closes, whatever happens in between (refusals and failed handshakes included).
 */
import { isIPv6 } from 'node:net';

/**
 * The key a client is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64,
 * the smallest block one subscriber usually controls (counting single v6 addresses would let
 * one host use 2^64 of them).
 */
export function addressKey(remote: string | undefined): string {
  if (!remote) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(remote)) return remote;
  return `${expandIPv6(remote).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const withoutZone = address.split('%')[0] ?? address;
  const [head = '', tail] = withoutZone.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((part) => part.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Counts per key; an entry disappears when its count drops to zero, so memory follows live sockets. */
export class AddressCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `key`; false (and nothing taken) when the key already holds `max`. */
  tryAcquire(key: string): boolean {
    const current = this.counts.get(key) ?? 0;
    if (current >= this.max) return false;
    this.counts.set(key, current + 1);
    return true;
  }

  release(key: string): void {
    const current = this.counts.get(key) ?? 0;
    if (current <= 1) this.counts.delete(key);
    else this.counts.set(key, current - 1);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Distinct keys with at least one slot taken. */
  get size(): number {
    return this.counts.size;
  }
}
