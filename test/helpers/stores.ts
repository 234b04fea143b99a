// The two ChatStore implementations side by side, so one behaviour suite runs against both.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresSettings } from '../../src/config/connections.js';
import { PostgresStore, SqliteStore, type ChatStore } from '../../src/server/store/index.js';
import { createTestDatabase } from './services.js';

export interface StoreUnderTest {
  store: ChatStore & { pruneIdempotencyKeys(): number | Promise<number> };
  /** Another store on the same data (a second instance), for concurrency tests. */
  another(): Promise<ChatStore>;
  dispose(): Promise<void>;
}

export type StoreKind = 'sqlite' | 'pgsql';

export async function openStoreUnderTest(kind: StoreKind, now?: () => Date): Promise<StoreUnderTest> {
  const extra: ChatStore[] = [];
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'chatctl-store-'));
    const path = join(dir, 'chat.sqlite');
    const store = new SqliteStore(path, { now });
    return {
      store,
      async another() {
        const s = new SqliteStore(path, { now });
        extra.push(s);
        return s;
      },
      async dispose() {
        for (const s of extra) await s.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  const settings = postgresSettings({ DB_URL: database.url });
  const store = await PostgresStore.open(settings, { now });
  return {
    store,
    async another() {
      const s = await PostgresStore.open(settings, { now });
      extra.push(s);
      return s;
    },
    async dispose() {
      for (const s of extra) await s.close();
      await store.close();
      await database.drop();
    },
  };
}
