import { beforeEach, describe, expect, it } from 'vitest';
import { Hub, type HubConnection } from '../../src/server/pusher/hub.js';
import { signChannel, signUser } from '../../src/server/pusher/signatures.js';

const app = { key: 'app-key', secret: 'app-secret' };

/** A plain in-memory connection: records frames and closes. */
class MemoryConnection implements HubConnection {
  frames: string[] = [];
  closed: { code: number; reason: string } | undefined;
  accept = true;
  constructor(readonly id: string) {}
  send(frame: string): boolean {
    if (!this.accept) return false;
    this.frames.push(frame);
    return true;
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  take(): unknown[] {
    const out = this.frames.map((f) => JSON.parse(f) as unknown);
    this.frames = [];
    return out;
  }
}

let clock = 0;
let hub: Hub;
const conns: MemoryConnection[] = [];

function connect(id: string): MemoryConnection {
  const conn = new MemoryConnection(id);
  hub.addConnection(conn);
  conns.push(conn);
  return conn;
}
function send(conn: MemoryConnection, frame: unknown): void {
  hub.handleMessage(conn.id, typeof frame === 'string' ? frame : JSON.stringify(frame));
}
function subscribe(conn: MemoryConnection, channel: string, channelData?: string, auth?: string): void {
  const data: Record<string, string> = { channel, auth: auth ?? (channel.startsWith('p') ? signChannel(app, conn.id, channel, channelData) : '') };
  if (channelData !== undefined) data.channel_data = channelData;
  send(conn, { event: 'pusher:subscribe', data });
}
const succeeded = (channel: string, data = '{}') => ({ event: 'pusher_internal:subscription_succeeded', channel, data });

beforeEach(() => {
  clock = 1_000_000;
  hub = new Hub({ app, now: () => clock, publicChannels: true });
  conns.length = 0;
});

describe('subscriptions', () => {
  it('public subscribe and publish, unsubscribe stops delivery', () => {
    const a = connect('1.1');
    subscribe(a, 'chat');
    expect(a.take()).toEqual([succeeded('chat')]);
    expect(hub.publish(['chat', 'other'], 'message.sent', '{"text":"hi"}')).toBe(1);
    expect(a.frames).toEqual(['{"event":"message.sent","channel":"chat","data":"{\\"text\\":\\"hi\\"}"}']);
    a.take();
    send(a, { event: 'pusher:unsubscribe', data: { channel: 'chat' } });
    expect(a.take()).toEqual([]); // unsubscribe gets no reply
    expect(hub.publish(['chat'], 'x', '1')).toBe(0);
    expect(hub.channelCount).toBe(0);
  });

  it('publish excludes socket_id and dedupes channels', () => {
    const a = connect('1.1');
    const b = connect('2.2');
    subscribe(a, 'chat');
    subscribe(b, 'chat');
    a.take();
    b.take();
    expect(hub.publish(['chat', 'chat'], 'e', 'd', '1.1')).toBe(1);
    expect(a.frames).toEqual([]);
    expect(b.take()).toEqual([{ event: 'e', channel: 'chat', data: 'd' }]);
  });

  it('private: valid signature succeeds, forged one gets a channel-scoped AuthError 401', () => {
    const a = connect('1.1');
    subscribe(a, 'private-c.1');
    expect(a.take()).toEqual([succeeded('private-c.1')]);
    subscribe(a, 'private-c.2', undefined, signChannel({ key: 'app-key', secret: 'wrong' }, '1.1', 'private-c.2'));
    expect(a.take()).toEqual([
      {
        event: 'pusher:subscription_error',
        channel: 'private-c.2',
        data: JSON.stringify({ type: 'AuthError', error: 'Invalid signature: expected HMAC SHA256 hex digest of 1.1:private-c.2', status: 401 }),
      },
    ]);
    // Another socket's signature is not valid for this one.
    subscribe(a, 'private-c.3', undefined, signChannel(app, '9.9', 'private-c.3'));
    expect((a.take()[0] as { event: string }).event).toBe('pusher:subscription_error');
    expect(hub.publish(['private-c.2', 'private-c.3'], 'e', 'd')).toBe(0);
    expect(a.closed).toBeUndefined();
  });

  it('rejects bad and over-long names, reserved # names', () => {
    const a = connect('1.1');
    subscribe(a, 'bad name');
    subscribe(a, 'x'.repeat(201));
    subscribe(a, '#server-to-user-1');
    const errors = a.take().map((f) => JSON.parse((f as { data: string }).data) as { type: string; status: number });
    expect(errors).toEqual([
      { type: 'InvalidChannel', error: 'Channel name contains characters outside [-a-zA-Z0-9_=@,.;]', status: 400 },
      { type: 'LimitReached', error: 'Channel name is longer than 200 characters', status: 4009 },
      { type: 'AuthError', error: 'The connection is unauthorized for this channel', status: 401 },
    ]);
  });

  it('caps channels per connection', () => {
    hub = new Hub({ app, maxChannelsPerConnection: 2, publicChannels: true });
    const a = connect('1.1');
    subscribe(a, 'a');
    subscribe(a, 'b');
    subscribe(a, 'a'); // re-subscribing an existing one is fine
    subscribe(a, 'c');
    const frames = a.take() as { event: string; channel: string }[];
    expect(frames.map((f) => `${f.event}:${f.channel}`)).toEqual([
      'pusher_internal:subscription_succeeded:a',
      'pusher_internal:subscription_succeeded:b',
      'pusher_internal:subscription_succeeded:a',
      'pusher:subscription_error:c',
    ]);
  });

  it('answers ping with pong and malformed frames with pusher:error code null', () => {
    const a = connect('1.1');
    send(a, { event: 'pusher:ping', data: {} });
    send(a, 'garbage');
    send(a, { event: 'pusher:nope' });
    expect(a.frames).toEqual([
      '{"event":"pusher:pong","data":"{}"}',
      '{"event":"pusher:error","data":{"code":null,"message":"Invalid frame: not valid JSON"}}',
      '{"event":"pusher:error","data":{"code":null,"message":"Unsupported event: pusher:nope"}}',
    ]);
    expect(a.closed).toBeUndefined();
  });
});

describe('presence', () => {
  const ann = '{"user_id":"1","user_info":{"name":"Ann"}}';
  const bob = '{"user_id":2,"user_info":{"name":"Bob"}}';

  it('payload, member_added for new users only, member_removed on the last socket', () => {
    const a = connect('1.1');
    subscribe(a, 'presence-room', ann);
    expect(a.take()).toEqual([succeeded('presence-room', '{"presence":{"ids":["1"],"hash":{"1":{"name":"Ann"}},"count":1}}')]);

    const b = connect('2.2');
    subscribe(b, 'presence-room', bob);
    expect(b.take()).toEqual([
      succeeded('presence-room', '{"presence":{"ids":["1","2"],"hash":{"1":{"name":"Ann"},"2":{"name":"Bob"}},"count":2}}'),
    ]);
    expect(a.take()).toEqual([
      { event: 'pusher_internal:member_added', channel: 'presence-room', data: '{"user_id":2,"user_info":{"name":"Bob"}}' },
    ]);

    // Bob again from a second socket: no member_added, count stays 2.
    const b2 = connect('3.3');
    subscribe(b2, 'presence-room', bob);
    expect(b2.take()).toEqual([
      succeeded('presence-room', '{"presence":{"ids":["1","2"],"hash":{"1":{"name":"Ann"},"2":{"name":"Bob"}},"count":2}}'),
    ]);
    expect(a.take()).toEqual([]);
    expect(b.take()).toEqual([]);
    expect(hub.channelInfo('presence-room')).toEqual({ name: 'presence-room', type: 'presence', subscriptionCount: 3, userCount: 2 });
    expect(hub.presenceUserIds('presence-room')).toEqual(['1', '2']);

    hub.removeConnection('2.2'); // Bob still has 3.3
    expect(a.take()).toEqual([]);
    send(b2, { event: 'pusher:unsubscribe', data: { channel: 'presence-room' } });
    expect(a.take()).toEqual([{ event: 'pusher_internal:member_removed', channel: 'presence-room', data: '{"user_id":2}' }]);
    expect(b2.take()).toEqual([]);
    hub.removeConnection('1.1');
    expect(hub.channelInfo('presence-room')).toBeUndefined();
    expect(hub.channelCount).toBe(0);
  });

  it('needs valid, signed channel_data', () => {
    const a = connect('1.1');
    subscribe(a, 'presence-room', undefined, 'app-key:x');
    subscribe(a, 'presence-room', ann, signChannel(app, '1.1', 'presence-room', bob));
    subscribe(a, 'presence-room', '{"user_info":{}}');
    const errors = a.take().map((f) => JSON.parse((f as { data: string }).data) as { type: string; error: string; status: number });
    expect(errors.map((e) => [e.type, e.status])).toEqual([
      ['AuthError', 401],
      ['AuthError', 401],
      ['AuthError', 400],
    ]);
    expect(errors[0]?.error).toBe('Presence channels require channel_data');
    expect(hub.channelCount).toBe(0);
  });

  it('limits members and user_info size', () => {
    hub = new Hub({ app, maxPresenceMembers: 1, maxUserInfoBytes: 10, publicChannels: true });
    const a = connect('1.1');
    subscribe(a, 'presence-room', '{"user_id":1}');
    const b = connect('2.2');
    subscribe(b, 'presence-room', '{"user_id":2}');
    subscribe(b, 'presence-other', '{"user_id":2,"user_info":{"name":"a long name"}}');
    const [full, big] = b.take() as { data: string }[];
    expect(JSON.parse(full?.data ?? '')).toEqual({ type: 'LimitReached', error: 'Presence channel is full (max 1 members)', status: 4100 });
    expect(JSON.parse(big?.data ?? '')).toMatchObject({ type: 'LimitReached', status: 4301 });
    expect(a.take()).toEqual([succeeded('presence-room', '{"presence":{"ids":["1"],"hash":{"1":null},"count":1}}')]);
  });
});

describe('client events', () => {
  function setup() {
    const a = connect('1.1');
    const b = connect('2.2');
    const outsider = connect('3.3');
    subscribe(a, 'private-c.1');
    subscribe(b, 'private-c.1');
    subscribe(a, 'chat');
    subscribe(b, 'chat');
    for (const c of [a, b, outsider]) c.take();
    return { a, b, outsider };
  }

  it('relay to other subscribers only, data untouched, never echoed', () => {
    const { a, b, outsider } = setup();
    send(a, '{"event":"client-typing","data":{"x":1},"channel":"private-c.1"}');
    expect(b.frames).toEqual(['{"event":"client-typing","channel":"private-c.1","data":{"x":1}}']);
    expect(a.frames).toEqual([]);
    expect(outsider.frames).toEqual([]);
  });

  it('rejects public channels and non-subscribers with 4301, without closing', () => {
    const { a, b, outsider } = setup();
    send(a, { event: 'client-typing', data: {}, channel: 'chat' });
    send(outsider, { event: 'client-typing', data: {}, channel: 'private-c.1' });
    expect(a.take()).toEqual([
      { event: 'pusher:error', data: { code: 4301, message: 'Client events are only allowed on private and presence channels' } },
    ]);
    expect(outsider.take()).toEqual([
      { event: 'pusher:error', data: { code: 4301, message: 'Client event rejected: not subscribed to private-c.1' } },
    ]);
    expect(b.frames).toEqual([]);
    expect(a.closed).toBeUndefined();
    expect(outsider.closed).toBeUndefined();
  });

  it('rate limits at 10 per second per connection, then recovers', () => {
    const { a, b } = setup();
    for (let i = 0; i < 12; i++) send(a, { event: 'client-n', data: { i }, channel: 'private-c.1' });
    expect(b.frames).toHaveLength(10);
    expect(a.take()).toEqual([
      { event: 'pusher:error', data: { code: 4301, message: 'Client event rejected due to rate limit (max 10 per second)' } },
      { event: 'pusher:error', data: { code: 4301, message: 'Client event rejected due to rate limit (max 10 per second)' } },
    ]);
    clock += 999;
    send(a, { event: 'client-n', data: {}, channel: 'private-c.1' });
    expect(a.take()).toHaveLength(1);
    clock += 1;
    b.take();
    send(a, { event: 'client-n', data: {}, channel: 'private-c.1' });
    expect(b.take()).toHaveLength(1);
    expect(a.closed).toBeUndefined();
  });

  it('rejects oversized data', () => {
    const { a, b } = setup();
    send(a, { event: 'client-big', data: 'x'.repeat(11 * 1024), channel: 'private-c.1' });
    expect((a.take()[0] as { data: { code: number } }).data.code).toBe(4301);
    expect(b.frames).toEqual([]);
  });

  it('adds user_id (as a string) on presence channels', () => {
    const a = connect('1.1');
    const b = connect('2.2');
    subscribe(a, 'presence-r', '{"user_id":7}');
    subscribe(b, 'presence-r', '{"user_id":"8"}');
    a.take();
    b.take();
    send(a, { event: 'client-typing', data: 'hi', channel: 'presence-r' });
    expect(b.frames).toEqual(['{"event":"client-typing","channel":"presence-r","data":"hi","user_id":"7"}']);
    expect(a.frames).toEqual([]);
  });
});

describe('signin and terminate', () => {
  it('signin success unlocks #server-to-user-{id}; terminate closes with 4009', () => {
    const a = connect('1.1');
    const userData = '{"id":"42","user_info":{"name":"Ann"}}';
    send(a, { event: 'pusher:signin', data: { auth: signUser(app, '1.1', userData), user_data: userData } });
    expect(a.take()).toEqual([{ event: 'pusher:signin_success', data: { user_data: userData } }]);
    subscribe(a, '#server-to-user-42');
    subscribe(a, '#server-to-user-43');
    const frames = a.take() as { event: string }[];
    expect(frames.map((f) => f.event)).toEqual(['pusher_internal:subscription_succeeded', 'pusher:subscription_error']);
    expect(hub.terminateUser('41')).toBe(0);
    expect(hub.terminateUser('42')).toBe(1);
    expect(a.take()).toEqual([{ event: 'pusher:error', data: { code: 4009, message: 'You got disconnected by the app.' } }]);
    expect(a.closed).toEqual({ code: 4009, reason: 'Disconnected by the app' });
    hub.removeConnection('1.1');
    expect(hub.terminateUser('42')).toBe(0);
  });

  it('bad signin signature or id closes with 4009', () => {
    const a = connect('1.1');
    send(a, { event: 'pusher:signin', data: { auth: signUser(app, '9.9', '{"id":"1"}'), user_data: '{"id":"1"}' } });
    expect(a.take()).toEqual([{ event: 'pusher:error', data: { code: 4009, message: 'Invalid signin signature' } }]);
    expect(a.closed?.code).toBe(4009);
    const b = connect('2.2');
    send(b, { event: 'pusher:signin', data: { auth: signUser(app, '2.2', '{"id":1}'), user_data: '{"id":1}' } });
    expect(b.take()).toEqual([{ event: 'pusher:error', data: { code: 4009, message: 'Invalid user_data: "id" must be a non-empty string' } }]);
  });
});

describe('stats', () => {
  it('lists occupied channels by prefix and counts connections', () => {
    const a = connect('1.1');
    subscribe(a, 'chat');
    subscribe(a, 'presence-r', '{"user_id":1}');
    expect(hub.connectionCount).toBe(1);
    expect(hub.occupiedChannels().map((c) => c.name)).toEqual(['chat', 'presence-r']);
    expect(hub.occupiedChannels('presence-')).toEqual([{ name: 'presence-r', type: 'presence', subscriptionCount: 1, userCount: 1 }]);
    expect(hub.channelInfo('chat')).toEqual({ name: 'chat', type: 'public', subscriptionCount: 1, userCount: undefined });
    hub.removeConnection('1.1');
    expect(hub.connectionCount).toBe(0);
    expect(hub.occupiedChannels()).toEqual([]);
  });

  it('a dropped send does not count as delivered', () => {
    const a = connect('1.1');
    subscribe(a, 'chat');
    a.accept = false;
    expect(hub.publish(['chat'], 'e', 'd')).toBe(0);
  });
});
