// Database: the SQLite file can be created or opened, its schema version against this chatctl's
// migrations, and WAL. Nothing is created or written: the file is opened read-only, if it exists.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from '../server/store/sqlite/migrations.js';
import { configUnavailable, plural, problemFor, type DoctorContext } from './context.js';
import { fail, ok, skip, warn, type Check, type CheckResult } from './types.js';

function notApplicable(ctx: DoctorContext): string | undefined {
  if (problemFor(ctx, 'DB_CONNECTION')) return `DB_CONNECTION=${ctx.values.DB_CONNECTION?.trim() ?? '?'} is not chatctl's database (see Configuration)`;
  if (ctx.config?.dbConnection === 'pgsql') return 'DB_CONNECTION=pgsql (see PostgreSQL)';
  return configUnavailable(ctx);
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The nearest folder that exists on the way up to `path`. */
export function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return current;
}

/** Can `serve` create `path` (and its folders)? A sentence when not, undefined when it can. */
export function cannotCreate(path: string): string | undefined {
  const ancestor = nearestExisting(path);
  if (!statSync(ancestor).isDirectory()) return `${ancestor} is a file, so ${path} cannot be created`;
  if (!writable(ancestor)) return `${ancestor} is not writable by this user, so ${path} cannot be created`;
  return undefined;
}

export const databaseFileCheck: Check = {
  id: 'database.file',
  category: 'database',
  title: 'Database file',
  async run(ctx) {
    const why = notApplicable(ctx);
    if (why) return skip(why);
    const path = ctx.config!.databasePath;
    const fix = 'set DB_DATABASE (or --db) to a file in a folder this user can write, e.g. database/chat.sqlite';
    if (!existsSync(path)) {
      const problem = cannotCreate(path);
      if (problem) return fail(problem, fix);
      return ok(`${path} does not exist yet: chatctl serve creates it (the folder is writable)`);
    }
    const stat = statSync(path);
    if (stat.isDirectory()) return fail(`${path} is a folder, not a database file`, fix);
    if (!writable(path)) return fail(`${path} is not writable by this user`, `chmod u+rw ${path}, or ${fix}`);
    if (!writable(dirname(path))) {
      return fail(`the folder ${dirname(path)} is not writable, so SQLite cannot create the -wal file beside ${path}`, `chmod u+w ${dirname(path)}`);
    }
    return ok(`${path} (${formatBytes(stat.size)})`);
  },
};

interface Inspection {
  error?: string;
  tables: string[];
  version?: number;
  journalMode?: string;
  users?: number;
}

/** Opens the file read-only once for the checks below. */
function inspect(ctx: DoctorContext): Promise<Inspection> {
  return ctx.memo('database.inspect', async () => {
    const path = ctx.config!.databasePath;
    const { default: Database } = await import('better-sqlite3');
    let db;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
    } catch (error) {
      return { error: `cannot open ${path}: ${(error as Error).message}`, tables: [] };
    }
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      const journalMode = String(db.pragma('journal_mode', { simple: true }));
      const version = tables.includes('schema_migrations')
        ? (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
        : undefined;
      const users = tables.includes('users') && version !== undefined ? (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n : undefined;
      return { tables, journalMode, ...(version !== undefined ? { version } : {}), ...(users !== undefined ? { users } : {}) };
    } catch (error) {
      const message = (error as Error).message;
      return { error: /not a database|file is encrypted/i.test(message) ? `${path} is not a SQLite database` : `cannot read ${path}: ${message}`, tables: [] };
    } finally {
      db.close();
    }
  });
}

function needsFile(ctx: DoctorContext): string | undefined {
  const why = notApplicable(ctx);
  if (why) return why;
  const path = ctx.config!.databasePath;
  if (!existsSync(path)) return 'the database does not exist yet';
  if (statSync(path).isDirectory()) return 'the database path is a folder';
  return undefined;
}

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export const schemaCheck: Check = {
  id: 'database.schema',
  category: 'database',
  title: 'Schema version',
  async run(ctx): Promise<CheckResult> {
    const why = needsFile(ctx);
    if (why) return skip(why);
    const found = await inspect(ctx);
    const separate = 'point DB_DATABASE at a file of its own, e.g. database/chat.sqlite (chatctl does not share a Laravel database)';
    if (found.error) return fail(found.error, separate);
    const latest = LATEST_SCHEMA_VERSION;
    if (found.version === undefined) {
      if (found.tables.length === 0) return ok('empty database: chatctl serve creates the schema');
      const laravel = found.tables.includes('migrations') ? ' (it looks like a Laravel database)' : '';
      return fail(`not a chatctl database${laravel}: it has tables (${found.tables.slice(0, 4).join(', ')}) but no schema_migrations`, separate);
    }
    if (found.version > latest) {
      return fail(`schema version ${found.version} is newer than this chatctl knows (${latest})`, 'upgrade chatctl (npm install chatctl@latest), or point DB_DATABASE at another file');
    }
    const users = found.users !== undefined ? `, ${plural(found.users, 'user')}` : '';
    if (found.version < latest) return ok(`schema version ${found.version}: chatctl serve migrates it to ${latest} on start${users}`);
    return ok(`schema version ${found.version} (latest)${users}`);
  },
};

export const walCheck: Check = {
  id: 'database.wal',
  category: 'database',
  title: 'Journal mode',
  async run(ctx) {
    const why = needsFile(ctx);
    if (why) return skip(why);
    const found = await inspect(ctx);
    if (found.error) return skip('the database could not be read');
    const sync = `synchronous ${ctx.config!.synchronous}${ctx.config!.synchronous === 'NORMAL' ? ' (a power loss may drop the last acknowledged messages)' : ''}`;
    if (found.journalMode?.toLowerCase() === 'wal') return ok(`WAL, ${sync}`);
    return warn(
      `journal mode is ${found.journalMode ?? 'unknown'}, not WAL: readers and the writer block each other`,
      'chatctl serve switches the file to WAL when it opens it; if it stays this way, check the folder allows the -wal and -shm files',
    );
  },
};

export const databaseChecks: readonly Check[] = [databaseFileCheck, schemaCheck, walCheck];
