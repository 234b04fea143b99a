// SQLite-only properties of the store on a real file: pragmas, versioned migrations, index-only hot
// queries, hashes at rest. The behaviour both stores share is in store-behaviour.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/index.js';
import { MIGRATIONS } from '../../src/server/store/sqlite/migrations.js';

describe('SqliteStore', () => {
  let dir: string;
  let path: string;
  let store: SqliteStore;
  let clock = new Date('2026-01-25T10:00:00.000Z');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chatctl-store-'));
    path = join(dir, 'nested', 'chat.sqlite');
    clock = new Date('2026-01-25T10:00:00.000Z');
    store = new SqliteStore(path, { now: () => clock });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its folder and runs with WAL, foreign keys, FULL sync and a busy timeout', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('records migrations once and does not re-run them on reopen', async () => {
    const versions = () => store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    await store.close();
    store = new SqliteStore(path);
    expect(versions()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
  });

  it('refuses a database written by a newer chatctl', async () => {
    store.db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    await store.close();
    expect(() => new SqliteStore(path)).toThrow(/schema is version 999, newer than this chatctl/);
    store = new SqliteStore(join(dir, 'other.sqlite'));
  });

  it('stores tokens only as SHA-256 and accepts only the exact live token', async () => {
    const user = await store.createUser({ name: 'A', email: 'a@example.com', passwordHash: 'x' });
    const { token, plainText } = await store.createToken(user.id, 'cli');
    const [id, secret] = plainText.split('|');
    expect(Number(id)).toBe(token.id);
    const row = store.db.prepare('SELECT token_hash FROM personal_access_tokens WHERE id = ?').get(token.id) as { token_hash: string };
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(store.db.prepare('SELECT * FROM personal_access_tokens').all())).not.toContain(secret);
    expect((await store.authenticateToken(plainText))?.user.id).toBe(user.id);
    // One character changed (never to itself: a secret may already end in x).
    const wrongLast = secret?.endsWith('x') ? 'y' : 'x';
    expect(await store.authenticateToken(`${id}|${secret?.slice(0, -1)}${wrongLast}`)).toBeNull();
    expect(await store.authenticateToken(`999|${secret}`)).toBeNull();
    expect(await store.revokeToken(token.id)).toBe(true);
    expect(await store.authenticateToken(plainText)).toBeNull();
  });

  it('answers paging and unread counts from indexes alone', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail).join('; ');
    expect(plan('SELECT COUNT(*) FROM messages x WHERE x.conversation_id = ? AND x.sender_id = ? AND x.id > ?', 1, 2, 0)).toBe(
      'SEARCH x USING COVERING INDEX messages_unread (conversation_id=? AND sender_id=? AND id>?)',
    );
    expect(plan('SELECT id FROM messages m WHERE m.conversation_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT 50', 1, 100)).toBe(
      'SEARCH m USING COVERING INDEX messages_by_conversation (conversation_id=? AND id<?)',
    );
  });

});
