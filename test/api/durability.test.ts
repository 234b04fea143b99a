// Durability: every message acknowledged with a 201 is still there after a restart (clean stop)
// and after a crash (SIGKILL of a server process mid-traffic); tokens, idempotency keys and the
// embedded Pusher app key survive too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startChildServer, type ChildServer } from '../helpers/child-server.js';
import { conversationsOf, historyOf, registerAs } from '../helpers/flows.js';
import { api, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const dirs: string[] = [];
const running: TestServer[] = [];
const children: ChildServer[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-durable-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string): Promise<TestServer> {
  const server = await startTestServer({}, { dir });
  running.push(server);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  await server.stop();
  running.splice(running.indexOf(server), 1);
}

afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  for (const child of children.splice(0)) await child.crash();
});
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const send = (server: { url: string }, user: TestUser, conversationId: number, message: string, headers: Record<string, string> = {}) =>
  api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: user.token, json: { message, type: 'text' }, headers });

describe('restart', () => {
  it('keeps all 200 acknowledged messages, tokens, idempotency keys and the Pusher app key', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const ann = await registerAs(first, 'Ann', 'ann@durable.test');
    const bob = await registerAs(first, 'Bob', 'bob@durable.test');
    const conversationId = await startConversation(first, ann, bob);
    const key = (await api(first, 'GET', '/api/chat/realtime')).body.data.key;
    expect(key).toMatch(/^[0-9a-f]{20}$/);

    const acked = new Map<number, { body: string; sender: number }>();
    const record = (res: Awaited<ReturnType<typeof send>>, body: string, sender: TestUser) => {
      expect([body, res.status]).toEqual([body, 201]);
      expect(res.body.data.message).toBe(body);
      acked.set(res.body.data.id, { body, sender: sender.id });
    };
    // 100 one after the other, alternating senders…
    for (let i = 0; i < 100; i++) {
      const sender = i % 2 ? bob : ann;
      const body = `sequential ${i} ${'·'.repeat((i % 7) + 1)}`;
      record(await send(first, sender, conversationId, body), body, sender);
    }
    // …and 100 in concurrent bursts of 25.
    for (let burst = 0; burst < 4; burst++) {
      const bodies = Array.from({ length: 25 }, (_, i) => `burst ${burst}/${i} ✓`);
      const results = await Promise.all(bodies.map((body, i) => send(first, i % 3 ? ann : bob, conversationId, body)));
      results.forEach((res, i) => record(res, bodies[i]!, i % 3 ? ann : bob));
    }
    expect(acked.size).toBe(200);
    const idempotent = await send(first, ann, conversationId, 'sent once across a restart', { 'idempotency-key': 'durable-key-1' });
    expect(idempotent.status).toBe(201);

    await stop(first);
    const second = await start(dir);
    expect(second.dir).toBe(dir);

    const stored = await historyOf(second, bob, conversationId, 'limit=200&before_id=' + idempotent.body.data.id);
    const expected = [...acked.entries()].sort(([a], [b]) => a - b);
    expect(stored.map((m) => [m.id, m.message, m.sender_id])).toEqual(expected.map(([id, m]) => [id, m.body, m.sender]));
    expect(await historyOf(second, bob, conversationId, `after_id=${idempotent.body.data.id}`)).toEqual([]);

    // Tokens issued before the restart still work.
    expect((await api(second, 'GET', '/api/user', { token: ann.token })).body.data.id).toBe(ann.id);
    expect((await api(second, 'GET', '/api/user', { token: bob.token })).body.data.id).toBe(bob.id);
    const row = (await conversationsOf(second, ann))[0];
    expect([row.id, row.latest_message.id, row.unread_count]).toEqual([conversationId, idempotent.body.data.id, 0]);

    // The same Pusher key, so connected clients' configuration stays valid.
    const realtime = await api(second, 'GET', '/api/chat/realtime');
    expect(realtime.body.data.key).toBe(key);

    // An idempotent retry after the restart replays the first result.
    const retry = await send(second, ann, conversationId, 'sent once across a restart', { 'idempotency-key': 'durable-key-1' });
    expect([retry.status, retry.headers.get('idempotent-replayed'), retry.body.data.id]).toEqual([201, 'true', idempotent.body.data.id]);

    // Writing continues after the last id.
    const after = await send(second, bob, conversationId, 'after restart');
    expect(after.status).toBe(201);
    expect(after.body.data.id).toBeGreaterThan(idempotent.body.data.id);
    const lastAcked = expected[expected.length - 1]![0];
    expect((await historyOf(second, ann, conversationId, `after_id=${lastAcked}`)).map((m) => m.id)).toEqual([
      idempotent.body.data.id,
      after.body.data.id,
    ]);
  }, 60_000);

  it('a logged-out token stays revoked after a restart', async () => {
    const dir = tempDir();
    const first = await start(dir);
    const ann = await registerAs(first, 'Ann', 'ann@revoked.test');
    expect((await api(first, 'POST', '/api/logout', { token: ann.token })).status).toBe(200);
    await stop(first);
    const second = await start(dir);
    const res = await api(second, 'GET', '/api/user', { token: ann.token });
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: { status: false, message: 'Unauthenticated.' } });
    const login = await api(second, 'POST', '/api/login', { json: { email: 'ann@revoked.test', password: 'secret-password' } });
    expect(login.status).toBe(200);
  });
});

describe('crash (SIGKILL)', () => {
  it('loses no acknowledged message when the server process is killed mid-traffic', async () => {
    const dir = tempDir();
    const child = await startChildServer(dir);
    children.push(child);
    const ann = await registerAs(child, 'Ann', 'ann@crash.test');
    const bob = await registerAs(child, 'Bob', 'bob@crash.test');
    const conversationId = await startConversation(child, ann, bob);
    const key = (await api(child, 'GET', '/api/chat/realtime')).body.data.key;

    const acked = new Map<number, string>();
    const sent = new Set<string>();
    let inFlight = 0;
    // Ten writers, each sending until the server dies; kill once 150 are acknowledged.
    const writer = async (w: number) => {
      for (let i = 0; ; i++) {
        const body = `writer ${w} message ${i}`;
        sent.add(body);
        inFlight++;
        try {
          const res = await send(child, w % 2 ? bob : ann, conversationId, body);
          if (res.status === 201) acked.set(res.body.data.id, body);
          else return;
        } catch {
          return; // connection reset by the crash: not acknowledged
        } finally {
          inFlight--;
        }
      }
    };
    let finished = 0;
    const writers = Array.from({ length: 10 }, (_, w) => writer(w).finally(() => finished++));
    while (acked.size < 150 && finished === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(finished).toBe(0); // every writer was still going when the server was killed
    expect(inFlight).toBeGreaterThan(0);
    await child.crash();
    await Promise.all(writers);
    expect(child.child.signalCode).toBe('SIGKILL');

    const after = await start(dir);
    const stored = new Map<number, string>();
    let cursor = 0;
    for (;;) {
      const page = await historyOf(after, bob, conversationId, `after_id=${cursor}&limit=200`);
      if (page.length === 0) break;
      for (const m of page) stored.set(m.id, m.message);
      cursor = page[page.length - 1].id;
    }
    // Every acknowledged message is there, exactly as sent…
    const missing = [...acked].filter(([id, body]) => stored.get(id) !== body);
    expect(missing).toEqual([]);
    // …and nothing was stored that nobody sent (unacknowledged ones may or may not be there).
    expect([...stored.values()].filter((body) => !sent.has(body))).toEqual([]);
    expect(new Set(stored.values()).size).toBe(stored.size);
    expect(stored.size).toBeGreaterThanOrEqual(acked.size);

    expect((await api(after, 'GET', '/api/user', { token: ann.token })).body.data.id).toBe(ann.id);
    expect((await api(after, 'GET', '/api/chat/realtime')).body.data.key).toBe(key);
    expect((await api(after, 'GET', '/health')).body.data.database).toBe('ok');
  }, 60_000);
});
