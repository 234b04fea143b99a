import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  channelEventFrame,
  channelType,
  clientEventFrame,
  connectionEstablishedFrame,
  errorFrame,
  generateSocketId,
  isValidChannelName,
  memberAddedFrame,
  memberRemovedFrame,
  parseClientFrame,
  parsePresenceChannelData,
  pongFrame,
  presencePayload,
  subscriptionErrorFrame,
  subscriptionSucceededFrame,
} from '../../src/server/pusher/protocol.js';

describe('channel names and types', () => {
  it('applies the regex and the 200-character limit', () => {
    expect(isValidChannelName('private-conversation.1')).toBe(true);
    expect(isValidChannelName('a-Z_0=@,.;')).toBe(true);
    expect(isValidChannelName('#server-to-user-1')).toBe(true);
    expect(isValidChannelName('x'.repeat(200))).toBe(true);
    expect(isValidChannelName('x'.repeat(201))).toBe(false);
    expect(isValidChannelName('')).toBe(false);
    expect(isValidChannelName('with space')).toBe(false);
    expect(isValidChannelName('a#b')).toBe(false);
    expect(isValidChannelName('ümlaut')).toBe(false);
  });
  it('types by prefix, encrypted before private', () => {
    expect(channelType('private-encrypted-x')).toBe('private-encrypted');
    expect(channelType('private-x')).toBe('private');
    expect(channelType('presence-x')).toBe('presence');
    expect(channelType('chat')).toBe('public');
    expect(channelType('privatex')).toBe('public');
  });
});

describe('socket ids', () => {
  it('uses the injected randomness', () => {
    const calls: [number, number][] = [];
    let n = 0;
    const id = generateSocketId((min, max) => {
      calls.push([min, max]);
      return ++n * 11;
    });
    expect(id).toBe('11.22');
    expect(calls).toEqual([
      [1, 1e9],
      [1, 1e9],
    ]);
  });
  it('default ids match what the server SDKs validate', () => {
    for (let i = 0; i < 50; i++) expect(generateSocketId()).toMatch(/^\d+\.\d+$/);
  });
});

describe('parseClientFrame', () => {
  it('ping / pong', () => {
    expect(parseClientFrame('{"event":"pusher:ping","data":{}}')).toEqual({ ok: true, frame: { kind: 'ping' } });
    expect(parseClientFrame('{"event":"pusher:pong","data":"{}"}')).toEqual({ ok: true, frame: { kind: 'pong' } });
  });
  it('subscribe with object data or JSON-string data', () => {
    const expected = { ok: true, frame: { kind: 'subscribe', channel: 'presence-room', auth: 'k:s', channelData: '{"user_id":7}' } };
    expect(
      parseClientFrame('{"event":"pusher:subscribe","data":{"auth":"k:s","channel_data":"{\\"user_id\\":7}","channel":"presence-room"}}'),
    ).toEqual(expected);
    expect(
      parseClientFrame(JSON.stringify({ event: 'pusher:subscribe', data: JSON.stringify({ auth: 'k:s', channel_data: '{"user_id":7}', channel: 'presence-room' }) })),
    ).toEqual(expected);
    expect(parseClientFrame('{"event":"pusher:subscribe","data":{"channel":"chat"}}')).toEqual({
      ok: true,
      frame: { kind: 'subscribe', channel: 'chat', auth: '' },
    });
  });
  it('unsubscribe and signin', () => {
    expect(parseClientFrame('{"event":"pusher:unsubscribe","data":{"channel":"chat"}}')).toEqual({
      ok: true,
      frame: { kind: 'unsubscribe', channel: 'chat' },
    });
    expect(parseClientFrame('{"event":"pusher:signin","data":{"auth":"a","user_data":"{}"}}')).toEqual({
      ok: true,
      frame: { kind: 'signin', auth: 'a', userData: '{}' },
    });
  });
  it('client events keep data untouched', () => {
    expect(parseClientFrame('{"event":"client-typing","data":{"x":1},"channel":"private-c.1"}')).toEqual({
      ok: true,
      frame: { kind: 'client-event', event: 'client-typing', channel: 'private-c.1', data: { x: 1 }, hasData: true },
    });
    expect(parseClientFrame('{"event":"client-typing","data":"{\\"x\\":1}","channel":"private-c.1"}')).toMatchObject({
      frame: { data: '{"x":1}' },
    });
  });
  it.each([
    ['not json', 'Invalid frame: not valid JSON'],
    ['[1,2]', 'Invalid frame: expected a JSON object'],
    ['"str"', 'Invalid frame: expected a JSON object'],
    ['{"data":{}}', 'Invalid frame: "event" must be a non-empty string'],
    ['{"event":42}', 'Invalid frame: "event" must be a non-empty string'],
    ['{"event":"pusher:subscribe","data":5}', 'Invalid pusher:subscribe: data must be an object'],
    ['{"event":"pusher:subscribe","data":"not json"}', 'Invalid pusher:subscribe: data must be an object'],
    ['{"event":"pusher:subscribe","data":{"channel":5}}', 'Invalid pusher:subscribe: data.channel must be a non-empty string'],
    ['{"event":"pusher:subscribe","data":{"channel":"c","auth":1}}', 'Invalid pusher:subscribe: data.auth must be a string'],
    ['{"event":"pusher:subscribe","data":{"channel":"c","channel_data":{}}}', 'Invalid pusher:subscribe: data.channel_data must be a string'],
    ['{"event":"pusher:unsubscribe","data":{}}', 'Invalid pusher:unsubscribe: data.channel must be a non-empty string'],
    ['{"event":"pusher:signin","data":{"auth":"a"}}', 'Invalid pusher:signin: data.auth and data.user_data must be strings'],
    ['{"event":"pusher:bogus"}', 'Unsupported event: pusher:bogus'],
    ['{"event":"pusher_internal:subscription_succeeded"}', 'Unsupported event: pusher_internal:subscription_succeeded'],
    ['{"event":"typing","channel":"private-x"}', 'Invalid event name: typing (client events must start with "client-")'],
    ['{"event":"client-x"}', 'Invalid client event: "channel" must be a non-empty string'],
  ])('rejects %s', (raw, message) => {
    expect(parseClientFrame(raw)).toEqual({ ok: false, message });
  });
  it('rejects over-long client event names', () => {
    expect(parseClientFrame(JSON.stringify({ event: `client-${'x'.repeat(200)}`, channel: 'private-x' }))).toEqual({
      ok: false,
      message: 'Invalid event name: longer than 200 characters',
    });
  });
});

describe('presence channel_data', () => {
  it('keys by String(user_id) and keeps the original value', () => {
    expect(parsePresenceChannelData('{"user_id":7,"user_info":{"name":"Ann"}}')).toEqual({
      ok: true,
      member: { key: '7', userId: 7, userInfo: { name: 'Ann' } },
    });
    expect(parsePresenceChannelData('{"user_id":"7"}')).toEqual({ ok: true, member: { key: '7', userId: '7' } });
  });
  it.each(['nope', '[]', '{}', '{"user_id":null}', '{"user_id":""}', '{"user_id":true}', JSON.stringify({ user_id: 'x'.repeat(129) })])(
    'rejects %s',
    (raw) => {
      expect(parsePresenceChannelData(raw).ok).toBe(false);
    },
  );
});

describe('frame builders', () => {
  it('produce the exact wire strings', () => {
    expect(connectionEstablishedFrame('1.2', 30)).toBe(
      '{"event":"pusher:connection_established","data":"{\\"socket_id\\":\\"1.2\\",\\"activity_timeout\\":30}"}',
    );
    expect(pongFrame()).toBe('{"event":"pusher:pong","data":"{}"}');
    expect(subscriptionSucceededFrame('chat')).toBe('{"event":"pusher_internal:subscription_succeeded","channel":"chat","data":"{}"}');
    expect(subscriptionErrorFrame('private-x', 'AuthError', 'nope', 401)).toBe(
      '{"event":"pusher:subscription_error","channel":"private-x","data":"{\\"type\\":\\"AuthError\\",\\"error\\":\\"nope\\",\\"status\\":401}"}',
    );
    expect(errorFrame(ErrorCode.CLIENT_EVENT_REJECTED, 'slow down')).toBe('{"event":"pusher:error","data":{"code":4301,"message":"slow down"}}');
    expect(errorFrame(null, 'bad')).toBe('{"event":"pusher:error","data":{"code":null,"message":"bad"}}');
    expect(channelEventFrame('chat', 'message.sent', '{"text":"hi"}')).toBe(
      '{"event":"message.sent","channel":"chat","data":"{\\"text\\":\\"hi\\"}"}',
    );
    expect(clientEventFrame('presence-r', 'client-t', { x: 1 }, true, '7')).toBe(
      '{"event":"client-t","channel":"presence-r","data":{"x":1},"user_id":"7"}',
    );
    expect(clientEventFrame('private-r', 'client-t', undefined, false)).toBe('{"event":"client-t","channel":"private-r"}');
  });
  it('presence payload and member frames', () => {
    const ann = { key: '7', userId: 7, userInfo: { name: 'Ann' } };
    const bob = { key: '9', userId: '9' };
    expect(presencePayload([ann, bob])).toBe('{"presence":{"ids":["7","9"],"hash":{"7":{"name":"Ann"},"9":null},"count":2}}');
    expect(presencePayload([])).toBe('{"presence":{"ids":[],"hash":{},"count":0}}');
    expect(presencePayload([{ key: '__proto__', userId: '__proto__', userInfo: { a: 1 } }])).toBe(
      '{"presence":{"ids":["__proto__"],"hash":{"__proto__":{"a":1}},"count":1}}',
    );
    expect(memberAddedFrame('presence-r', ann)).toBe(
      '{"event":"pusher_internal:member_added","channel":"presence-r","data":"{\\"user_id\\":7,\\"user_info\\":{\\"name\\":\\"Ann\\"}}"}',
    );
    expect(memberRemovedFrame('presence-r', bob)).toBe(
      '{"event":"pusher_internal:member_removed","channel":"presence-r","data":"{\\"user_id\\":\\"9\\"}"}',
    );
  });
});
