// The work of one send, counted on a real server: the SQL statements a POST runs are a small
// constant (no read-back queries, no COUNT), the same with 0 or 3,000 unread; each event payload
// is serialised once; the history page before_id seeks instead of walking the index.
import { afterEach, describe, expect, it } from 'vitest';
import type { Statement } from 'better-sqlite3';
import { api, registerUser, startConversation, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Counts every statement execution (and its SQL) on the store's connection from now on. */
function countStatements(s: TestServer): { executed: string[] } {
  const log = { executed: [] as string[] };
  const db = s.store.db;
  const prepare = db.prepare.bind(db);
  db.prepare = ((source: string) => {
    const statement = prepare(source) as Statement;
    for (const method of ['run', 'get', 'all', 'iterate'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        log.executed.push(source.replace(/\s+/g, ' ').trim());
        return original(...args);
      };
    }
    return statement;
  }) as typeof db.prepare;
  return log;
}

describe('cost of one send', () => {
  it('runs the same small number of statements whatever the unread backlog, none of them a COUNT', async () => {
    server = await startTestServer({ BROADCAST_DRIVER: 'null' });
    const log = countStatements(server); // before any request: every statement used below is counted
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    const send = async (message: string, headers: Record<string, string> = {}) => {
      log.executed.length = 0;
      const res = await api(server!, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: ann.token, json: { message }, headers });
      expect(res.status).toBe(201);
      return [...log.executed];
    };
    await send('warm-up');
    const first = await send('first');
    // Build a 3,000-message unread backlog for Bob straight in the table, then recount it.
    const db = server.store.db;
    const insert = db.prepare("INSERT INTO messages (conversation_id, sender_id, type, body, created_at) VALUES (?, ?, 'text', 'x', '2026-01-01T00:00:00.000Z')");
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(conversationId, ann.id);
    })();
    db.prepare('UPDATE participants SET unread_count = unread_count + 3000 WHERE conversation_id = ? AND user_id = ?').run(conversationId, bob.id);
    const behind = await send('behind');
    expect(behind).toEqual(first);
    // auth (token, user), participants check, then insert, conversation, participants, list rows.
    expect(first.length).toBeLessThanOrEqual(7);
    expect(first.join('\n')).not.toMatch(/COUNT\s*\(/i);
    const withKey = await send('keyed', { 'idempotency-key': 'k-1' });
    expect(withKey.length).toBe(first.length + 2);
    const list = await api(server, 'GET', '/api/chat/conversations', { token: bob.token });
    expect(list.body.data[0].unread_count).toBe(3004);
  });

  it('serialises each event payload once per publish, not once per subscriber', async () => {
    server = await startTestServer();
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    const stringify = JSON.stringify;
    const payloads: string[] = [];
    JSON.stringify = ((value: unknown, ...rest: unknown[]) => {
      const text = (stringify as (...a: unknown[]) => string)(value, ...rest);
      if (typeof text === 'string' && text.includes('"sender_id"') && text.includes('marker-42') && !text.includes('"status"')) payloads.push(text);
      return text;
    }) as typeof JSON.stringify;
    try {
      const res = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: ann.token, json: { message: 'marker-42' } });
      expect(res.status).toBe(201);
    } finally {
      JSON.stringify = stringify;
    }
    // message.sent once, conversation.updated once per participant (different payloads).
    expect(payloads.filter((p) => p.includes('"conversation_id"') && p.includes('"sender"') && !p.includes('unread_count'))).toHaveLength(1);
    expect(payloads.filter((p) => p.includes('unread_count'))).toHaveLength(2);
  });

  it('plans the deep history page as an index seek to before_id', async () => {
    server = await startTestServer({ BROADCAST_DRIVER: 'null' });
    const log = countStatements(server);
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    log.executed.length = 0;
    const res = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages?limit=50&before_id=1000`, { token: ann.token });
    expect(res.status).toBe(200);
    const page = log.executed.find((sql) => sql.includes('m.id < @beforeId'));
    expect(page).toBeDefined();
    const plan = server.store.db.prepare(`EXPLAIN QUERY PLAN ${page}`).all({ conversationId, beforeId: 1000, limit: 50 }) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/messages_by_conversation \(conversation_id=\? AND (id|rowid)<\?\)/);
  });
});
