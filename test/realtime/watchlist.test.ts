// Who is online, the Pusher way: POST /broadcasting/user-auth signs a pusher:signin whose
// user_data carries the user's conversation partners as its watchlist, and the embedded server
// sends pusher_internal:watchlist_events that real pusher-js hands to user.watchlist.bind().
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeSettings } from '../../src/client/api.js';
import { connectRealtime, type PusherClient } from '../../src/client/realtime.js';
import { Hub, type HubConnection } from '../../src/server/pusher/hub.js';
import { signUser } from '../../src/server/pusher/signatures.js';
import { connected, sleep } from '../helpers/realtime.js';
import { api, registerUser, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

interface WatchEvent {
  name: string;
  user_ids: string[];
}

describe('watchlist online/offline (pusher:signin, real pusher-js)', { timeout: 30_000 }, () => {
  let server: TestServer;
  let settings: RealtimeSettings;
  let ann: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  const clients: PusherClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    [ann, bob, carol, dave] = [await registerUser(server, 'Ann'), await registerUser(server, 'Bob'), await registerUser(server, 'Carol'), await registerUser(server, 'Dave')];
    await startConversation(server, ann, bob);
    await startConversation(server, carol, ann);
    settings = (await api(server, 'GET', '/api/chat/realtime')).body.data as RealtimeSettings;
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(() => server.stop());

  /** A signed-in pusher-js client (the chat client's own connect), recording watchlist events. */
  async function signedIn(user: TestUser) {
    const client = connectRealtime(settings, user.token);
    clients.push(client);
    const events: WatchEvent[] = [];
    client.user.watchlist.bind('online', (e: WatchEvent) => events.push({ name: e.name, user_ids: e.user_ids }));
    client.user.watchlist.bind('offline', (e: WatchEvent) => events.push({ name: e.name, user_ids: e.user_ids }));
    client.signin();
    await connected(client);
    await client.user.signinDonePromise;
    expect(client.user.user_data?.id).toBe(String(user.id));
    return { client, events };
  }

  async function until(events: WatchEvent[], n: number): Promise<WatchEvent[]> {
    const start = Date.now();
    while (events.length < n) {
      if (Date.now() - start > 10_000) throw new Error(`expected ${n} watchlist events, got ${JSON.stringify(events)}`);
      await sleep(20);
    }
    return events;
  }

  it('the realtime settings announce user auth and watchlists', () => {
    expect(settings.user_auth_endpoint).toBe(`${server.url}/broadcasting/user-auth`);
    expect(settings.watchlist).toBe(true);
  });

  it('user-auth signs user_data with the conversation partners as the watchlist, as the protocol says', async () => {
    const res = await api(server, 'POST', '/broadcasting/user-auth', { token: ann.token, form: { socket_id: '123.456' } });
    expect(res.status).toBe(200);
    const userData = JSON.parse(res.body.user_data);
    expect(userData).toEqual({ id: String(ann.id), user_info: { name: 'Ann', avatar: expect.any(String) }, watchlist: [String(carol.id), String(bob.id)] });
    const { key, secret } = JSON.parse(readFileSync(join(server.config.dataDir, 'pusher-app.json'), 'utf8')) as { key: string; secret: string };
    const hex = createHmac('sha256', secret).update(`123.456::user::${res.body.user_data}`).digest('hex');
    expect(res.body.auth).toBe(`${key}:${hex}`);
    // no token: 401; a socket id that is not one: 403
    expect((await api(server, 'POST', '/broadcasting/user-auth', { form: { socket_id: '123.456' } })).status).toBe(401);
    const bad = await api(server, 'POST', '/broadcasting/user-auth', { token: ann.token, form: { socket_id: 'abc' } });
    expect(bad.status).toBe(403);
    expect(bad.body.status).toBe(false);
  });

  it('tells who of the watchlist is online at signin, then who comes online and goes offline', async () => {
    const bobs = await signedIn(bob);
    const anns = await signedIn(ann);
    expect(await until(anns.events, 1)).toEqual([{ name: 'online', user_ids: [String(bob.id)] }]);
    expect(await until(bobs.events, 1)).toEqual([{ name: 'online', user_ids: [String(ann.id)] }]);

    const carols = await signedIn(carol);
    await until(anns.events, 2);
    expect(anns.events[1]).toEqual({ name: 'online', user_ids: [String(carol.id)] });
    // a second connection of Carol's is not news; closing it while the first stays is not either
    const second = await signedIn(carol);
    second.client.disconnect();
    await signedIn(dave); // not a partner of Ann's
    await sleep(300);
    expect(anns.events).toHaveLength(2);

    carols.client.disconnect();
    await until(anns.events, 3);
    expect(anns.events[2]).toEqual({ name: 'offline', user_ids: [String(carol.id)] });
    // Bob watches Ann only
    expect(bobs.events).toEqual([{ name: 'online', user_ids: [String(ann.id)] }]);
  });

  it('records last_seen_at, an extra key on other_user in the conversation list', async () => {
    const carols = await signedIn(carol);
    carols.client.disconnect();
    const start = Date.now();
    let rows: Array<{ other_user: { id: number; last_seen_at: string | null } }> = [];
    for (;;) {
      rows = (await api(server, 'GET', '/api/chat/conversations', { token: ann.token })).body.data;
      const seen = rows.find((r) => r.other_user.id === carol.id)?.other_user.last_seen_at;
      if (seen && Date.now() - Date.parse(seen) < 60_000) break;
      if (Date.now() - start > 10_000) throw new Error(`no last_seen_at for Carol: ${JSON.stringify(rows)}`);
      await sleep(50);
    }
    const carolRow = rows.find((r) => r.other_user.id === carol.id)!;
    expect(Object.keys(carolRow.other_user)).toEqual(['id', 'name', 'avatar', 'last_seen_at']);
    expect(carolRow.other_user.last_seen_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Dave was never in a conversation with Ann; a user who never connected has null
    const erin = await registerUser(server, 'Erin');
    await startConversation(server, ann, erin);
    rows = (await api(server, 'GET', '/api/chat/conversations', { token: ann.token })).body.data;
    expect(rows.find((r) => r.other_user.id === erin.id)?.other_user.last_seen_at).toBeNull();
  });
});

describe('watchlist limits (hub)', () => {
  it('more than 100 ids is error 4302, and the signin still succeeds', () => {
    const app = { key: 'k', secret: 's' };
    const hub = new Hub({ app });
    const frames: string[] = [];
    const conn: HubConnection = { id: '1.1', send: (f) => frames.push(f) > 0, close: () => undefined };
    hub.addConnection(conn);
    const userData = JSON.stringify({ id: '1', watchlist: Array.from({ length: 101 }, (_, i) => String(i + 2)) });
    hub.handleMessage(conn.id, JSON.stringify({ event: 'pusher:signin', data: { auth: signUser(app, conn.id, userData), user_data: userData } }));
    expect(frames.map((f) => JSON.parse(f).event)).toEqual(['pusher:signin_success', 'pusher:error']);
    expect(JSON.parse(frames[1]!).data).toEqual({ code: 4302, message: 'Watchlist limit exceeded: at most 100 user ids' });
  });
});
