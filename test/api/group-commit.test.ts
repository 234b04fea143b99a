// Group commit seen over real HTTP: concurrent sends are each acknowledged with their own stored
// message and delivered once to pusher-js; retries with one Idempotency-Key inside one batch
// store one message; a database locked by another process answers 503 (nothing stored), not 500.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { historyOf, rowOf } from '../helpers/flows.js';
import { collect, connected, pusherClient, realtimeConfig, subscribed, waitFor } from '../helpers/realtime.js';
import { api, registerUser, startConversation, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const send = (s: TestServer, token: string, conversationId: number, message: string, headers: Record<string, string> = {}) =>
  api(s, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token, json: { message }, headers });

describe('group commit over HTTP', () => {
  it('acknowledges 40 concurrent sends each with its own message, delivered once each, counted once each', async () => {
    server = await startTestServer();
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    const client = pusherClient(await realtimeConfig(server), bob.token);
    try {
      await connected(client);
      const events = collect(await subscribed(client, `private-conversation.${conversationId}`), 'message.sent');
      const bodies = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
      const replies = await Promise.all(bodies.map((body) => send(server!, ann.token, conversationId, body)));
      expect(replies.map((r) => r.status)).toEqual(bodies.map(() => 201));
      expect(replies.map((r) => r.body.data.message)).toEqual(bodies);
      expect(new Set(replies.map((r) => r.body.data.id)).size).toBe(40);
      await waitFor(events, 40, 10_000);
      expect(events.map((e) => e.id).sort((x, y) => x - y)).toEqual(replies.map((r) => r.body.data.id).sort((x, y) => x - y));
      expect((await rowOf(server, bob, conversationId)).unread_count).toBe(40);
      expect((await rowOf(server, ann, conversationId)).unread_count).toBe(0);
    } finally {
      client.disconnect();
    }
  }, 30_000);

  it('stores one message for simultaneous retries with one Idempotency-Key; the others replay it', async () => {
    server = await startTestServer();
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => send(server!, ann.token, conversationId, 'only once', { 'idempotency-key': 'retry-7' })),
    );
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(replies.map((r) => r.body.data.id)).size).toBe(1);
    expect(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    const mismatch = await send(server, ann.token, conversationId, 'another text', { 'idempotency-key': 'retry-7' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.status).toBe(false);
    expect((await historyOf(server, bob, conversationId)).map((m: { message: string }) => m.message)).toEqual(['only once']);
  });

  it('answers 503 with Retry-After (nothing stored) while another process holds the write lock, then 201', async () => {
    server = await startTestServer();
    const ann = await registerUser(server, 'Ann');
    const bob = await registerUser(server, 'Bob');
    const conversationId = await startConversation(server, ann, bob);
    server.store.db.pragma('busy_timeout = 100');
    const other = new Database(server.config.databasePath);
    try {
      other.exec('BEGIN IMMEDIATE');
      const locked = await Promise.all([send(server, ann.token, conversationId, 'a'), send(server, ann.token, conversationId, 'b')]);
      for (const res of locked) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(res.body).toEqual({ status: false, message: 'Server Error' });
      }
      other.exec('ROLLBACK');
      const ok = await send(server, ann.token, conversationId, 'after');
      expect(ok.status).toBe(201);
      expect((await historyOf(server, bob, conversationId)).map((m: { message: string }) => m.message)).toEqual(['after']);
    } finally {
      other.close();
    }
  });
});
