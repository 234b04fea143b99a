// Laravel's config cache (bootstrap/cache/config.php, written by `php artisan config:cache`): is it
// older than .env, and do its cached broadcasting values differ from what .env says now? The file
// is var_export() output; it is read as text, never executed.
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { effectiveDriver } from './config.js';
import { rawValue, type DoctorContext } from './context.js';
import { fail, warn, type CheckResult } from './types.js';

export interface CachedBroadcasting {
  default?: string;
  key?: string;
  secret?: string;
  app_id?: string;
  cluster?: string;
  host?: string;
  port?: string;
  scheme?: string;
}

function scalar(section: string, name: string): string | undefined {
  const match = new RegExp(`'${name}' => (?:'((?:[^'\\\\]|\\\\.)*)'|(-?\\d+)|(NULL|true|false))`).exec(section);
  if (!match) return undefined;
  if (match[1] !== undefined) return match[1].replace(/\\(['\\])/g, '$1');
  if (match[2] !== undefined) return match[2];
  return match[3] === 'NULL' ? '' : match[3];
}

/** The broadcasting values in a cached config.php, or undefined when it has no broadcasting section. */
export function parseCachedBroadcasting(text: string): CachedBroadcasting | undefined {
  const start = text.indexOf("'broadcasting' =>");
  if (start < 0) return undefined;
  const section = text.slice(start, start + 20_000);
  const result: CachedBroadcasting = {};
  const driver = scalar(section, 'default');
  if (driver !== undefined) result.default = driver;
  const pusherAt = section.indexOf("'pusher' =>", section.indexOf("'connections' =>"));
  if (pusherAt >= 0) {
    // The pusher connection ends where the next connection (reverb, ably, redis, log) starts.
    const rest = section.slice(pusherAt + 11);
    const end = rest.search(/\n\s{6}'[a-z_]+' =>\s*\n\s*array \(/);
    const pusher = end >= 0 ? rest.slice(0, end) : rest.slice(0, 4000);
    for (const name of ['key', 'secret', 'app_id', 'cluster', 'host', 'port', 'scheme'] as const) {
      const value = scalar(pusher, name);
      if (value !== undefined) result[name] = value;
    }
  }
  return result;
}

function age(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/** Cached values that differ from the current configuration, as phrases (never a secret's value). */
export function cacheDifferences(ctx: DoctorContext, cached: CachedBroadcasting): string[] {
  const out: string[] = [];
  const now = (name: string) => rawValue(ctx, name) ?? '';
  const driver = effectiveDriver(ctx);
  if (cached.default !== undefined && driver && cached.default.toLowerCase() !== driver) out.push(`the driver ${cached.default} (now ${driver})`);
  const compare = (field: keyof CachedBroadcasting, variable: string, show: boolean) => {
    const value = cached[field];
    if (value === undefined || !rawValue(ctx, variable)) return;
    if (value !== now(variable)) out.push(show ? `${variable} ${value || '(empty)'} (now ${now(variable)})` : `${variable} (a different value)`);
  };
  compare('key', 'PUSHER_APP_KEY', true);
  compare('secret', 'PUSHER_APP_SECRET', false);
  compare('app_id', 'PUSHER_APP_ID', true);
  compare('cluster', 'PUSHER_APP_CLUSTER', true);
  compare('host', 'PUSHER_HOST', true);
  compare('port', 'PUSHER_PORT', true);
  compare('scheme', 'PUSHER_SCHEME', true);
  return out;
}

export function describeConfigCache(ctx: DoctorContext, cachedPath: string): CheckResult {
  const file = relative(ctx.cwd, cachedPath);
  const fix = 'run php artisan config:clear after editing .env (and do not run config:cache in development)';
  let text = '';
  try {
    text = readFileSync(cachedPath, 'utf8').slice(0, 2 * 1024 * 1024);
  } catch {
    /* unreadable: the age alone */
  }
  const cached = parseCachedBroadcasting(text);
  if (cached?.secret) ctx.secrets.add(cached.secret);
  if (cached?.key && ctx.secrets.has(rawValue(ctx, 'PUSHER_APP_KEY') ?? '\u0000')) ctx.secrets.add(cached.key);

  let ageNote = '';
  if (ctx.envFileFound) {
    const difference = statSync(ctx.envFilePath).mtimeMs - statSync(cachedPath).mtimeMs;
    ageNote = difference > 1000 ? `, cached ${age(difference)} before .env was last changed` : ', newer than .env';
  }
  const differences = cached ? cacheDifferences(ctx, cached) : [];
  if (differences.length > 0) {
    return fail(
      `${file} exists${ageNote}: the Laravel app broadcasts with its cached ${differences.join(', ')}, not with .env (chatctl reads .env directly)`,
      fix,
    );
  }
  const same = cached ? '; its broadcasting values match .env' : '';
  return warn(`${file} exists${ageNote}: the Laravel app here ignores .env edits until the cache is rebuilt${same}`, fix);
}
