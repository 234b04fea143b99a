/** End-to-end with unmodified clients: pusher-js 8 (Node build) and the official `pusher` SDK. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeAllRaw,
  disconnectAllClients,
  nextEvent,
  pusherClient,
  rawClient,
  sleep,
  startHarness,
  subscribed,
  waitForState,
  type Harness,
} from './helpers.js';

let harness: Harness | undefined;

afterEach(async () => {
  disconnectAllClients();
  closeAllRaw();
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness> {
  harness = await startHarness(options);
  return harness;
}

describe('pusher-js connection', () => {
  it('connects and gets a socket_id the server SDKs accept', async () => {
    const { port } = await start();
    const client = pusherClient(port);
    await waitForState(client, ['connected']);
    expect(client.connection.socket_id).toMatch(/^\d+\.\d+$/);
  });

  it('unknown app key: 4001 and the client gives up', async () => {
    const { port } = await start();
    const client = pusherClient(port, { key: 'wrong-key' });
    const errorPromise = nextEvent<{ type: string; error?: { type: string; data: { code: number; message: string } } }>(
      client.connection,
      'error',
    );
    const { data } = await errorPromise;
    expect(data).toEqual({ type: 'WebSocketError', error: { type: 'PusherError', data: { code: 4001, message: 'Application does not exist' } } });
    const state = await waitForState(client, ['disconnected', 'unavailable', 'failed']);
    expect(['disconnected', 'unavailable', 'failed']).toContain(state);
  });

  it('stays connected past activity_timeout by pinging', async () => {
    const { port } = await start({ activityTimeoutSeconds: 1, pongGraceSeconds: 1 });
    const client = pusherClient(port, { pongTimeout: 500 });
    await waitForState(client, ['connected']);
    const firstId = client.connection.socket_id;
    const changes: string[] = [];
    client.connection.bind('state_change', ({ current }: { current: string }) => changes.push(current));
    await sleep(3500);
    expect(changes).toEqual([]);
    expect(client.connection.socket_id).toBe(firstId);
  });
});

describe('subscriptions and events', () => {
  it('public channel receives an event triggered by the official SDK', async () => {
    const h = await start();
    const client = pusherClient(h.port);
    const { channel } = await subscribed(client, 'chat');
    const received = nextEvent(channel, 'message.sent');
    const response = await h.sdk().trigger('chat', 'message.sent', { text: 'hi' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect((await received).data).toEqual({ text: 'hi' });
  });

  it('private channel: SDK-signed auth succeeds and events arrive', async () => {
    const h = await start();
    const client = pusherClient(h.port);
    const { channel } = await subscribed(client, 'private-conversation.1');
    const received = nextEvent(channel, 'App\\Events\\MessageSent');
    await h.sdk().trigger(['private-conversation.1'], 'App\\Events\\MessageSent', { id: 5 });
    expect((await received).data).toEqual({ id: 5 });
  });

  it('forged subscription signature: channel-scoped subscription_error, no events, connection stays', async () => {
    const h = await start();
    const client = pusherClient(h.port, { secret: 'not-the-secret' });
    const channel = client.subscribe('private-conversation.2');
    const { data } = await nextEvent<{ type: string; error: string; status: number }>(channel, 'pusher:subscription_error');
    expect(data.type).toBe('AuthError');
    expect(data.status).toBe(401);
    expect(data.error).toMatch(/^Invalid signature: expected HMAC SHA256 hex digest of \d+\.\d+:private-conversation\.2$/);
    let leaked = false;
    channel.bind('message.sent', () => {
      leaked = true;
    });
    await h.sdk().trigger('private-conversation.2', 'message.sent', { secret: true });
    await sleep(200);
    expect(leaked).toBe(false);
    expect(client.connection.state).toBe('connected');
    expect(h.embedded.stats().channels).toBe(0);
  });

  it('socket_id exclusion skips exactly that connection', async () => {
    const h = await start();
    const a = pusherClient(h.port);
    const b = pusherClient(h.port);
    const { channel: chA } = await subscribed(a, 'chat');
    const { channel: chB } = await subscribed(b, 'chat');
    let aGot = 0;
    chA.bind('e', () => (aGot += 1));
    const bGot = nextEvent(chB, 'e');
    await h.sdk().trigger('chat', 'e', 'x', { socket_id: a.connection.socket_id });
    expect((await bGot).data).toBe('x');
    await sleep(150);
    expect(aGot).toBe(0);
  });

  it('unsubscribe stops delivery and frees the channel', async () => {
    const h = await start();
    const client = pusherClient(h.port);
    const { channel } = await subscribed(client, 'chat');
    let got = 0;
    channel.bind('e', () => (got += 1));
    client.unsubscribe('chat');
    await sleep(100);
    expect(h.embedded.stats().channels).toBe(0);
    h.embedded.publish(['chat'], 'e', '{}');
    await sleep(100);
    expect(got).toBe(0);
  });

  it('in-process publish reaches pusher-js, string data stays a string', async () => {
    const h = await start();
    const client = pusherClient(h.port);
    const { channel } = await subscribed(client, 'chat');
    const received = nextEvent(channel, 'note');
    h.embedded.publish(['chat'], 'note', 'just a string');
    expect((await received).data).toBe('just a string');
  });
});

describe('presence', () => {
  it('subscription payload, member_added / member_removed, same user twice counted once', async () => {
    const h = await start();
    const ann = pusherClient(h.port, { user: { user_id: '1', user_info: { name: 'Ann' } } });
    const { channel: annRoom, data } = await subscribed(ann, 'presence-room');
    expect(data).toMatchObject({ count: 1, me: { id: '1', info: { name: 'Ann' } } });

    const added = nextEvent<{ id: string; info: unknown }>(annRoom, 'pusher:member_added');
    const bob = pusherClient(h.port, { user: { user_id: '2', user_info: { name: 'Bob' } } });
    const { data: bobView } = await subscribed(bob, 'presence-room');
    expect((bobView as { count: number }).count).toBe(2);
    expect((await added).data).toEqual({ id: '2', info: { name: 'Bob' } });

    // Bob from a second client: no second member_added, count stays 2.
    let extraAdds = 0;
    annRoom.bind('pusher:member_added', () => (extraAdds += 1));
    const bob2 = pusherClient(h.port, { user: { user_id: '2', user_info: { name: 'Bob' } } });
    const { data: bob2View } = await subscribed(bob2, 'presence-room');
    expect((bob2View as { count: number }).count).toBe(2);
    await sleep(150);
    expect(extraAdds).toBe(0);
    expect((annRoom as unknown as { members: { count: number } }).members.count).toBe(2);

    const usersRes = await h.sdk().get({ path: '/channels/presence-room/users' });
    expect(await usersRes.json()).toEqual({ users: [{ id: '1' }, { id: '2' }] });

    // One of Bob's sockets leaves: nothing. The last one leaves: member_removed.
    let removals = 0;
    annRoom.bind('pusher:member_removed', () => (removals += 1));
    bob.disconnect();
    await sleep(200);
    expect(removals).toBe(0);
    const removed = nextEvent<{ id: string }>(annRoom, 'pusher:member_removed');
    bob2.disconnect();
    expect((await removed).data).toEqual({ id: '2', info: { name: 'Bob' } });
    expect((annRoom as unknown as { members: { count: number } }).members.count).toBe(1);
  });

  it('numeric user ids work and are unique by String(user_id)', async () => {
    const h = await start();
    const a = pusherClient(h.port, { user: { user_id: 7 } });
    await subscribed(a, 'presence-n');
    const b = pusherClient(h.port, { user: { user_id: '7' } });
    const { data } = await subscribed(b, 'presence-n');
    expect((data as { count: number }).count).toBe(1);
  });
});

describe('client events', () => {
  it('reach the other subscriber, not the sender, not a non-subscriber', async () => {
    const h = await start();
    const a = pusherClient(h.port);
    const b = pusherClient(h.port);
    const outsider = pusherClient(h.port);
    const { channel: chA } = await subscribed(a, 'private-conversation.9');
    const { channel: chB } = await subscribed(b, 'private-conversation.9');
    await subscribed(outsider, 'private-conversation.10');
    let echoed = 0;
    chA.bind('client-typing', () => (echoed += 1));
    let leaked = 0;
    outsider.bind_global((event: string) => {
      if (event === 'client-typing') leaked += 1;
    });
    const got = nextEvent(chB, 'client-typing');
    expect(chA.trigger('client-typing', { typing: true })).toBe(true);
    expect((await got).data).toEqual({ typing: true });
    await sleep(150);
    expect(echoed).toBe(0);
    expect(leaked).toBe(0);
  });

  it('carry user_id metadata on presence channels', async () => {
    const h = await start();
    const a = pusherClient(h.port, { user: { user_id: 'u1' } });
    const b = pusherClient(h.port, { user: { user_id: 'u2' } });
    const { channel: chA } = await subscribed(a, 'presence-chat');
    const { channel: chB } = await subscribed(b, 'presence-chat');
    const got = nextEvent(chB, 'client-wave');
    chA.trigger('client-wave', { hi: 1 });
    const { data, meta } = await got;
    expect(data).toEqual({ hi: 1 });
    expect(meta).toEqual({ user_id: 'u1' });
  });

  it('are rejected on public channels with 4301', async () => {
    const h = await start();
    const a = pusherClient(h.port);
    const b = pusherClient(h.port);
    const { channel: chA } = await subscribed(a, 'public-room');
    const { channel: chB } = await subscribed(b, 'public-room');
    let got = 0;
    chB.bind('client-x', () => (got += 1));
    const error = nextEvent<{ type: string; data: { code: number; message: string } }>(a.connection, 'error');
    chA.trigger('client-x', {});
    expect((await error).data).toEqual({
      type: 'PusherError',
      data: { code: 4301, message: 'Client events are only allowed on private and presence channels' },
    });
    await sleep(100);
    expect(got).toBe(0);
  });

  it('11+ in a second: 4301 error, connection stays open, later events flow again', async () => {
    const h = await start();
    const a = pusherClient(h.port);
    const b = pusherClient(h.port);
    const { channel: chA } = await subscribed(a, 'private-rate');
    const { channel: chB } = await subscribed(b, 'private-rate');
    let delivered = 0;
    chB.bind('client-n', () => (delivered += 1));
    const errors: { code: number; message: string }[] = [];
    a.connection.bind('error', (e: { type: string; data: { code: number; message: string } }) => errors.push(e.data));
    for (let i = 0; i < 15; i++) chA.trigger('client-n', { i });
    await sleep(300);
    expect(delivered).toBe(10);
    expect(errors).toHaveLength(5);
    expect(errors[0]).toEqual({ code: 4301, message: 'Client event rejected due to rate limit (max 10 per second)' });
    expect(a.connection.state).toBe('connected');
    await sleep(1000);
    const again = nextEvent(chB, 'client-n');
    chA.trigger('client-n', { i: 99 });
    expect((await again).data).toEqual({ i: 99 });
  });
});

describe('robustness with real clients', () => {
  it('a client sending garbage does not disturb a pusher-js client', async () => {
    const h = await start({ maxPayloadBytes: 4096 });
    const client = pusherClient(h.port);
    const { channel } = await subscribed(client, 'chat');
    const bad = rawClient(h.port);
    await bad.socketId();
    bad.sendJson('nonsense');
    bad.sendJson({ event: 'pusher:subscribe', data: 'x' });
    bad.ws.send('y'.repeat(10_000));
    expect((await bad.closed).code).toBe(1009);
    const received = nextEvent(channel, 'still.here');
    await h.sdk().trigger('chat', 'still.here', { ok: true });
    expect((await received).data).toEqual({ ok: true });
  });

  it('close() tells pusher-js 4200 (reconnect) and resolves with no connection left', async () => {
    const h = await start();
    const client = pusherClient(h.port);
    await waitForState(client, ['connected']);
    const error = nextEvent<{ type: string; data: { code: number } }>(client.connection, 'error');
    await h.embedded.close();
    expect((await error).data).toEqual({ type: 'PusherError', data: { code: 4200, message: 'Server is shutting down' } });
    expect(h.embedded.stats().connections).toBe(0);
    client.disconnect();
  });
});
