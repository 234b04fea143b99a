// PostgreSQL-only: migrations once under concurrent start-up, a newer schema refused, connection
// failures as one sentence without the password.
import { afterEach, describe, expect, it } from 'vitest';
import { postgresSettings } from '../../src/config/connections.js';
import { DatabaseOpenError, PostgresStore } from '../../src/server/store/index.js';
import { PG_MIGRATIONS } from '../../src/server/store/postgres/migrations.js';
import { closedPort } from '../helpers/net.js';
import { createTestDatabase } from '../helpers/services.js';

describe('PostgresStore', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('migrates once when several instances start together', async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const settings = postgresSettings({ DB_URL: database.url });
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(settings)));
    cleanup.push(async () => {
      for (const s of stores) await s.close();
    });
    const { rows } = await stores[0]!.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version })));
    // Types as SQLite's: a BIGINT count is a number.
    expect((await stores[0]!.pool.query('SELECT COUNT(*) AS n FROM users')).rows).toEqual([{ n: 0 }]);
  });

  it('refuses a database written by a newer chatctl', async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const settings = postgresSettings({ DB_URL: database.url });
    const store = await PostgresStore.open(settings);
    await store.pool.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', now())");
    await store.close();
    const opening = PostgresStore.open(settings);
    await expect(opening).rejects.toBeInstanceOf(DatabaseOpenError);
    await expect(opening).rejects.toThrow(/the database schema is version 999, newer than this chatctl \(\d+\); upgrade chatctl\.$/);
  });

  it('says in one sentence why it cannot connect, never showing the password', async () => {
    const port = await closedPort();
    const refused = PostgresStore.open(postgresSettings({ DB_URL: `postgres://app:hunter22@127.0.0.1:${port}/chat` }));
    await expect(refused).rejects.toThrow(
      `Cannot connect to PostgreSQL at app@127.0.0.1:${port}/chat: nothing is listening there (is PostgreSQL running? check DB_HOST and DB_PORT).`,
    );
    const admin = new URL(process.env.CHATCTL_TEST_PG_URL ?? '');
    const missing = PostgresStore.open(postgresSettings({ DB_URL: `postgres://postgres:hunter22@127.0.0.1:${admin.port}/no_such_db` }));
    await expect(missing).rejects.toThrow(`PostgreSQL at postgres@127.0.0.1:${admin.port}/no_such_db: database "no_such_db" does not exist (create it, e.g. createdb no_such_db, or fix DB_DATABASE).`);
    await missing.catch((error: Error) => expect(error.message).not.toContain('hunter22'));
  });

  it('stays usable after a failed send (the pooled client is returned clean)', async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const store = await PostgresStore.open(postgresSettings({ DB_URL: database.url }));
    cleanup.push(() => store.close());
    const a = await store.createUser({ name: 'A', email: 'a@example.com', passwordHash: 'x' });
    // A message into a conversation that does not exist fails inside the transaction.
    await expect(store.sendMessage({ conversationId: 42, senderId: a.id, type: 'text', body: 'x', attachment: null })).rejects.toThrow('conversation 42 has no participant');
    expect((await store.findUserById(a.id))?.name).toBe('A');
  });
});
