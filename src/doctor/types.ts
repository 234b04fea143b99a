// The shapes every doctor check shares: a check is `{ id, category, title, run(ctx) }` and answers
// with a status, one line of detail and, when something is wrong, one line saying how to fix it.
import type { DoctorContext } from './context.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** In the order they run and print. */
export const CATEGORIES = ['config', 'database', 'credentials', 'connectivity', 'clients', 'laravel', 'embedded', 'server'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_TITLES: Record<Category, string> = {
  config: 'Configuration',
  database: 'Database',
  credentials: 'Pusher credentials',
  connectivity: 'Pusher connectivity',
  clients: 'Front-end and mobile clients',
  laravel: 'Laravel app',
  embedded: 'Embedded Pusher server',
  server: 'Running server',
};

/** `--only` accepts these extra names. */
export const CATEGORY_ALIASES: Record<string, readonly Category[]> = {
  pusher: ['credentials', 'connectivity'],
  db: ['database'],
  frontend: ['clients'],
};

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was found. */
  detail: string;
  /** One line: what to do about it (warn and fail only). */
  fix?: string;
}

export interface Check {
  id: string;
  category: Category;
  title: string;
  /** Talks to another host: skipped under --offline. */
  network?: boolean;
  run(ctx: DoctorContext): Promise<CheckResult>;
}

export interface CheckReport extends CheckResult {
  id: string;
  category: Category;
  title: string;
}

export interface DoctorReport {
  /** False when any check failed (warnings count only under --strict). */
  ok: boolean;
  /** --strict: warnings fail too. */
  strict?: boolean;
  checks: CheckReport[];
}

export const ok = (detail: string): CheckResult => ({ status: 'ok', detail });
export const warn = (detail: string, fix?: string): CheckResult => ({ status: 'warn', detail, ...(fix ? { fix } : {}) });
export const fail = (detail: string, fix?: string): CheckResult => ({ status: 'fail', detail, ...(fix ? { fix } : {}) });
export const skip = (detail: string): CheckResult => ({ status: 'skip', detail });
