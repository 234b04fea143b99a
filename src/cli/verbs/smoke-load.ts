// `chatctl smoke --count N`: a short load run after the smoke steps. N messages are sent one after
// another and the send→receive latency of each is measured on the recipient's subscription.
import type { ChatApi } from '../../client/api.js';

export interface LoadResult {
  count: number;
  received: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  /** Sends per second over the whole run. */
  rate: number;
}

/** The nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Sends `count` messages and waits for each on `arrivals` (message id → arrival time), or, when
 * there is no real-time subscription, measures the HTTP send alone. Rejects with a sentence when
 * a message did not arrive within `timeoutMs` of its send.
 */
export async function loadRun(options: {
  api: ChatApi;
  conversationId: number;
  count: number;
  timeoutMs: number;
  /** Resolves when message `id` arrived (performance.now()), undefined without real-time. */
  arrival?: (id: number) => Promise<number>;
  randomKey: () => string;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 1; i <= options.count; i++) {
    const t0 = performance.now();
    const { message } = await options.api.sendMessage(options.conversationId, { message: `smoke load ${i}/${options.count}`, type: 'text', idempotencyKey: options.randomKey() });
    if (!options.arrival) {
      latencies.push(performance.now() - t0);
      continue;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LoadTimeout(`message.sent for load message ${i} of ${options.count} (id ${message.id}) did not arrive within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
    });
    try {
      const at = await Promise.race([options.arrival(message.id), late]);
      latencies.push(at - t0);
    } finally {
      clearTimeout(timer);
    }
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const seconds = (performance.now() - started) / 1000;
  const pick = (p: number) => {
    const value = percentile(sorted, p);
    return value === null ? null : round(value);
  };
  return { count: options.count, received: latencies.length, p50_ms: pick(50), p99_ms: pick(99), max_ms: pick(100), rate: round(options.count / Math.max(seconds, 0.001)) };
}

export class LoadTimeout extends Error {}
