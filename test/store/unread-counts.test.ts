// Stored unread counters (migration 3) against a recount of the history: random send/read
// sequences (fast-check, seeded), the migration's fill of an existing database, and the list
// reading the counters instead of counting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/server/store/index.js';
import { MIGRATIONS } from '../../src/server/store/sqlite/migrations.js';

/** The pre-migration-3 definition: messages from the other participant after my watermark. */
const RECOUNT = `
  SELECT me.conversation_id, me.user_id, me.unread_count AS stored,
         (SELECT COUNT(*) FROM messages x
           WHERE x.conversation_id = me.conversation_id AND x.sender_id = other.user_id
             AND x.id > me.last_read_message_id) AS counted
    FROM participants me
    JOIN participants other ON other.conversation_id = me.conversation_id AND other.user_id != me.user_id
   ORDER BY me.conversation_id, me.user_id`;

type Row = { conversation_id: number; user_id: number; stored: number; counted: number };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatctl-unread-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

// An operation: who (0..2 of three users) does what in which of the three pair conversations.
const operation = fc.record({
  kind: fc.constantFrom('send', 'send', 'send', 'read', 'list'),
  conversation: fc.integer({ min: 0, max: 2 }),
  side: fc.integer({ min: 0, max: 1 }),
  concurrent: fc.integer({ min: 1, max: 4 }),
});

describe('stored unread counters', () => {
  it('always equal a recount of the history over random send/read sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 60 }), async (operations) => {
        const store = new SqliteStore(join(dir, `property-${run++}.sqlite`), { synchronous: 'NORMAL' });
        try {
          const users = [];
          for (const name of ['A', 'B', 'C']) users.push(await store.createUser({ name, email: `${name}-${run}@x.test`, passwordHash: 'x' }));
          const pairs = [
            [users[0]!, users[1]!],
            [users[1]!, users[2]!],
            [users[0]!, users[2]!],
          ] as const;
          const conversations = [];
          for (const [a, b] of pairs) conversations.push((await store.findOrCreateConversation(a.id, b.id)).conversationId);
          // The model: unread per (conversation, user).
          const model = new Map<string, number>();
          const key = (c: number, u: number) => `${c}:${u}`;
          for (const op of operations) {
            const conversationId = conversations[op.conversation]!;
            const [me, other] = op.side === 0 ? pairs[op.conversation]! : [...pairs[op.conversation]!].reverse();
            if (op.kind === 'send') {
              // Several at once land in one group-committed batch.
              await Promise.all(
                Array.from({ length: op.concurrent }, (_, i) =>
                  store.sendMessage({ conversationId, senderId: me!.id, type: 'text', body: `m${i}`, attachment: null }),
                ),
              );
              model.set(key(conversationId, me!.id), 0);
              model.set(key(conversationId, other!.id), (model.get(key(conversationId, other!.id)) ?? 0) + op.concurrent);
            } else if (op.kind === 'read') {
              await store.markRead(conversationId, me!.id);
              model.set(key(conversationId, me!.id), 0);
            } else {
              const list = await store.listConversations(me!.id);
              for (const row of list) expect(row.unreadCount).toBe(model.get(key(row.id, me!.id)) ?? 0);
            }
          }
          const rows = store.db.prepare(RECOUNT).all() as Row[];
          expect(rows).toHaveLength(6);
          for (const row of rows) {
            expect(row.stored).toBe(row.counted);
            expect(row.stored).toBe(model.get(key(row.conversation_id, row.user_id)) ?? 0);
            expect(await store.unreadCount(row.conversation_id, row.user_id)).toBe(row.counted);
            expect((await store.getConversationSummary(row.conversation_id, row.user_id))?.unreadCount).toBe(row.counted);
          }
        } finally {
          await store.close();
        }
      }),
      { seed: 20260125, numRuns: 40 },
    );
  }, 120_000);

  it('migration 3 fills the counters of an existing database from its history', async () => {
    const path = join(dir, 'old.sqlite');
    const old = new Database(path);
    old.exec(MIGRATIONS.find((m) => m.version === 1)!.sql);
    old.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
      INSERT INTO schema_migrations VALUES (1, 'v1', '2026-01-01T00:00:00Z');
      INSERT INTO users (id, name, email, password_hash, created_at, updated_at) VALUES
        (1, 'A', 'a@x.test', 'x', 't', 't'), (2, 'B', 'b@x.test', 'x', 't', 't'), (3, 'C', 'c@x.test', 'x', 't', 't');
      INSERT INTO conversations (id, user_low_id, user_high_id, created_at, updated_at) VALUES (1, 1, 2, 't', 't'), (2, 2, 3, 't', 't');
      INSERT INTO participants (conversation_id, user_id, last_read_message_id) VALUES (1, 1, 3), (1, 2, 0), (2, 2, 0), (2, 3, 5);`);
    // Conversation 1: A sends 1, 2, 4, B sends 3 and 6; A read up to 3. Conversation 2: C sends 5, 7.
    const insert = old.prepare("INSERT INTO messages (id, conversation_id, sender_id, type, body, created_at) VALUES (?, ?, ?, 'text', 'x', 't')");
    for (const [id, c, s] of [[1, 1, 1], [2, 1, 1], [3, 1, 2], [4, 1, 1], [5, 2, 3], [6, 1, 2], [7, 2, 3]]) insert.run(id, c, s);
    old.exec('UPDATE conversations SET last_message_id = (SELECT MAX(id) FROM messages m WHERE m.conversation_id = conversations.id)');
    old.close();

    const store = new SqliteStore(path);
    try {
      const rows = store.db.prepare(RECOUNT).all() as Row[];
      expect(rows.map((r) => [r.conversation_id, r.user_id, r.stored])).toEqual([
        [1, 1, 1], // B's 6 after A's watermark 3
        [1, 2, 3], // A's 1, 2, 4
        [2, 2, 2], // C's 5, 7
        [2, 3, 0],
      ]);
      for (const row of rows) expect(row.stored).toBe(row.counted);
      expect((await store.listConversations(2)).map((c) => [c.id, c.unreadCount])).toEqual([
        [2, 2],
        [1, 3],
      ]);
    } finally {
      await store.close();
    }
  });

  it('lists conversations with one statement that counts nothing', async () => {
    const store = new SqliteStore(join(dir, 'plan.sqlite'));
    try {
      const statements: string[] = [];
      const prepare = store.db.prepare.bind(store.db);
      store.db.prepare = ((source: string) => {
        statements.push(source);
        return prepare(source);
      }) as typeof store.db.prepare;
      const a = await store.createUser({ name: 'A', email: 'a@plan.test', passwordHash: 'x' });
      for (let i = 0; i < 5; i++) {
        const other = await store.createUser({ name: `O${i}`, email: `o${i}@plan.test`, passwordHash: 'x' });
        await store.findOrCreateConversation(a.id, other.id);
      }
      statements.length = 0;
      expect(await store.listConversations(a.id)).toHaveLength(5);
      await store.listConversations(a.id);
      // One statement, prepared once and reused; no COUNT over messages in it.
      expect(statements).toHaveLength(1);
      expect(statements[0]).not.toMatch(/COUNT\s*\(/i);
      const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${statements[0]}`).all({ userId: a.id }) as { detail: string }[];
      expect(plan.map((p) => p.detail).join('; ')).not.toMatch(/SCAN (x|messages)\b/);
    } finally {
      await store.close();
    }
  });
});
