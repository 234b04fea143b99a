// Runs the selected checks (concurrently, printed in order), bounds each one in time, turns a
// crashing check into a failure, and masks every secret before anything leaves this module.
import { withConsoleHint } from './console-hint.js';
import type { DoctorContext } from './context.js';
import { readStoredCredentials } from './embedded.js';
import { CHECK_GROUPS } from './registry.js';
import { CATEGORIES, CATEGORY_ALIASES, fail, skip, type Category, type Check, type CheckReport, type CheckResult, type DoctorReport } from './types.js';

export const CHECKS: readonly Check[] = CHECK_GROUPS.flat();

export const OFFLINE_SKIP = '--offline: no network check was made';

export class UnknownCategoryError extends Error {}

/** `config,pusher` → the categories, in run order; unknown names throw one sentence. */
export function parseCategories(list: string): Category[] {
  const wanted = new Set<Category>();
  for (const raw of list.split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    if ((CATEGORIES as readonly string[]).includes(name)) wanted.add(name as Category);
    else if (CATEGORY_ALIASES[name]) for (const c of CATEGORY_ALIASES[name]) wanted.add(c);
    else {
      throw new UnknownCategoryError(
        `--only "${raw.trim()}" is not a check category; use one or more of: ${CATEGORIES.join(', ')} (pusher means credentials,connectivity; frontend means clients).`,
      );
    }
  }
  if (wanted.size === 0) throw new UnknownCategoryError(`--only needs at least one of: ${CATEGORIES.join(', ')}.`);
  return CATEGORIES.filter((c) => wanted.has(c));
}

export function selectChecks(categories?: readonly Category[]): Check[] {
  return CHECKS.filter((check) => !categories || categories.includes(check.category));
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`it did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** `strict`: warnings fail the run too (CI that wants a clean bill). */
export async function runChecks(ctx: DoctorContext, checks: readonly Check[], options: { strict?: boolean } = {}): Promise<DoctorReport> {
  // The embedded credentials' secret is masked even in checks that never read the file.
  if (ctx.config) {
    try {
      readStoredCredentials(ctx);
    } catch {
      /* the embedded checks report it */
    }
  }
  const deadlineMs = ctx.timeoutMs * 2 + 2000;
  const results = await Promise.all(
    checks.map(async (check): Promise<[Check, CheckResult]> => {
      if (ctx.offline && check.network) return [check, skip(OFFLINE_SKIP)];
      try {
        return [check, await withDeadline(check.run(ctx), deadlineMs)];
      } catch (error) {
        return [check, fail(`the check itself failed: ${(error as Error).message ?? String(error)}`, 'run it again; if it persists, report it with this line')];
      }
    }),
  );
  const reports: CheckReport[] = results.map(([check, result]) => ({
    id: check.id,
    category: check.category,
    status: result.status,
    title: check.title,
    detail: oneLine(ctx.redact(result.detail)),
    ...(result.fix ? { fix: oneLine(ctx.redact(withConsoleHint(check, result) ?? result.fix)) } : {}),
  }));
  const failing = (r: CheckReport) => r.status === 'fail' || (options.strict === true && r.status === 'warn');
  return { ok: !reports.some(failing), ...(options.strict ? { strict: true } : {}), checks: reports };
}
