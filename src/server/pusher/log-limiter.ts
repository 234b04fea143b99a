/**
 * A rate limit for log lines that clients can cause (protocol errors, bad frames, slow or idle
 * sockets): anyone can open sockets, so without it an anonymous client decides how much we
 * write to stderr. At most `maxLines` pass per interval; the rest are counted and summed up in
 * one "suppressed" line when the interval ends.
 */
import type { LogFn } from './hub.js';

export interface LimitedLogOptions {
  maxLines: number;
  intervalMs: number;
  now?: () => number;
}

export interface LimitedLog {
  log: LogFn;
  /** Writes the pending "suppressed" summary now (used on shutdown). */
  flush(): void;
}

export function limitLog(target: LogFn, options: LimitedLogOptions): LimitedLog {
  const now = options.now ?? Date.now;
  let windowStart = 0;
  let written = 0;
  let suppressed = 0;
  let summaryTimer: NodeJS.Timeout | undefined;

  const flush = (): void => {
    if (summaryTimer) clearTimeout(summaryTimer);
    summaryTimer = undefined;
    if (suppressed === 0) return;
    const seconds = Math.round(options.intervalMs / 1000);
    target('warn', `pusher: suppressed ${suppressed} more connection warning${suppressed === 1 ? '' : 's'} (at most ${options.maxLines} are written per ${seconds} s)`);
    suppressed = 0;
  };

  const log: LogFn = (level, message) => {
    const t = now();
    if (t - windowStart >= options.intervalMs) {
      flush();
      windowStart = t;
      written = 0;
    }
    if (written < options.maxLines) {
      written += 1;
      target(level, message);
      return;
    }
    suppressed += 1;
    if (!summaryTimer) {
      // The summary is written even if nothing else is logged afterwards.
      summaryTimer = setTimeout(flush, Math.max(0, windowStart + options.intervalMs - t));
      summaryTimer.unref();
    }
  };

  return { log, flush };
}
