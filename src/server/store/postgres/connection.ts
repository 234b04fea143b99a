// A pg Pool for chatctl: integers as numbers, times as the same ISO strings SQLite stores,
// transactions that retry on deadlock/serialization failures, and one sentence when it cannot connect.
import pg from 'pg';
import type { PostgresSettings } from '../../../config/env.js';
import { DatabaseOpenError } from '../sqlite/open.js';

/** A DatabaseOpenError, so serve and the admin commands print it as one sentence. */
export class PostgresOpenError extends DatabaseOpenError {}

const INT8 = 20;
const TIMESTAMPTZ = 1184;
const defaultTimestamp = pg.types.getTypeParser(TIMESTAMPTZ) as (value: string) => Date;

/** BIGINT (ids, COUNT) as numbers; timestamptz as `2026-01-25T10:00:00.000Z`, exactly SqliteStore's strings. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (value: string) => Number(value);
    if (oid === TIMESTAMPTZ) return (value: string) => defaultTimestamp(value).toISOString();
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

function sslOption(mode: PostgresSettings['sslmode']): pg.PoolConfig['ssl'] {
  switch (mode) {
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      // node-postgres cannot negotiate: prefer/allow connect without TLS, like an unencrypted server answers.
      return false;
  }
}

/** `user@host:port/database` for messages: never the password. */
export function describeTarget(settings: PostgresSettings): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  return `${settings.user}@${host}:${settings.port}/${settings.database}`;
}

export function createPool(settings: PostgresSettings, max = 10): pg.Pool {
  const pool = new pg.Pool({
    host: settings.host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    ssl: sslOption(settings.sslmode),
    max,
    types,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'chatctl',
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Turns a connection failure into one sentence naming the target and the cause. */
export function openError(settings: PostgresSettings, error: unknown): PostgresOpenError {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  const target = describeTarget(settings);
  if (code === 'ECONNREFUSED') return new PostgresOpenError(`Cannot connect to PostgreSQL at ${target}: nothing is listening there (is PostgreSQL running? check DB_HOST and DB_PORT).`);
  if (code === '28P01' || code === '28000') return new PostgresOpenError(`PostgreSQL at ${target} refused the login: ${message} (check DB_USERNAME and DB_PASSWORD).`);
  if (code === '3D000') return new PostgresOpenError(`PostgreSQL at ${target}: ${message} (create it, e.g. createdb ${settings.database}, or fix DB_DATABASE).`);
  return new PostgresOpenError(`Cannot use PostgreSQL at ${target}: ${message.replace(/\.$/, '')}.`);
}

const RETRYABLE = new Set(['40001', '40P01']);

/** BEGIN … COMMIT on one pooled client; retried a few times on deadlock or serialization failure. */
export async function transaction<T>(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await run(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < 5 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}
