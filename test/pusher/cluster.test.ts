// Two embedded Pusher servers on one real Redis behave as one: publishes, socket_id exclusion,
// client events, one presence list, cluster-wide HTTP API counts, terminate_connections, app
// isolation, and a Redis outage (bounded queue, health, recovery) on a Redis of the test's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { signUser } from '../../src/server/pusher/index.js';
import { RedisCluster } from '../../src/server/pusher/redis/redis-cluster.js';
import { closedPort } from '../helpers/net.js';
import { testRedisUrl } from '../helpers/services.js';
import { APP, closeAllRaw, disconnectAllClients, nextEvent, pusherClient, rawClient, sleep, startHarness, subscribed, type Harness } from './helpers.js';

const harnesses: Harness[] = [];
const processes: ChildProcess[] = [];
afterEach(async () => {
  disconnectAllClients();
  closeAllRaw();
  for (const h of harnesses.splice(0)) await h.close();
  for (const p of processes.splice(0)) p.kill('SIGKILL');
});

async function instance(url = testRedisUrl(), prefix = `t${randomBytes(4).toString('hex')}_`, extra: Partial<Parameters<typeof RedisCluster.connect>[0]> = {}) {
  const cluster = await RedisCluster.connect({ url, prefix, appId: APP.id, heartbeatTtlMs: 1500, sweepMs: 300, ...extra });
  const harness = await startHarness({ cluster });
  harnesses.push(harness);
  return { harness, cluster, prefix };
}

async function pair(url?: string, extra?: Partial<Parameters<typeof RedisCluster.connect>[0]>) {
  const a = await instance(url, undefined, extra);
  const b = await instance(url, a.prefix, extra);
  return { a: a.harness, b: b.harness, clusterA: a.cluster, clusterB: b.cluster };
}

/** Polls until `check` passes (events cross Redis asynchronously). */
async function eventually(check: () => void | Promise<void>, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await sleep(50);
    }
  }
}

describe('REALTIME_SCALING=redis: two embedded servers, one service', () => {
  it('delivers an HTTP API publish on A to subscribers on both, once each, honouring socket_id anywhere', async () => {
    const { a, b } = await pair();
    const onA = pusherClient(a.port);
    const onB = pusherClient(b.port);
    const excluded = pusherClient(b.port);
    const got = { a: [] as unknown[], b: [] as unknown[], excluded: [] as unknown[] };
    for (const [client, list] of [[onA, got.a], [onB, got.b], [excluded, got.excluded]] as const) {
      const { channel } = await subscribed(client, 'private-room');
      channel.bind('message.sent', (data: unknown) => list.push(data));
    }
    await sleep(100);
    await a.sdk().trigger('private-room', 'message.sent', { n: 1 }, { socket_id: excluded.connection.socket_id });
    await a.sdk().trigger('private-room', 'message.sent', { n: 2 });
    await eventually(() => expect(got.b).toEqual([{ n: 1 }, { n: 2 }]));
    await sleep(300); // nothing arrives twice
    expect(got).toEqual({ a: [{ n: 1 }, { n: 2 }], b: [{ n: 1 }, { n: 2 }], excluded: [{ n: 2 }] });
  });

  it('relays client events across instances, never back to the sender', async () => {
    const { a, b } = await pair();
    const sender = pusherClient(a.port);
    const receiver = pusherClient(b.port);
    const { channel: senderChannel } = await subscribed(sender, 'private-typing');
    const { channel } = await subscribed(receiver, 'private-typing');
    const echoed: unknown[] = [];
    senderChannel.bind('client-typing', (d: unknown) => echoed.push(d));
    const received = nextEvent(channel, 'client-typing');
    await sleep(100);
    senderChannel.trigger('client-typing', { typing: true });
    expect((await received).data).toEqual({ typing: true });
    await sleep(200);
    expect(echoed).toEqual([]);
  });

  it('keeps one presence list: member_added on a user’s first socket anywhere, member_removed on the last', async () => {
    const { a, b } = await pair();
    const ann = pusherClient(a.port, { user: { user_id: 1, user_info: { name: 'Ann' } } });
    const { channel: annChannel } = await subscribed(ann, 'presence-room');
    const added: unknown[] = [];
    const removed: unknown[] = [];
    annChannel.bind('pusher:member_added', (m: unknown) => added.push(m));
    annChannel.bind('pusher:member_removed', (m: unknown) => removed.push(m));

    const bob = pusherClient(b.port, { user: { user_id: 2, user_info: { name: 'Bob' } } });
    const { data } = await subscribed(bob, 'presence-room');
    expect((data as { count: number; members: unknown }).count).toBe(2);
    expect((data as { members: unknown }).members).toEqual({ 1: { name: 'Ann' }, 2: { name: 'Bob' } });
    await eventually(() => expect(added).toEqual([{ id: 2, info: { name: 'Bob' } }]));

    // Ann's second socket, on B: no new member anywhere; the list still has two users.
    const ann2 = pusherClient(b.port, { user: { user_id: 1, user_info: { name: 'Ann' } } });
    const second = await subscribed(ann2, 'presence-room');
    expect((second.data as { count: number }).count).toBe(2);
    const users = await a.sdk().get({ path: '/channels/presence-room', params: { info: 'user_count,subscription_count' } });
    expect(await users.json()).toEqual({ occupied: true, user_count: 2, subscription_count: 3 });

    // Ann leaves on A: her socket on B keeps her in; Bob leaves: removed once.
    ann.disconnect();
    bob.disconnect();
    await eventually(async () => {
      const res = await b.sdk().get({ path: '/channels/presence-room/users' });
      expect(await res.json()).toEqual({ users: [{ id: '1' }] });
    });
    const watcher = pusherClient(a.port, { user: { user_id: 3 } });
    const w = await subscribed(watcher, 'presence-room');
    expect(Object.keys((w.data as { members: object }).members).sort()).toEqual(['1', '3']);
    const gone = nextEvent(w.channel, 'pusher:member_removed');
    ann2.disconnect(); // Ann's last socket anywhere
    expect((await gone).data).toEqual({ id: 1, info: { name: 'Ann' } });
    expect(removed).toEqual([]); // Ann's first client had disconnected before anyone left
  });

  it('answers channel lists for the whole cluster, counting users once', async () => {
    const { a, b } = await pair();
    await subscribed(pusherClient(a.port), 'private-a');
    await subscribed(pusherClient(b.port), 'private-b');
    await subscribed(pusherClient(b.port, { user: { user_id: 7 } }), 'presence-lobby');
    await subscribed(pusherClient(a.port, { user: { user_id: 7 } }), 'presence-lobby');
    await eventually(async () => {
      const res = await a.sdk().get({ path: '/channels', params: { info: 'subscription_count' } });
      expect(await res.json()).toEqual({
        channels: expect.objectContaining({ 'private-a': { subscription_count: 1 }, 'private-b': { subscription_count: 1 }, 'presence-lobby': { subscription_count: 2 } }),
      });
      const presence = await b.sdk().get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
      expect(await presence.json()).toEqual({ channels: { 'presence-lobby': { user_count: 1 } } });
    });
  });

  it('terminate_connections on A closes the user’s sockets on B', async () => {
    const { a, b } = await pair();
    const raw = rawClient(b.port);
    const socketId = await raw.socketId();
    const userData = JSON.stringify({ id: 'u42' });
    raw.sendJson({ event: 'pusher:signin', data: { auth: signUser(APP, socketId, userData), user_data: userData } });
    await raw.next((f) => f.event === 'pusher:signin_success');
    await a.sdk().terminateUserConnections('u42');
    expect((await raw.closed).code).toBe(4009);
  });

  it('keeps two apps on one Redis apart (REDIS_PREFIX and the app id name the bus)', async () => {
    const first = await instance();
    const other = await instance(testRedisUrl(), `${first.prefix}other_`);
    const listener = pusherClient(other.harness.port);
    const { channel } = await subscribed(listener, 'private-room');
    const got: unknown[] = [];
    channel.bind('message.sent', (d: unknown) => got.push(d));
    await first.harness.sdk().trigger('private-room', 'message.sent', { leak: true });
    await sleep(400);
    expect(got).toEqual([]);
  });

  it('survives a Redis outage: health says so, the queue is bounded, publishing resumes', async () => {
    const port = await closedPort();
    const startRedis = () => {
      const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      processes.push(p);
      return p;
    };
    let redis = startRedis();
    await sleep(300);
    const { a, b } = await pair(`redis://127.0.0.1:${port}`, { maxQueued: 3 });
    const receiver = pusherClient(b.port);
    const { channel } = await subscribed(receiver, 'private-room');
    const got: Array<{ n: number }> = [];
    channel.bind('message.sent', (d: { n: number }) => got.push(d));
    expect(a.embedded.stats().cluster).toMatchObject({ scaling: 'redis', redis: 'ok', queued: 0, dropped: 0 });

    redis.kill('SIGKILL');
    await eventually(() => expect(a.embedded.stats().cluster?.redis).toBe('unavailable'));
    for (let n = 1; n <= 5; n++) await a.sdk().trigger('private-room', 'message.sent', { n });
    expect(a.embedded.stats().cluster).toMatchObject({ redis: 'unavailable', queued: 3, dropped: 2 });
    // The HTTP API still answers, with this instance's own figures.
    expect((await a.sdk().get({ path: '/channels' })).status).toBe(200);

    redis = startRedis();
    await eventually(() => expect(a.embedded.stats().cluster).toMatchObject({ redis: 'ok', queued: 0 }), 15_000);
    await eventually(() => expect(b.embedded.stats().cluster?.redis).toBe('ok'), 15_000);
    await sleep(500);
    await a.sdk().trigger('private-room', 'message.sent', { n: 6 });
    await eventually(() => expect(got.map((e) => e.n)).toContain(6));
    expect(got.every((e) => e.n >= 3)).toBe(true); // the two oldest were dropped, never an unbounded backlog
  }, 40_000);
});
