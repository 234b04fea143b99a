// Configuration: the env file, every value loadConfig validates, the broadcasting driver (and
// Laravel's two names for it), the database connection, Laravel's config cache and queue.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BROADCAST_DRIVERS } from '../config/env.js';
import { describeConfigCache } from './config-cache.js';
import { plural, problemFor, rawValue, whereSet, type DoctorContext } from './context.js';
import { fail, ok, skip, warn, type Check } from './types.js';

const DRIVER_VARIABLES = ['BROADCAST_DRIVER', 'BROADCAST_CONNECTION'];

export const envFileCheck: Check = {
  id: 'config.env-file',
  category: 'config',
  title: 'Env file',
  async run(ctx) {
    if (ctx.envFileError) {
      return fail(
        ctx.envFileError,
        ctx.envFileOption !== undefined && !ctx.envFileFound
          ? 'check the --env-file path, or leave it out to read ./.env'
          : `make ${ctx.envFilePath} a readable text file of NAME=value lines`,
      );
    }
    if (!ctx.envFileFound) {
      return ok(`no .env in ${ctx.cwd}: using the environment and defaults (that is fine)`);
    }
    const count = Object.keys(ctx.fileValues).length;
    return ok(`${ctx.envFilePath} (${plural(count, 'variable')})`);
  },
};

export const valuesCheck: Check = {
  id: 'config.values',
  category: 'config',
  title: 'Configuration values',
  async run(ctx) {
    if (ctx.envFileError) return skip('the env file could not be read');
    // The database connection and the driver have checks of their own below.
    const problems = ctx.problems.filter((p) => !p.variable || ![...DRIVER_VARIABLES, 'DB_CONNECTION'].includes(p.variable));
    const [first, ...others] = problems;
    if (first) {
      const more = others.length > 0 ? ` (and ${others.length} more: ${others.map((p) => p.variable ?? '?').join(', ')})` : '';
      const where = first.variable ? whereSet(ctx, first.variable) : 'the configuration';
      return fail(`${first.message.replace(/\.$/, '')}${more}.`, `correct ${first.variable ?? 'the value'} in ${where}; chatctl serve refuses to start until then`);
    }
    const config = ctx.config;
    if (!config) return skip('the configuration could not be loaded');
    return ok(
      `all values valid: serve listens on ${config.host}:${config.port}, APP_LOCALE=${config.locale}, uploads up to ${Math.round(config.maxUploadBytes / 1024 / 1024)} MB`,
    );
  },
};

const DRIVER_FIX: Record<string, string> = {
  reverb:
    'chatctl talks to Reverb through its Pusher protocol: set BROADCAST_DRIVER=pusher with PUSHER_HOST/PORT/SCHEME and the REVERB_APP_ID/KEY/SECRET values',
  ably: 'chatctl does not speak Ably; use BROADCAST_DRIVER=embedded (built in) or pusher',
  redis: 'chatctl does not broadcast through Redis; use BROADCAST_DRIVER=embedded (built in) or pusher',
};

export const broadcastDriverCheck: Check = {
  id: 'config.broadcast-driver',
  category: 'config',
  title: 'Broadcasting driver',
  async run(ctx) {
    if (ctx.envFileError) return skip('the env file could not be read');
    const problem = problemFor(ctx, ...DRIVER_VARIABLES);
    const legacy = rawValue(ctx, 'BROADCAST_DRIVER')?.toLowerCase() || undefined;
    const modern = rawValue(ctx, 'BROADCAST_CONNECTION')?.toLowerCase() || undefined;
    if (problem) {
      const value = (problem.variable === 'BROADCAST_DRIVER' ? legacy : modern) ?? '';
      return fail(problem.message, DRIVER_FIX[value] ?? `set ${problem.variable} to one of: ${BROADCAST_DRIVERS.join(', ')} (embedded needs no Pusher account)`);
    }
    const driver = ctx.config?.broadcastDriver ?? 'embedded';
    const source = legacy ? 'BROADCAST_DRIVER' : modern ? 'BROADCAST_CONNECTION' : undefined;
    const undelivered =
      driver === 'log'
        ? 'events are not delivered to clients (they are only written to the log)'
        : driver === 'null'
          ? 'events are not delivered to clients (they are dropped)'
          : undefined;
    const deliverFix = 'set BROADCAST_DRIVER=embedded (the built-in Pusher server, no account needed) or pusher with PUSHER_* credentials';

    if (legacy && modern && legacy !== modern) {
      return warn(
        `BROADCAST_DRIVER=${legacy} and BROADCAST_CONNECTION=${modern} disagree: chatctl and Laravel 10 use ${legacy}, Laravel 11+ uses ${modern}${undelivered ? `; ${undelivered}` : ''}`,
        'give both the same value, or keep only BROADCAST_CONNECTION (the Laravel 11+ name, which chatctl also reads)',
      );
    }
    if (undelivered) return warn(`${source}=${driver}: ${undelivered}`, deliverFix);
    if (legacy && modern) return ok(`${driver} (BROADCAST_DRIVER and BROADCAST_CONNECTION agree)`);
    if (legacy) return ok(`${driver} (from BROADCAST_DRIVER, the Laravel 10 name; Laravel 11+ reads BROADCAST_CONNECTION, chatctl reads both)`);
    if (modern) return ok(`${driver} (from BROADCAST_CONNECTION)`);
    return ok('embedded (default): the built-in Pusher-protocol server, no Pusher account needed');
  },
};

export const dbConnectionCheck: Check = {
  id: 'config.db-connection',
  category: 'config',
  title: 'Database connection',
  async run(ctx) {
    if (ctx.envFileError) return skip('the env file could not be read');
    const problem = problemFor(ctx, 'DB_CONNECTION');
    if (problem) {
      // A Laravel .env names the app's own database (mysql in Laravel 10's stub): not a
      // broadcasting problem, and not chatctl's database. Say so, and let every other check run.
      const connection = rawValue(ctx, 'DB_CONNECTION') ?? '';
      return warn(
        `DB_CONNECTION=${connection} is the Laravel app's database, which chatctl does not use; chatctl serve would refuse this .env as it stands (the Pusher checks below still apply)`,
        'give chatctl its own store when you start it, e.g. DB_CONNECTION=sqlite DB_DATABASE=database/chat.sqlite chatctl serve (the environment wins over .env), or a separate --env-file',
      );
    }
    if (ctx.config?.dbConnection === 'pgsql') return ok('pgsql (see PostgreSQL below)');
    const connection = rawValue(ctx, 'DB_CONNECTION');
    return ok(connection ? connection.toLowerCase() : 'sqlite (default)');
  },
};

export const laravelConfigCacheCheck: Check = {
  id: 'config.laravel-cache',
  category: 'config',
  title: 'Laravel config cache',
  async run(ctx) {
    const cached = join(ctx.cwd, 'bootstrap', 'cache', 'config.php');
    if (existsSync(cached)) return describeConfigCache(ctx, cached);
    if (existsSync(join(ctx.cwd, 'artisan'))) return ok('the Laravel app here does not cache its configuration');
    return skip('no Laravel app in this folder');
  },
};

export const queueCheck: Check = {
  id: 'config.queue',
  category: 'config',
  title: 'Queue connection',
  async run(ctx) {
    const queue = rawValue(ctx, 'QUEUE_CONNECTION');
    if (queue === undefined || queue === '') return skip('QUEUE_CONNECTION is not set');
    if (queue.toLowerCase() === 'sync') return ok('sync: events are broadcast as they happen');
    const note = `QUEUE_CONNECTION=${queue}: chatctl broadcasts synchronously and needs no queue worker`;
    if (existsSync(join(ctx.cwd, 'artisan'))) {
      return warn(
        `${note}, but the Laravel app here queues ShouldBroadcast events, which wait in the queue until a worker runs`,
        'run php artisan queue:work next to the app, or broadcast with ShouldBroadcastNow',
      );
    }
    return ok(note);
  },
};

export const configChecks: readonly Check[] = [envFileCheck, valuesCheck, broadcastDriverCheck, dbConnectionCheck, laravelConfigCacheCheck, queueCheck];

/** The driver `serve` would use, or undefined when it could not be determined (a driver problem). */
export function effectiveDriver(ctx: DoctorContext): string | undefined {
  if (!ctx.config || problemFor(ctx, ...DRIVER_VARIABLES)) return undefined;
  return ctx.config.broadcastDriver;
}

/** How the driver was chosen, for sentences: `BROADCAST_CONNECTION=log`, or `the driver is embedded (default)`. */
export function driverSetting(ctx: DoctorContext): string {
  const driver = effectiveDriver(ctx) ?? '?';
  if (rawValue(ctx, 'BROADCAST_DRIVER')) return `BROADCAST_DRIVER=${driver}`;
  if (rawValue(ctx, 'BROADCAST_CONNECTION')) return `BROADCAST_CONNECTION=${driver}`;
  return `the driver is ${driver} (default)`;
}
