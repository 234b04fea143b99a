// One place that turns DB_CONNECTION into a store: serve, the admin commands and doctor use it.
import type { AppConfig } from '../../config/env.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { DatabaseOpenError } from './sqlite/open.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { ChatStore } from './types.js';

export type StoreConfig = Pick<AppConfig, 'dbConnection' | 'databasePath' | 'synchronous' | 'postgres'>;

/** Opens (and migrates) the configured store; failures are a DatabaseOpenError with one sentence. */
export async function openChatStore(config: StoreConfig): Promise<ChatStore> {
  if (config.dbConnection === 'pgsql') {
    if (!config.postgres) throw new DatabaseOpenError('DB_CONNECTION=pgsql but no PostgreSQL settings were read.');
    return PostgresStore.open(config.postgres);
  }
  return new SqliteStore(config.databasePath, { synchronous: config.synchronous });
}

/** What the ready line and doctor print for the store (never a password). */
export function describeStore(config: StoreConfig): string {
  if (config.dbConnection === 'pgsql' && config.postgres) {
    const p = config.postgres;
    return `postgres://${p.user}@${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}/${p.database}`;
  }
  return config.databasePath;
}
