// Conversations end to end over real HTTP: unread counts and is_read through an exchange, explicit
// read marking, list order by activity, start semantics, history paging edges, user search,
// GET /api/user, Idempotency-Key on sends, and form-encoded bodies everywhere JSON is accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conversationsOf,
  historyOf,
  ISO_SECONDS,
  PASSWORD,
  registerAs,
  rowOf,
} from '../helpers/flows.js';
import { api, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

let server: TestServer;
let seq = 0;
/** A fresh user with a predictable, unique e-mail so every test owns its own conversations. */
const fresh = (name: string) => registerAs(server, name, `${name.toLowerCase().replace(/\W+/g, '.')}.${++seq}@conv.test`, { avatar: `https://cdn.test/${seq}.png` });
const messagesPath = (id: number) => `/api/chat/conversations/${id}/messages`;
const JUST_NOW = /^([1-9]|[1-5][0-9]) seconds? ago$/;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe('unread counts and is_read', () => {
  it('follow a realistic two-user exchange', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const conversationId = await startConversation(server, ann, bob);

    // Empty conversation: nothing unread either side.
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(0);
    expect((await rowOf(server, bob, conversationId)).unread_count).toBe(0);

    const a1 = await sendText(server, ann, conversationId, 'hi Bob');
    const a2 = await sendText(server, ann, conversationId, 'are you there?');
    const a3 = await sendText(server, ann, conversationId, 'ping');
    expect(a1.id < a2.id && a2.id < a3.id).toBe(true);
    // Freshly sent: the recipient has not read it.
    expect([a1.is_read, a2.is_read, a3.is_read]).toEqual([false, false, false]);

    const bobRow = await rowOf(server, bob, conversationId);
    expect(bobRow).toEqual({
      id: conversationId,
      other_user: { id: ann.id, name: 'Ann', avatar: expect.stringMatching(/^https:\/\/cdn\.test\/\d+\.png$/), last_seen_at: null },
      latest_message: {
        message: 'ping',
        created_at: expect.stringMatching(JUST_NOW),
        id: a3.id,
        sender_id: ann.id,
        type: 'text',
        sent_at: a3.created_at,
      },
      unread_count: 3,
      updated_at: a3.created_at,
    });
    expect(bobRow.other_user.avatar).toBe((await api(server, 'GET', '/api/user', { token: ann.token })).body.data.avatar);
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(0);

    // The sender's own view: not read yet. Reading as the sender must not mark anything for Bob.
    let annView = await historyOf(server, ann, conversationId);
    expect(annView.map((m) => [m.id, m.sender_id, m.message, m.is_read])).toEqual([
      [a1.id, ann.id, 'hi Bob', false],
      [a2.id, ann.id, 'are you there?', false],
      [a3.id, ann.id, 'ping', false],
    ]);
    expect((await rowOf(server, bob, conversationId)).unread_count).toBe(3);

    // Bob opens the conversation: that read marks Ann's messages read, in the same response.
    const bobView = await historyOf(server, bob, conversationId);
    expect(bobView.map((m) => [m.id, m.is_read])).toEqual([
      [a1.id, true],
      [a2.id, true],
      [a3.id, true],
    ]);
    expect((await rowOf(server, bob, conversationId)).unread_count).toBe(0);
    annView = await historyOf(server, ann, conversationId);
    expect(annView.map((m) => m.is_read)).toEqual([true, true, true]);

    // Bob replies twice: the counts flip.
    const b1 = await sendText(server, bob, conversationId, 'yes, here');
    const b2 = await sendText(server, bob, conversationId, 'what is up?');
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(2);
    expect((await rowOf(server, ann, conversationId)).latest_message).toMatchObject({ id: b2.id, sender_id: bob.id, message: 'what is up?' });
    expect((await rowOf(server, bob, conversationId)).unread_count).toBe(0);
    expect((await historyOf(server, bob, conversationId)).map((m) => [m.id, m.is_read])).toEqual([
      [a1.id, true],
      [a2.id, true],
      [a3.id, true],
      [b1.id, false],
      [b2.id, false],
    ]);

    // Ann marks read explicitly (without fetching the history).
    const read = await api(server, 'POST', `/api/chat/conversations/${conversationId}/read`, { token: ann.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      status: true,
      message: 'Messages marked as read',
      data: { conversation_id: conversationId, last_read_message_id: b2.id, read_at: expect.stringMatching(ISO_SECONDS), unread_count: 0 },
    });
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(0);
    expect((await historyOf(server, bob, conversationId)).map((m) => m.is_read)).toEqual([true, true, true, true, true]);

    // One more from Ann: Bob has exactly one unread again, and only that one is unread for him.
    const a4 = await sendText(server, ann, conversationId, 'not much');
    expect((await rowOf(server, bob, conversationId)).unread_count).toBe(1);
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(0);
    expect((await historyOf(server, ann, conversationId)).map((m) => [m.id, m.is_read])).toEqual([
      [a1.id, true],
      [a2.id, true],
      [a3.id, true],
      [b1.id, true],
      [b2.id, true],
      [a4.id, false],
    ]);
  });

  it('counts only the other side, per conversation', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const cat = await fresh('Cat');
    const withBob = await startConversation(server, ann, bob);
    const withCat = await startConversation(server, cat, ann);
    for (let i = 0; i < 4; i++) await sendText(server, bob, withBob, `bob ${i}`);
    for (let i = 0; i < 2; i++) await sendText(server, cat, withCat, `cat ${i}`);
    const list = await conversationsOf(server, ann);
    expect(list.map((c) => [c.id, c.other_user.id, c.unread_count])).toEqual([
      [withCat, cat.id, 2],
      [withBob, bob.id, 4],
    ]);
    // Reading one conversation leaves the other untouched.
    await historyOf(server, ann, withBob);
    expect((await conversationsOf(server, ann)).map((c) => [c.id, c.unread_count])).toEqual([
      [withCat, 2],
      [withBob, 0],
    ]);
  });

  it('POST …/read has a fixed shape and is idempotent', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const conversationId = await startConversation(server, ann, bob);
    const path = `/api/chat/conversations/${conversationId}/read`;

    // An empty conversation: nothing to read yet.
    const empty = await api(server, 'POST', path, { token: ann.token });
    expect({ status: empty.status, body: empty.body }).toEqual({
      status: 200,
      body: {
        status: true,
        message: 'Messages marked as read',
        data: { conversation_id: conversationId, last_read_message_id: 0, read_at: null, unread_count: 0 },
      },
    });

    await sendText(server, bob, conversationId, 'one');
    const two = await sendText(server, bob, conversationId, 'two');
    const first = await api(server, 'POST', path, { token: ann.token });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual({
      conversation_id: conversationId,
      last_read_message_id: two.id,
      read_at: expect.stringMatching(ISO_SECONDS),
      unread_count: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a later read would show a later read_at
    const again = await api(server, 'POST', path, { token: ann.token });
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
    // Marking read via the history afterwards changes nothing either.
    await historyOf(server, ann, conversationId);
    const third = await api(server, 'POST', path, { token: ann.token });
    expect(third.body).toEqual(first.body);

    // A new message moves the read point forward on the next read.
    const three = await sendText(server, bob, conversationId, 'three');
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(1);
    const next = await api(server, 'POST', path, { token: ann.token });
    expect(next.body.data.last_read_message_id).toBe(three.id);
    expect(next.body.data.read_at > first.body.data.read_at).toBe(true);
    expect((await rowOf(server, ann, conversationId)).unread_count).toBe(0);
  });

  it('accepts an empty JSON or form body on POST …/read', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const conversationId = await startConversation(server, ann, bob);
    const m = await sendText(server, bob, conversationId, 'x');
    const json = await api(server, 'POST', `/api/chat/conversations/${conversationId}/read`, { token: ann.token, json: {} });
    const form = await api(server, 'POST', `/api/chat/conversations/${conversationId}/read`, { token: ann.token, form: {} });
    expect([json.status, form.status]).toEqual([200, 200]);
    expect(json.body.data.last_read_message_id).toBe(m.id);
    expect(form.body).toEqual(json.body);
  });
});

describe('conversation list order', () => {
  it('follows the latest activity; a new empty conversation goes on top; reading and re-starting do not reorder', async () => {
    const me = await fresh('Me');
    const xena = await fresh('Xena');
    const yuri = await fresh('Yuri');
    const zoe = await fresh('Zoe');
    const wes = await fresh('Wes');
    const c1 = await startConversation(server, me, xena);
    const c2 = await startConversation(server, yuri, me);
    const c3 = await startConversation(server, me, zoe);
    const order = async () => (await conversationsOf(server, me)).map((c) => c.id);

    expect(await order()).toEqual([c3, c2, c1]);
    expect((await conversationsOf(server, me)).map((c) => c.latest_message)).toEqual([null, null, null]);

    await sendText(server, me, c1, 'to xena');
    expect(await order()).toEqual([c1, c3, c2]);
    await sendText(server, yuri, c2, 'from yuri');
    expect(await order()).toEqual([c2, c1, c3]);
    await sendText(server, zoe, c3, 'from zoe');
    expect(await order()).toEqual([c3, c2, c1]);
    await sendText(server, xena, c1, 'from xena');
    expect(await order()).toEqual([c1, c3, c2]);

    // Reading and starting an existing conversation again are not activity.
    await historyOf(server, me, c2);
    await api(server, 'POST', `/api/chat/conversations/${c3}/read`, { token: me.token });
    const again = await api(server, 'POST', '/api/chat/conversations/start', { token: me.token, json: { user_id: zoe.id } });
    expect([again.status, again.body.data.conversation_id]).toEqual([200, c3]);
    expect(await order()).toEqual([c1, c3, c2]);

    await new Promise((resolve) => setTimeout(resolve, 5)); // a later millisecond than the last message
    const c4 = await startConversation(server, wes, me);
    expect(await order()).toEqual([c4, c1, c3, c2]);
    const rows = await conversationsOf(server, me);
    expect(rows[0]).toEqual({
      id: c4,
      other_user: { id: wes.id, name: 'Wes', avatar: expect.any(String), last_seen_at: null },
      latest_message: null,
      unread_count: 0,
      updated_at: expect.stringMatching(ISO_SECONDS),
    });

    await sendText(server, me, c2, 'back to yuri');
    expect(await order()).toEqual([c2, c4, c1, c3]);
    // The others' lists hold only their own conversation with me.
    expect((await conversationsOf(server, xena)).map((c) => c.id)).toEqual([c1]);
    expect((await conversationsOf(server, wes)).map((c) => c.id)).toEqual([c4]);
  });
});

describe('POST /api/chat/conversations/start', () => {
  it('returns the same id: 201 the first time, 200 after, from either side', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const created = await api(server, 'POST', '/api/chat/conversations/start', { token: ann.token, json: { user_id: bob.id } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ status: true, message: 'Conversation created successfully', data: { conversation_id: expect.any(Number) } });
    const id = created.body.data.conversation_id;
    const sameSide = await api(server, 'POST', '/api/chat/conversations/start', { token: ann.token, json: { user_id: bob.id } });
    const otherSide = await api(server, 'POST', '/api/chat/conversations/start', { token: bob.token, json: { user_id: ann.id } });
    for (const res of [sameSide, otherSide]) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: { status: true, message: 'Conversation already exists', data: { conversation_id: id } },
      });
    }
    expect((await conversationsOf(server, ann)).map((c) => c.id)).toEqual([id]);
    expect((await conversationsOf(server, bob)).map((c) => c.id)).toEqual([id]);
  });

  it('started by the other user first, the reverse start is a 200 with the same id', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const first = await api(server, 'POST', '/api/chat/conversations/start', { token: bob.token, json: { user_id: ann.id } });
    const second = await api(server, 'POST', '/api/chat/conversations/start', { token: ann.token, json: { user_id: bob.id } });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.data.conversation_id).toBe(first.body.data.conversation_id);
  });

  it('concurrent starts of the same pair end in one conversation', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api(server, 'POST', '/api/chat/conversations/start', i % 2 ? { token: ann.token, json: { user_id: bob.id } } : { token: bob.token, json: { user_id: ann.id } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.data.conversation_id)).size).toBe(1);
    expect((await conversationsOf(server, ann)).length).toBe(1);
  });

  it('refuses yourself and unknown users with exact 422 errors, creating nothing', async () => {
    const ann = await fresh('Ann');
    const self = await api(server, 'POST', '/api/chat/conversations/start', { token: ann.token, json: { user_id: ann.id } });
    expect({ status: self.status, body: self.body }).toEqual({
      status: 422,
      body: {
        status: false,
        message: 'You cannot start a conversation with yourself',
        errors: { user_id: ['You cannot start a conversation with yourself'] },
      },
    });
    const unknown = await api(server, 'POST', '/api/chat/conversations/start', { token: ann.token, json: { user_id: 987654321 } });
    expect({ status: unknown.status, body: unknown.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The selected user id is invalid.', errors: { user_id: ['The selected user id is invalid.'] } },
    });
    const missing = await api(server, 'POST', '/api/chat/conversations/start', { token: ann.token, json: {} });
    expect({ status: missing.status, body: missing.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The user id field is required.', errors: { user_id: ['The user id field is required.'] } },
    });
    expect(await conversationsOf(server, ann)).toEqual([]);
  });
});

describe('history paging', () => {
  let pat: TestUser;
  let quinn: TestUser;
  let rae: TestUser;
  let conversationId: number;
  let otherConversationId: number;
  /** Ids of the 60 messages in `conversationId`, in send order. */
  const ids: number[] = [];
  /** Ids of messages in the other conversation, sent in between. */
  const foreign: number[] = [];

  beforeAll(async () => {
    pat = await fresh('Pat');
    quinn = await fresh('Quinn');
    rae = await fresh('Rae');
    conversationId = await startConversation(server, pat, quinn);
    otherConversationId = await startConversation(server, pat, rae);
    for (let i = 0; i < 60; i++) {
      ids.push((await sendText(server, i % 3 ? pat : quinn, conversationId, `m${i}`)).id);
      if (i % 10 === 4) foreign.push((await sendText(server, rae, otherConversationId, `secret ${i}`)).id);
    }
  }, 60_000);

  const page = async (query: string) => {
    const data = await historyOf(server, pat, conversationId, query);
    for (const m of data) expect(m.conversation_id).toBe(conversationId);
    return data.map((m) => m.id as number);
  };

  it('defaults to the newest 50, oldest first', async () => {
    const data = await historyOf(server, pat, conversationId);
    expect(data.map((m) => m.id)).toEqual(ids.slice(10));
    expect(data.map((m) => m.message)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i + 10}`));
    expect(data[0]).toEqual({
      id: ids[10],
      conversation_id: conversationId,
      sender_id: pat.id,
      message: 'm10',
      type: 'text',
      is_read: true,
      created_at: expect.stringMatching(ISO_SECONDS),
      sender: { id: pat.id, name: 'Pat', avatar: expect.any(String) },
      attachment: null,
    });
  });

  it('limit picks the newest N; limit=200 is allowed, 201 and 0 are not', async () => {
    expect(await page('limit=10')).toEqual(ids.slice(50));
    expect(await page('limit=1')).toEqual(ids.slice(59));
    expect(await page('limit=200')).toEqual(ids);
    const tooMany = await api(server, 'GET', `${messagesPath(conversationId)}?limit=201`, { token: pat.token });
    expect({ status: tooMany.status, body: tooMany.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The limit field must not be greater than 200.', errors: { limit: ['The limit field must not be greater than 200.'] } },
    });
    const zero = await api(server, 'GET', `${messagesPath(conversationId)}?limit=0`, { token: pat.token });
    expect({ status: zero.status, body: zero.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The limit field must be at least 1.', errors: { limit: ['The limit field must be at least 1.'] } },
    });
  });

  it('before_id scrolls back page by page until empty', async () => {
    const newest = await page('limit=20');
    expect(newest).toEqual(ids.slice(40));
    const seen = [...newest];
    let cursor = newest[0] as number;
    const sizes: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const older = await page(`limit=20&before_id=${cursor}`);
      sizes.push(older.length);
      if (older.length === 0) break;
      expect(older).toEqual([...older].sort((a, b) => a - b));
      expect(older[older.length - 1]! < cursor).toBe(true);
      seen.unshift(...older);
      cursor = older[0] as number;
    }
    expect(sizes).toEqual([20, 20, 0]);
    expect(seen).toEqual(ids);
    // Uneven last page.
    expect(await page(`limit=7&before_id=${ids[10]}`)).toEqual(ids.slice(3, 10));
    expect(await page(`limit=7&before_id=${ids[3]}`)).toEqual(ids.slice(0, 3));
    // Default limit applies to before_id too.
    expect(await page(`before_id=${ids[59]}`)).toEqual(ids.slice(9, 59));
  });

  it('after_id catches up oldest first until empty', async () => {
    const caught: number[] = [];
    let cursor = ids[0] as number;
    const sizes: number[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const newer = await page(`limit=25&after_id=${cursor}`);
      sizes.push(newer.length);
      if (newer.length === 0) break;
      caught.push(...newer);
      cursor = newer[newer.length - 1] as number;
    }
    expect(sizes).toEqual([25, 25, 9, 0]);
    expect(caught).toEqual(ids.slice(1));
    // Without a limit: the 50 just after the cursor (not the newest 50).
    expect(await page(`after_id=${ids[0]}`)).toEqual(ids.slice(1, 51));
    expect(await page('after_id=0&limit=5')).toEqual(ids.slice(0, 5));
  });

  it('edges: before the first and after the last are empty', async () => {
    expect(await page(`before_id=${ids[0]}`)).toEqual([]);
    expect(await page(`after_id=${ids[59]}`)).toEqual([]);
    expect(await page(`after_id=${ids[59]! + 1000}`)).toEqual([]);
    expect(await page(`before_id=${ids[59]! + 1000}&limit=3`)).toEqual(ids.slice(57));
    expect(await page('before_id=1&limit=3')).toEqual([]);
  });

  it('cursor ids from another conversation never leak its messages', async () => {
    expect(foreign.length).toBe(6);
    for (const id of foreign) {
      const before = await page(`before_id=${id}&limit=200`);
      const after = await page(`after_id=${id}&limit=200`);
      expect(before).toEqual(ids.filter((x) => x < id));
      expect(after).toEqual(ids.filter((x) => x > id));
      expect(before.concat(after)).toEqual(ids);
    }
    // And the other conversation only ever shows its own.
    const theirs = await historyOf(server, rae, otherConversationId, `before_id=${ids[59]! + 1}`);
    expect(theirs.map((m) => m.id)).toEqual(foreign);
    expect(theirs.every((m) => m.message.startsWith('secret '))).toBe(true);
  });

  it('before_id and after_id together are refused', async () => {
    const res = await api(server, 'GET', `${messagesPath(conversationId)}?before_id=${ids[30]}&after_id=${ids[10]}`, { token: pat.token });
    expect({ status: res.status, body: res.body }).toEqual({
      status: 422,
      body: {
        status: false,
        message: 'The after id field prohibits before id from being present.',
        errors: { after_id: ['The after id field prohibits before id from being present.'] },
      },
    });
  });
});

describe('GET /api/users?search=', () => {
  let own: TestServer;
  let me: TestUser;
  let zelda: TestUser;
  let quentin: TestUser;
  let amos: TestUser;

  beforeAll(async () => {
    own = await startTestServer();
    me = await registerAs(own, 'Quasimodo Bell', 'quasi@tower.test', { avatar: 'https://cdn.test/q.png' });
    zelda = await registerAs(own, 'Zelda Quasar', 'zelda@hyrule.test', { avatar: 'https://cdn.test/z.png' });
    quentin = await registerAs(own, 'quentin blake', 'qb@books.test');
    amos = await registerAs(own, 'Amos 100%', 'amos_x@books.test');
  });
  afterAll(() => own.stop());

  const search = async (user: TestUser, query?: string) => {
    const res = await api(own, 'GET', `/api/users${query === undefined ? '' : `?search=${encodeURIComponent(query)}`}`, { token: user.token });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(true);
    return res.body.data;
  };

  it('lists everyone but me, by name, as {id, name, avatar}', async () => {
    const everyone = [
      { id: amos.id, name: 'Amos 100%', avatar: null },
      { id: quentin.id, name: 'quentin blake', avatar: null },
      { id: zelda.id, name: 'Zelda Quasar', avatar: 'https://cdn.test/z.png' },
    ];
    expect(await search(me)).toEqual(everyone);
    expect(await search(me, '')).toEqual(everyone);
    expect(await search(zelda)).toEqual([
      { id: amos.id, name: 'Amos 100%', avatar: null },
      { id: me.id, name: 'Quasimodo Bell', avatar: 'https://cdn.test/q.png' },
      { id: quentin.id, name: 'quentin blake', avatar: null },
    ]);
  });

  it('matches names by substring and e-mails only exactly, case-insensitively, never myself', async () => {
    expect(await search(me, 'quas')).toEqual([{ id: zelda.id, name: 'Zelda Quasar', avatar: 'https://cdn.test/z.png' }]);
    expect(await search(zelda, 'QUAS')).toEqual([{ id: me.id, name: 'Quasimodo Bell', avatar: 'https://cdn.test/q.png' }]);
    expect((await search(me, 'ZELDA@hyrule.test')).map((u: { id: number }) => u.id)).toEqual([zelda.id]);
    expect((await search(me, 'qb@books.test')).map((u: { id: number }) => u.id)).toEqual([quentin.id]);
    // no harvesting addresses by probing parts of them
    expect(await search(me, 'books.test')).toEqual([]);
    expect(await search(me, 'HYRULE')).toEqual([]);
    expect(await search(me, 'zelda@')).toEqual([]);
    expect(await search(me, 'quasi@tower.test')).toEqual([]);
    expect(await search(me, 'nobody-like-this')).toEqual([]);
  });

  it('treats % and _ literally', async () => {
    expect((await search(me, '100%')).map((u: { id: number }) => u.id)).toEqual([amos.id]);
    expect((await search(me, 'amos_x@books.test')).map((u: { id: number }) => u.id)).toEqual([amos.id]);
    expect(await search(me, 'amos_')).toEqual([]);
    expect(await search(me, '%%')).toEqual([]);
    expect(await search(me, 'q_')).toEqual([]);
  });
});

describe('GET /api/user', () => {
  it('returns the account as registered', async () => {
    const reg = await api(server, 'POST', '/api/register', {
      json: { name: 'Uma Account', email: 'uma.account@conv.test', password: PASSWORD, avatar: 'https://cdn.test/uma.png' },
    });
    expect(reg.status).toBe(201);
    const res = await api(server, 'GET', '/api/user', { token: reg.body.data.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: true,
      data: {
        id: reg.body.data.user.id,
        name: 'Uma Account',
        email: 'uma.account@conv.test',
        avatar: 'https://cdn.test/uma.png',
        created_at: expect.stringMatching(ISO_SECONDS),
        updated_at: expect.stringMatching(ISO_SECONDS),
      },
    });
    expect(res.body.data).toEqual(reg.body.data.user);
    expect(res.text).not.toContain('password');
  });
});

describe('Idempotency-Key on sends', () => {
  it('replays the first result for the same key and body, refuses a different body, and is per user', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const conversationId = await startConversation(server, ann, bob);
    const send = (user: TestUser, key: string, json: unknown, id = conversationId) =>
      api(server, 'POST', messagesPath(id), { token: user.token, json, headers: { 'idempotency-key': key } });

    const first = await send(ann, 'send-0001', { message: 'only once', type: 'text' });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body).toEqual({
      status: true,
      message: 'Message sent successfully',
      data: {
        id: expect.any(Number),
        sender_id: ann.id,
        message: 'only once',
        type: 'text',
        created_at: expect.stringMatching(ISO_SECONDS),
        conversation_id: conversationId,
        is_read: false,
        sender: { id: ann.id, name: 'Ann', avatar: expect.any(String) },
        attachment: null,
      },
    });

    const retry = await send(ann, 'send-0001', { message: 'only once', type: 'text' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    // Same request in form encoding is the same request.
    const formRetry = await api(server, 'POST', messagesPath(conversationId), {
      token: ann.token,
      form: { message: 'only once', type: 'text' },
      headers: { 'idempotency-key': 'send-0001' },
    });
    expect([formRetry.status, formRetry.headers.get('idempotent-replayed'), formRetry.body.data.id]).toEqual([201, 'true', first.body.data.id]);

    let history = await historyOf(server, bob, conversationId);
    expect(history.map((m) => [m.id, m.message])).toEqual([[first.body.data.id, 'only once']]);

    const different = await send(ann, 'send-0001', { message: 'something else', type: 'text' });
    expect({ status: different.status, body: different.body }).toEqual({
      status: 422,
      body: { status: false, message: 'This Idempotency-Key was already used for a different request' },
    });
    expect(different.headers.get('idempotent-replayed')).toBeNull();

    // Bob's key space is his own: the same key creates his own message.
    const bobs = await send(bob, 'send-0001', { message: 'only once', type: 'text' });
    expect(bobs.status).toBe(201);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
    expect(bobs.body.data.id).not.toBe(first.body.data.id);
    expect(bobs.body.data.sender_id).toBe(bob.id);
    const bobsRetry = await send(bob, 'send-0001', { message: 'only once', type: 'text' });
    expect([bobsRetry.headers.get('idempotent-replayed'), bobsRetry.body.data.id]).toEqual(['true', bobs.body.data.id]);

    // Ann's key still points at Ann's message.
    const annAgain = await send(ann, 'send-0001', { message: 'only once', type: 'text' });
    expect([annAgain.status, annAgain.body.data.id, annAgain.body.data.sender_id]).toEqual([201, first.body.data.id, ann.id]);

    history = await historyOf(server, ann, conversationId);
    expect(history.map((m) => [m.id, m.sender_id, m.message])).toEqual([
      [first.body.data.id, ann.id, 'only once'],
      [bobs.body.data.id, bob.id, 'only once'],
    ]);
    // A new key is a new message.
    const fresh2 = await send(ann, 'send-0002', { message: 'only once', type: 'text' });
    expect(fresh2.status).toBe(201);
    expect(fresh2.body.data.id).toBeGreaterThan(bobs.body.data.id);
    expect((await historyOf(server, ann, conversationId)).length).toBe(3);
  });

  it('concurrent retries with one key store one message', async () => {
    const ann = await fresh('Ann');
    const bob = await fresh('Bob');
    const conversationId = await startConversation(server, ann, bob);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        api(server, 'POST', messagesPath(conversationId), {
          token: ann.token,
          json: { message: 'flaky network', type: 'text' },
          headers: { 'idempotency-key': 'retry-storm' },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((r) => r.body.data.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true').length).toBe(7);
    expect((await historyOf(server, bob, conversationId)).length).toBe(1);
  });
});

describe('form-encoded bodies behave like JSON', () => {
  it('register, login, start and send', async () => {
    const viaJson = await api(server, 'POST', '/api/register', {
      json: { name: 'Json Person', email: 'json.person@conv.test', password: PASSWORD, avatar: 'https://cdn.test/j.png' },
    });
    const viaForm = await api(server, 'POST', '/api/register', {
      form: { name: 'Form Person', email: 'form.person@conv.test', password: PASSWORD, avatar: 'https://cdn.test/f.png' },
    });
    expect([viaJson.status, viaForm.status]).toEqual([201, 201]);
    expect(viaForm.body).toEqual({
      status: true,
      message: 'Registered successfully',
      data: {
        token: expect.stringMatching(/^\d+\|\S{40}$/),
        token_type: 'Bearer',
        user: {
          id: viaJson.body.data.user.id + 1,
          name: 'Form Person',
          email: 'form.person@conv.test',
          avatar: 'https://cdn.test/f.png',
          created_at: expect.stringMatching(ISO_SECONDS),
          updated_at: expect.stringMatching(ISO_SECONDS),
        },
      },
    });
    expect(Object.keys(viaForm.body.data)).toEqual(Object.keys(viaJson.body.data));

    // Duplicate via form: the same 422 as via JSON.
    const dupForm = await api(server, 'POST', '/api/register', { form: { name: 'X', email: 'JSON.person@conv.test', password: PASSWORD } });
    const dupJson = await api(server, 'POST', '/api/register', { json: { name: 'X', email: 'json.PERSON@conv.test', password: PASSWORD } });
    expect([dupForm.status, dupJson.status]).toEqual([422, 422]);
    expect(dupForm.body).toEqual(dupJson.body);

    const loginForm = await api(server, 'POST', '/api/login', { form: { email: 'form.person@conv.test', password: PASSWORD } });
    const loginJson = await api(server, 'POST', '/api/login', { json: { email: 'form.person@conv.test', password: PASSWORD } });
    expect([loginForm.status, loginJson.status]).toEqual([200, 200]);
    expect({ ...loginForm.body, data: { ...loginForm.body.data, token: 'T' } }).toEqual({ ...loginJson.body, data: { ...loginJson.body.data, token: 'T' } });
    expect(loginForm.body.message).toBe('Logged in successfully');
    const formUser: TestUser = { id: viaForm.body.data.user.id, name: 'Form Person', email: 'form.person@conv.test', token: loginForm.body.data.token };
    const jsonUser: TestUser = { id: viaJson.body.data.user.id, name: 'Json Person', email: 'json.person@conv.test', token: viaJson.body.data.token };
    expect((await api(server, 'GET', '/api/user', { token: formUser.token })).body.data.id).toBe(formUser.id);

    const badLogin = await api(server, 'POST', '/api/login', { form: { email: 'form.person@conv.test', password: 'wrong-password' } });
    expect({ status: badLogin.status, body: badLogin.body }).toEqual({
      status: 422,
      body: { status: false, message: 'These credentials do not match our records.', errors: { email: ['These credentials do not match our records.'] } },
    });

    const started = await api(server, 'POST', '/api/chat/conversations/start', { token: formUser.token, form: { user_id: String(jsonUser.id) } });
    expect({ status: started.status, body: started.body }).toEqual({
      status: 201,
      body: { status: true, message: 'Conversation created successfully', data: { conversation_id: expect.any(Number) } },
    });
    const conversationId = started.body.data.conversation_id;
    const restarted = await api(server, 'POST', '/api/chat/conversations/start', { token: jsonUser.token, form: { user_id: String(formUser.id) } });
    expect([restarted.status, restarted.body.data.conversation_id]).toEqual([200, conversationId]);
    const selfForm = await api(server, 'POST', '/api/chat/conversations/start', { token: formUser.token, form: { user_id: String(formUser.id) } });
    expect([selfForm.status, selfForm.body.errors]).toEqual([422, { user_id: ['You cannot start a conversation with yourself'] }]);

    const sentForm = await api(server, 'POST', messagesPath(conversationId), { token: formUser.token, form: { message: 'hello via form', type: 'text' } });
    const sentJson = await api(server, 'POST', messagesPath(conversationId), { token: jsonUser.token, json: { message: 'hello via json', type: 'text' } });
    const noType = await api(server, 'POST', messagesPath(conversationId), { token: formUser.token, form: { message: 'no type given' } });
    expect([sentForm.status, sentJson.status, noType.status]).toEqual([201, 201, 201]);
    expect(sentForm.body).toEqual({
      status: true,
      message: 'Message sent successfully',
      data: {
        id: expect.any(Number),
        sender_id: formUser.id,
        message: 'hello via form',
        type: 'text',
        created_at: expect.stringMatching(ISO_SECONDS),
        conversation_id: conversationId,
        is_read: false,
        sender: { id: formUser.id, name: 'Form Person', avatar: 'https://cdn.test/f.png' },
        attachment: null,
      },
    });
    expect(Object.keys(sentForm.body.data)).toEqual(Object.keys(sentJson.body.data));
    expect(noType.body.data.type).toBe('text');
    const emptyForm = await api(server, 'POST', messagesPath(conversationId), { token: formUser.token, form: { type: 'text' } });
    expect({ status: emptyForm.status, body: emptyForm.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The message field is required.', errors: { message: ['The message field is required.'] } },
    });

    const history = await historyOf(server, jsonUser, conversationId);
    expect(history.map((m) => [m.sender_id, m.message, m.type])).toEqual([
      [formUser.id, 'hello via form', 'text'],
      [jsonUser.id, 'hello via json', 'text'],
      [formUser.id, 'no type given', 'text'],
    ]);
  });
});
