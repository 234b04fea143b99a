// Group commit in SqliteStore.sendMessage on a real file: concurrent sends share one transaction,
// each resolves only once another connection can read it (committed), a bad message fails alone,
// a failed batch fails only its own sends, and idempotency keys work inside a batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore, StoreBusyError, type NewMessage } from '../../src/server/store/index.js';

let dir: string;
let path: string;
let store: SqliteStore;
let batches: number[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chatctl-group-'));
  path = join(dir, 'chat.sqlite');
  batches = [];
  store = new SqliteStore(path, { groupCommit: { onCommit: (size) => batches.push(size) } });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pair() {
  const a = await store.createUser({ name: 'A', email: 'a@group.test', passwordHash: 'x' });
  const b = await store.createUser({ name: 'B', email: 'b@group.test', passwordHash: 'x' });
  const { conversationId } = await store.findOrCreateConversation(a.id, b.id);
  return { a, b, conversationId };
}

const text = (conversationId: number, senderId: number, body: string, idempotency?: NewMessage['idempotency']): NewMessage => ({
  conversationId,
  senderId,
  type: 'text',
  body,
  attachment: null,
  idempotency,
});

describe('group commit', () => {
  it('writes sends that arrive together in one transaction, each resolved only after its commit', async () => {
    const { a, b, conversationId } = await pair();
    const reader = new Database(path, { readonly: true });
    try {
      const visible = reader.prepare('SELECT body FROM messages WHERE id = ?');
      const sends = Array.from({ length: 20 }, (_, i) =>
        store.sendMessage(text(conversationId, i % 2 ? a.id : b.id, `m${i}`)).then((result) => {
          // Another connection sees it the moment the promise resolves: it is committed.
          expect(result.kind).toBe('created');
          const id = result.kind === 'created' ? result.message.id : 0;
          expect(visible.get(id)).toEqual({ body: `m${i}` });
          return id;
        }),
      );
      // Nothing is visible (or resolved) before the batch's commit.
      expect(reader.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 0 });
      const ids = await Promise.all(sends);
      expect(batches).toEqual([20]);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
      expect(new Set(ids).size).toBe(20);
      // A later send is its own batch.
      await store.sendMessage(text(conversationId, a.id, 'later'));
      expect(batches).toEqual([20, 1]);
    } finally {
      reader.close();
    }
  });

  it('returns the message and both list rows as a read-back would show them', async () => {
    const { a, b, conversationId } = await pair();
    await store.sendMessage(text(conversationId, b.id, 'first'));
    const result = await store.sendMessage(text(conversationId, a.id, 'hello'));
    if (result.kind !== 'created') throw new Error(result.kind);
    expect(result.message).toEqual(await store.getMessage(result.message.id));
    expect(result.summaries).toEqual([
      { userId: a.id, summary: await store.getConversationSummary(conversationId, a.id) },
      { userId: b.id, summary: await store.getConversationSummary(conversationId, b.id) },
    ]);
    expect(result.summaries?.map((s) => s.summary.unreadCount)).toEqual([0, 1]);
  });

  it('fails only the bad message of a batch; the others are stored and counted', async () => {
    const { a, b, conversationId } = await pair();
    const outsider = await store.createUser({ name: 'C', email: 'c@group.test', passwordHash: 'x' });
    const results = await Promise.allSettled([
      store.sendMessage(text(conversationId, a.id, 'ok 1')),
      store.sendMessage(text(conversationId, 999, 'from nobody')), // FOREIGN KEY failure inside the savepoint
      store.sendMessage(text(conversationId, outsider.id, 'not a participant')), // thrown after two writes: rolled back
      store.sendMessage(text(conversationId, a.id, 'ok 2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' });
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/user \d+ is not in conversation \d+/);
    expect(batches).toEqual([4]);
    const bodies = (await store.listMessages(conversationId, { limit: 10 })).map((m) => m.body);
    expect(bodies).toEqual(['ok 1', 'ok 2']);
    expect(await store.unreadCount(conversationId, b.id)).toBe(2);
    expect(await store.unreadCount(conversationId, a.id)).toBe(0);
    const conversation = store.db.prepare('SELECT last_message_id FROM conversations WHERE id = ?').get(conversationId) as { last_message_id: number };
    expect(conversation.last_message_id).toBe(Math.max(...(await store.listMessages(conversationId, { limit: 10 })).map((m) => m.id)));
  });

  it('fails a whole batch that cannot commit (database locked), and only that batch', async () => {
    const { a, conversationId } = await pair();
    store.db.pragma('busy_timeout = 50');
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
      const locked = await Promise.allSettled([
        store.sendMessage(text(conversationId, a.id, 'x')),
        store.sendMessage(text(conversationId, a.id, 'y')),
      ]);
      expect(locked.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      for (const r of locked) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(StoreBusyError);
      other.exec('ROLLBACK');
      const next = await store.sendMessage(text(conversationId, a.id, 'after the lock'));
      expect(next.kind).toBe('created');
      expect((await store.listMessages(conversationId, { limit: 10 })).map((m) => m.body)).toEqual(['after the lock']);
      expect(batches).toEqual([1]);
    } finally {
      other.close();
    }
  });

  it('stores one message for two sends with the same idempotency key in one batch; the second replays', async () => {
    const { a, conversationId } = await pair();
    const key = { key: 'retry-1', requestHash: 'h1' };
    const [first, second, mismatch] = await Promise.all([
      store.sendMessage(text(conversationId, a.id, 'once', key)),
      store.sendMessage(text(conversationId, a.id, 'once', key)),
      store.sendMessage(text(conversationId, a.id, 'other body', { key: 'retry-1', requestHash: 'h2' })),
    ]);
    expect(batches).toEqual([3]);
    expect(first.kind).toBe('created');
    expect(second.kind).toBe('replayed');
    expect(mismatch).toEqual({ kind: 'key-reused-with-different-request' });
    if (first.kind === 'key-reused-with-different-request' || second.kind === 'key-reused-with-different-request') throw new Error('unexpected');
    expect(second.message.id).toBe(first.message.id);
    expect((await store.listMessages(conversationId, { limit: 10 })).map((m) => m.body)).toEqual(['once']);
  });

  it('a send whose savepoint failed does not keep its idempotency key: a retry in the next batch stores it', async () => {
    const { a, conversationId } = await pair();
    const key = { key: 'k', requestHash: 'h' };
    const [bad] = await Promise.allSettled([store.sendMessage(text(conversationId + 100, a.id, 'lost', key))]);
    expect(bad?.status).toBe('rejected');
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM idempotency_keys').get()).toEqual({ n: 0 });
    expect((await store.sendMessage(text(conversationId, a.id, 'lost', key))).kind).toBe('created');
  });

  it('commits sends still queued when the store closes', async () => {
    const { a, conversationId } = await pair();
    const pending = store.sendMessage(text(conversationId, a.id, 'just before close'));
    await store.close();
    expect((await pending).kind).toBe('created');
    store = new SqliteStore(path);
    expect((await store.listMessages(conversationId, { limit: 5 })).map((m) => m.body)).toEqual(['just before close']);
  });

  it('keeps synchronous=FULL by default', () => {
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
