// PostgreSQL (DB_CONNECTION=pgsql): can chatctl log in, and is the schema this chatctl's?
// Read-only: one connection, two queries; never the password in what it prints.
import pg from 'pg';
import { describeTarget } from '../server/store/postgres/connection.js';
import { currentVersion, PG_SCHEMA_VERSION } from '../server/store/postgres/migrations.js';
import { configUnavailable, type DoctorContext } from './context.js';
import { fail, ok, skip, warn, type Check, type CheckResult } from './types.js';

function notApplicable(ctx: DoctorContext): string | undefined {
  const why = configUnavailable(ctx);
  if (why) return why;
  if (ctx.config?.dbConnection !== 'pgsql') return 'DB_CONNECTION is sqlite';
  return undefined;
}

/** The fix for a connection failure, by PostgreSQL's (or the socket's) error code. */
function fixFor(code: string | undefined, database: string): string {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return 'start PostgreSQL, or point DB_URL (or DB_HOST and DB_PORT) at it';
    case '28P01':
    case '28000':
      return 'check DB_USERNAME and DB_PASSWORD (or the user and password in DB_URL)';
    case '3D000':
      return `create the database (createdb ${database}) or fix DB_DATABASE`;
    default:
      return 'check DB_URL or DB_HOST, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD, DB_SSLMODE';
  }
}

export const postgresCheck: Check = {
  id: 'database.postgres',
  category: 'database',
  title: 'PostgreSQL',
  network: true,
  async run(ctx) {
    const why = notApplicable(ctx);
    if (why) return skip(why);
    const settings = ctx.config!.postgres!;
    const target = describeTarget(settings);
    const client = new pg.Client({
      host: settings.host,
      port: settings.port,
      database: settings.database,
      user: settings.user,
      ...(settings.password !== undefined ? { password: settings.password } : {}),
      ssl: settings.sslmode === 'require' ? { rejectUnauthorized: false } : settings.sslmode.startsWith('verify') ? { rejectUnauthorized: true } : false,
      connectionTimeoutMillis: ctx.timeoutMs,
      application_name: 'chatctl doctor',
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
      const schema = await currentVersion(client);
      return schemaVerdict(target, version.split(' ')[0] ?? version, schema);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = ((error as Error).message || code || 'no answer').replace(/\.$/, '');
      return fail(`cannot use ${target}: ${message}`, fixFor(code, settings.database));
    } finally {
      await client.end().catch(() => undefined);
    }
  },
};

function schemaVerdict(target: string, version: string, schema: number): CheckResult {
  const where = `${target} (PostgreSQL ${version})`;
  if (schema === 0) return ok(`${where}: no chatctl schema yet; chatctl serve creates it (version ${PG_SCHEMA_VERSION})`);
  if (schema > PG_SCHEMA_VERSION) {
    return fail(`${where}: schema version ${schema} is newer than this chatctl (${PG_SCHEMA_VERSION})`, 'upgrade chatctl on every instance to the version that wrote it');
  }
  if (schema < PG_SCHEMA_VERSION) {
    return warn(`${where}: schema version ${schema}, this chatctl has ${PG_SCHEMA_VERSION}`, 'chatctl serve migrates it on start (once, even with several instances starting together)');
  }
  return ok(`${where}, schema version ${schema} (current)`);
}

export const postgresChecks: readonly Check[] = [postgresCheck];
