// Two `chatctl serve` processes on one PostgreSQL and one Redis behave as one service: what is sent
// through A reaches a pusher-js subscriber on B exactly once; presence with members on both is one
// list; SIGKILL of A under load loses no acknowledged message and B's presence drops A's members.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Channel } from 'pusher-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PusherClient } from '../../src/client/realtime.js';
import { runCli, startServe, type ServeProcess } from '../helpers/cli.js';
import { historyOf, registerAs } from '../helpers/flows.js';
import { connected, pusherClient, realtimeConfig, sleep, subscribed, waitFor } from '../helpers/realtime.js';
import { api, startConversation, type TestUser } from '../helpers/server.js';
import { createTestDatabase, testRedisUrl } from '../helpers/services.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const dirs: string[] = [];
const processes: ServeProcess[] = [];
const clients: PusherClient[] = [];

async function serve(env: Record<string, string>): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'chatctl-scaled-'));
  dirs.push(dir);
  const child = await startServe(['--port', '0'], { cwd: dir, env });
  processes.push(child);
  return child;
}

async function client(server: { url: string }, user: TestUser): Promise<PusherClient> {
  const c = pusherClient(await realtimeConfig(server), user.token);
  clients.push(c);
  await connected(c);
  return c;
}

function membersOf(channel: Channel): string[] {
  const ids: string[] = [];
  (channel as unknown as { members: { each(fn: (m: { id: string }) => void): void } }).members.each((m) => ids.push(String(m.id)));
  return ids.sort();
}

describe('two instances on PostgreSQL + Redis', () => {
  let a: ServeProcess;
  let b: ServeProcess;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      BROADCAST_DRIVER: 'embedded',
      DB_CONNECTION: 'pgsql',
      DB_URL: database.url,
      REALTIME_SCALING: 'redis',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: `e2e${randomBytes(4).toString('hex')}_`,
      PUSHER_APP_ID: '1001',
      PUSHER_APP_KEY: 'e2e-shared-key',
      PUSHER_APP_SECRET: 'e2e-shared-secret',
    };
    // Started together: the schema is migrated once (advisory lock), both come up.
    [a, b] = await Promise.all([serve(env), serve(env)]);
    ann = await registerAs(a, 'Ann', 'ann@scaled.test');
    bob = await registerAs(b, 'Bob', 'bob@scaled.test');
    conversationId = await startConversation(a, ann, bob);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    for (const p of processes) await p.stop('SIGKILL').catch(() => undefined);
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the admin commands on the same PostgreSQL (one store factory for serve and the CLI)', async () => {
    const env = { DB_CONNECTION: 'pgsql', DB_URL: database.url };
    const created = await runCli(['user', 'create', '--name', 'Cy', '--email', 'cy@scaled.test', '--password', 'secret-password', '--json'], { env, cwd: dirs[0] });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const listed = await runCli(['user', 'list', '--json'], { env, cwd: dirs[0] });
    expect(JSON.parse(listed.stdout).map((u: { email: string }) => u.email)).toEqual(['ann@scaled.test', 'bob@scaled.test', 'cy@scaled.test']);
    // …and the running instances see the user at once.
    const login = await api(b, 'POST', '/api/login', { json: { email: 'CY@scaled.test', password: 'secret-password' } });
    expect(login.status).toBe(200);
  });

  it('says in its ready line which database and realtime it runs on', () => {
    expect(a.readyLine).toContain(`database postgres://postgres@127.0.0.1:${new URL(database.url).port}/${database.name}`);
    expect(a.readyLine).toContain('key e2e-shared-key');
  });

  it('delivers a message sent through A to a subscriber on B exactly once', async () => {
    const onB = await client(b, bob);
    const channel = await subscribed(onB, `private-conversation.${conversationId}`);
    const received: Array<{ id: number; message: string }> = [];
    channel.bind('message.sent', (data: { id: number; message: string }) => received.push(data));
    await sleep(200);
    const bodies = ['one', 'two', 'three'];
    for (const message of bodies) {
      const res = await api(a, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: ann.token, json: { message, type: 'text' } });
      expect(res.status).toBe(201);
    }
    await waitFor(received, 3, 10_000);
    await sleep(500);
    expect(received.map((e) => e.message)).toEqual(bodies);
    expect(new Set(received.map((e) => e.id)).size).toBe(3);
    // Both instances read the same database.
    expect((await historyOf(b, bob, conversationId)).map((m: { message: string }) => m.message)).toEqual(bodies);
  });

  it('keeps one presence list across instances, and drops A’s members after A is SIGKILLed under load', async () => {
    const annOnA = await client(a, ann);
    const bobOnB = await client(b, bob);
    const name = `presence-conversation.${conversationId}`;
    const annChannel = await subscribed(annOnA, name);
    const bobChannel = await subscribed(bobOnB, name);
    await sleep(300);
    expect(membersOf(bobChannel)).toEqual([String(ann.id), String(bob.id)].sort());
    expect(membersOf(annChannel)).toEqual([String(ann.id), String(bob.id)].sort());
    const removed: Array<{ id: string }> = [];
    bobChannel.bind('pusher:member_removed', (m: { id: string }) => removed.push(m));

    // Load through both instances; A dies in the middle of it.
    const acked = new Set<number>();
    let stop = false;
    const sender = async (server: ServeProcess, user: TestUser, tag: string) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: user.token, json: { message: `${tag}${i}`, type: 'text' } });
          if (res.status === 201) acked.add(res.body.data.id);
        } catch {
          if (server === a) return; // A is gone: its in-flight requests fail, none was acknowledged
        }
      }
    };
    const load = [sender(a, ann, 'a'), sender(a, ann, 'a2-'), sender(b, bob, 'b')];
    await sleep(800);
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    await sleep(300);
    stop = true;
    await Promise.all(load);
    expect(acked.size).toBeGreaterThan(5);

    // Every acknowledged message is there, read through B.
    const stored = new Set<number>();
    let afterId = 0;
    for (;;) {
      const page = await historyOf(b, bob, conversationId, `limit=200&after_id=${afterId}`);
      if (page.length === 0) break;
      for (const m of page) stored.add(m.id);
      afterId = page[page.length - 1].id;
    }
    expect([...acked].filter((id) => !stored.has(id))).toEqual([]);

    // A's member (Ann) leaves B's list within the heartbeat TTL plus a sweep (10 s + 2 s), not never.
    await waitFor(removed, 1, 20_000);
    expect(removed.map((m) => String(m.id))).toEqual([String(ann.id)]);
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    expect(membersOf(bobChannel)).toEqual([String(bob.id)]);
    const health = await api(b, 'GET', '/health');
    expect(health.body.data.realtime.cluster).toMatchObject({ scaling: 'redis', redis: 'ok', instances: 1 });
  }, 60_000);
});
