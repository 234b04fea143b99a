// One behaviour suite for every ChatStore: SQLite (the default) and PostgreSQL must answer alike,
// down to the types (integers as numbers, times as ISO strings).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatStore } from '../../src/server/store/index.js';
import { openStoreUnderTest, type StoreKind, type StoreUnderTest } from '../helpers/stores.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each<StoreKind>(['sqlite', 'pgsql'])('%s store behaviour', (kind) => {
  let under: StoreUnderTest;
  let store: StoreUnderTest['store'];
  let clock: Date;

  beforeEach(async () => {
    clock = new Date('2026-01-25T10:00:00.000Z');
    under = await openStoreUnderTest(kind, () => clock);
    store = under.store;
  });
  afterEach(async () => {
    await under.dispose();
  });

  const tick = (ms = 1000) => {
    clock = new Date(clock.getTime() + ms);
  };

  async function pair(s: ChatStore = store) {
    const a = await s.createUser({ name: 'Ann', email: 'ann@example.com', passwordHash: 'x' });
    const b = await s.createUser({ name: 'bob', email: 'bob@example.com', passwordHash: 'y', avatar: 'https://example.com/b.png' });
    const { conversationId } = await s.findOrCreateConversation(a.id, b.id);
    return { a, b, conversationId };
  }

  const text = (conversationId: number, senderId: number, body: string, idempotency?: { key: string; requestHash: string }) =>
    store.sendMessage({ conversationId, senderId, type: 'text', body, attachment: null, ...(idempotency ? { idempotency } : {}) });

  it('creates users with numeric ids and ISO times, and keeps e-mails unique regardless of case', async () => {
    const user = await store.createUser({ name: 'Ann', email: 'Ann@Example.com', passwordHash: 'hash', avatar: null });
    expect(user).toEqual({ id: 1, name: 'Ann', email: 'Ann@Example.com', avatar: null, createdAt: '2026-01-25T10:00:00.000Z', updatedAt: '2026-01-25T10:00:00.000Z' });
    await expect(store.createUser({ name: 'B', email: 'ann@example.COM', passwordHash: 'x' })).rejects.toThrow('A user with the e-mail ann@example.COM already exists.');
    expect(await store.findUserByEmail('ANN@EXAMPLE.COM')).toEqual({ ...user, passwordHash: 'hash' });
    expect(await store.findUserById(user.id)).toEqual(user);
    expect(await store.findUserById(999)).toBeNull();
    expect(await store.findUserByEmail('nobody@example.com')).toBeNull();
  });

  it.each([
    ['zoë@example.test', 'ZOË@example.test'],
    ['straße@example.de', 'STRASSE@example.de'],
    ['jos\u00e9@example.test', 'jose\u0301@example.test'],
  ])('folds e-mails (NFC + full case fold): %s then %s is taken, found by either', async (first, second) => {
    const user = await store.createUser({ name: 'A', email: first, passwordHash: 'x' });
    await expect(store.createUser({ name: 'B', email: second, passwordHash: 'x' })).rejects.toThrow('already exists');
    expect((await store.findUserByEmail(second))?.id).toBe(user.id);
    expect((await store.findUserByEmail(first))?.email).toBe(first);
    expect((await store.listUsers({ search: second, limit: 5 })).map((u) => u.id)).toEqual([user.id]);
  });

  it('searches names by substring and e-mails only exactly, sorted case-insensitively', async () => {
    const zed = await store.createUser({ name: 'zed', email: 'zed@example.com', passwordHash: 'x' });
    const amy = await store.createUser({ name: 'Amy 100%', email: 'amy@example.com', passwordHash: 'x' });
    const bea = await store.createUser({ name: 'bea', email: 'bea@example.com', passwordHash: 'x' });
    expect((await store.listUsers({ limit: 10 })).map((u) => u.id)).toEqual([amy.id, bea.id, zed.id]);
    expect((await store.listUsers({ limit: 10, excludeUserId: bea.id })).map((u) => u.id)).toEqual([amy.id, zed.id]);
    expect((await store.listUsers({ limit: 1 })).map((u) => u.id)).toEqual([amy.id]);
    expect((await store.listUsers({ search: 'E', limit: 10 })).map((u) => u.name)).toEqual(['bea', 'zed']);
    expect((await store.listUsers({ search: '%', limit: 10 })).map((u) => u.name)).toEqual(['Amy 100%']);
    expect((await store.listUsers({ search: 'example.com', limit: 10 })).map((u) => u.name)).toEqual([]);
    expect((await store.listUsers({ search: 'ZED@example.com', limit: 10 })).map((u) => u.name)).toEqual(['zed']);
  });

  it('accepts only the exact live token and records last use at most once a minute', async () => {
    const user = await store.createUser({ name: 'A', email: 'a@example.com', passwordHash: 'x' });
    const { token, plainText } = await store.createToken(user.id, 'cli');
    expect(token).toEqual({ id: 1, userId: user.id, name: 'cli', lastUsedAt: null, revokedAt: null, createdAt: '2026-01-25T10:00:00.000Z' });
    const [id, secret] = plainText.split('|');
    expect(Number(id)).toBe(token.id);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{40}$/);
    tick();
    expect(await store.authenticateToken(plainText)).toEqual({ token: { ...token, lastUsedAt: '2026-01-25T10:00:01.000Z' }, user });
    tick(30_000);
    expect((await store.authenticateToken(plainText))?.token.lastUsedAt).toBe('2026-01-25T10:00:01.000Z');
    tick(31_000);
    expect((await store.authenticateToken(plainText))?.token.lastUsedAt).toBe('2026-01-25T10:01:02.000Z');
    // One character changed (never to itself: a secret may already end in x).
    const wrongLast = secret?.endsWith('x') ? 'y' : 'x';
    expect(await store.authenticateToken(`${id}|${secret?.slice(0, -1)}${wrongLast}`)).toBeNull();
    expect(await store.authenticateToken(`999|${secret}`)).toBeNull();
    expect(await store.authenticateToken(`99999999999999999999|${secret}`)).toBeNull();
    expect((await store.listTokens(user.id)).map((t) => t.id)).toEqual([token.id]);
    expect(await store.listTokens(user.id + 1)).toEqual([]);
    const second = await store.createToken(user.id, 'tui');
    expect(await store.revokedTokenIds([])).toEqual([]);
    expect(await store.revokedTokenIds([token.id, second.token.id, 999])).toEqual([999]);
    expect(await store.revokeToken(token.id)).toBe(true);
    expect(await store.revokedTokenIds([token.id, second.token.id])).toEqual([token.id]);
    expect(await store.revokeToken(token.id)).toBe(false);
    expect(await store.authenticateToken(plainText)).toBeNull();
    expect((await store.listTokens())[0]?.revokedAt).toBe('2026-01-25T10:01:02.000Z');
  });

  it('has one conversation per unordered pair, with both participants', async () => {
    const { a, b, conversationId } = await pair();
    expect(await store.findOrCreateConversation(b.id, a.id)).toEqual({ conversationId, created: false });
    expect(await store.getParticipants(conversationId)).toEqual([
      { userId: a.id, lastReadMessageId: 0, lastReadAt: null },
      { userId: b.id, lastReadMessageId: 0, lastReadAt: null },
    ]);
    expect(await store.getParticipants(conversationId + 1)).toBeNull();
    expect(await store.getConversationSummary(conversationId, a.id)).toEqual({
      id: conversationId,
      otherUser: { id: b.id, name: 'bob', avatar: 'https://example.com/b.png', lastSeenAt: null },
      latestMessage: null,
      unreadCount: 0,
      updatedAt: '2026-01-25T10:00:00.000Z',
      createdAt: '2026-01-25T10:00:00.000Z',
    });
  });

  it('lists conversation partners, most recent conversation first, and records when a user was last seen', async () => {
    const { a, b } = await pair();
    const c = await store.createUser({ name: 'Cy', email: 'cy@example.com', passwordHash: 'x' });
    tick();
    const { conversationId: withCy } = await store.findOrCreateConversation(c.id, a.id);
    expect(await store.listPartnerIds(a.id, 100)).toEqual([c.id, b.id]);
    expect(await store.listPartnerIds(a.id, 1)).toEqual([c.id]);
    expect(await store.listPartnerIds(b.id, 100)).toEqual([a.id]);
    await store.markSeen(c.id, '2026-01-25T10:05:00.000Z');
    expect((await store.getConversationSummary(withCy, a.id))?.otherUser).toEqual({ id: c.id, name: 'Cy', avatar: null, lastSeenAt: '2026-01-25T10:05:00.000Z' });
    expect((await store.listConversations(a.id)).map((s) => s.otherUser.lastSeenAt)).toEqual(['2026-01-25T10:05:00.000Z', null]);
  });

  it('stores messages with their attachment and answers summaries, newest conversation first', async () => {
    const { a, b, conversationId } = await pair();
    const c = await store.createUser({ name: 'Cy', email: 'cy@example.com', passwordHash: 'x' });
    const { conversationId: second } = await store.findOrCreateConversation(a.id, c.id);
    tick();
    const attachment = { storedName: 'f1.png', originalName: 'cat.png', mime: 'image/png', size: 1234 };
    const sent = await store.sendMessage({ conversationId, senderId: b.id, type: 'image', body: 'look', attachment });
    // `summaries` is optional (SqliteStore gives them, PostgresStore lets the route read them back).
    expect(sent.kind).toBe('created');
    expect(sent.kind === 'created' ? sent.message : null).toEqual({
        id: 1, conversationId, senderId: b.id, type: 'image', body: 'look', attachment, createdAt: '2026-01-25T10:00:01.000Z', isRead: false,
        sender: { id: b.id, name: 'bob', avatar: 'https://example.com/b.png' },
    });
    expect(await store.getMessage(1)).toEqual(sent.kind === 'created' ? sent.message : null);
    // When a store hands back the list rows of the send, they are exactly what it would read back.
    if (sent.kind === 'created' && sent.summaries) {
      for (const { userId, summary } of sent.summaries) expect(summary).toEqual(await store.getConversationSummary(conversationId, userId));
      expect(sent.summaries.map((s) => s.userId).sort()).toEqual([a.id, b.id].sort());
    }
    expect(await store.getMessage(2)).toBeNull();
    const list = await store.listConversations(a.id);
    expect(list.map((s) => [s.id, s.unreadCount, s.latestMessage?.body ?? null])).toEqual([
      [conversationId, 1, 'look'],
      [second, 0, null],
    ]);
    expect(list[0]?.latestMessage).toEqual({ id: 1, senderId: b.id, type: 'image', body: 'look', createdAt: '2026-01-25T10:00:01.000Z' });
    expect(list[0]?.updatedAt).toMatch(ISO);
    expect((await store.listConversations(b.id)).map((s) => s.unreadCount)).toEqual([0]);
  });

  it('pages history before and after an id, oldest first', async () => {
    const { a, b, conversationId } = await pair();
    for (let i = 1; i <= 5; i++) await text(conversationId, i % 2 ? a.id : b.id, `m${i}`);
    const body = (page: { body: string }[]) => page.map((m) => m.body);
    expect(body(await store.listMessages(conversationId, { limit: 2 }))).toEqual(['m4', 'm5']);
    expect(body(await store.listMessages(conversationId, { limit: 2, beforeId: 4 }))).toEqual(['m2', 'm3']);
    expect(body(await store.listMessages(conversationId, { limit: 2, afterId: 1 }))).toEqual(['m2', 'm3']);
    expect(body(await store.listMessages(conversationId, { limit: 10, afterId: 5 }))).toEqual([]);
    expect(body(await store.listMessages(conversationId + 1, { limit: 10 }))).toEqual([]);
  });

  it('replays an idempotent send, refuses the key for a different request, and prunes keys after 48 h', async () => {
    const { a, conversationId } = await pair();
    const first = await text(conversationId, a.id, 'hi', { key: 'k1', requestHash: 'h1' });
    expect(first.kind).toBe('created');
    expect(await text(conversationId, a.id, 'hi', { key: 'k1', requestHash: 'h1' })).toEqual({ kind: 'replayed', message: first.kind === 'created' ? first.message : null });
    expect(await text(conversationId, a.id, 'other', { key: 'k1', requestHash: 'h2' })).toEqual({ kind: 'key-reused-with-different-request' });
    expect((await store.listMessages(conversationId, { limit: 10 })).length).toBe(1);
    tick(47 * 3600_000);
    expect(await store.pruneIdempotencyKeys()).toBe(0);
    tick(2 * 3600_000);
    expect(await store.pruneIdempotencyKeys()).toBe(1);
    expect((await text(conversationId, a.id, 'other', { key: 'k1', requestHash: 'h2' })).kind).toBe('created');
  });

  it('moves the read watermark only forwards, keeps unread counts, and marks messages read', async () => {
    const { a, b, conversationId } = await pair();
    for (const body of ['1', '2', '3']) await text(conversationId, a.id, body);
    expect(await store.unreadCount(conversationId, b.id)).toBe(3);
    expect(await store.unreadCount(conversationId, a.id)).toBe(0);
    tick();
    expect(await store.markRead(conversationId, b.id)).toEqual({ changed: true, lastReadMessageId: 3, lastReadAt: '2026-01-25T10:00:01.000Z' });
    tick();
    expect(await store.markRead(conversationId, b.id)).toEqual({ changed: false, lastReadMessageId: 3, lastReadAt: '2026-01-25T10:00:01.000Z' });
    expect(await store.unreadCount(conversationId, b.id)).toBe(0);
    expect((await store.listMessages(conversationId, { limit: 2 })).map((m) => [m.body, m.isRead])).toEqual([['2', true], ['3', true]]);
    // b answers: a has one unread, b's own watermark moves to its message.
    await text(conversationId, b.id, '4');
    expect(await store.unreadCount(conversationId, a.id)).toBe(1);
    expect(await store.unreadCount(conversationId, b.id)).toBe(0);
    expect((await store.getParticipants(conversationId))?.map((p) => p.lastReadMessageId)).toEqual([3, 4]);
    expect((await store.getMessage(4))?.isRead).toBe(false);
    await store.markRead(conversationId, a.id);
    expect((await store.getMessage(4))?.isRead).toBe(true);
    expect((await store.listConversations(a.id))[0]?.unreadCount).toBe(0);
  });

  it('holds its invariants with two instances writing at once', async () => {
    const other = await under.another();
    const { a, b, conversationId } = await pair();
    // Concurrent find-or-create from both instances: one conversation, created exactly once.
    const c = await store.createUser({ name: 'Cy', email: 'cy@example.com', passwordHash: 'x' });
    const starts = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).findOrCreateConversation(i % 3 ? a.id : c.id, i % 3 ? c.id : a.id)));
    expect(new Set(starts.map((s) => s.conversationId)).size).toBe(1);
    expect(starts.filter((s) => s.created).length).toBe(1);

    // Concurrent retries of one idempotent send: one message, every other answer a replay of it.
    const sends = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      (i % 2 ? store : other).sendMessage({ conversationId, senderId: a.id, type: 'text', body: 'once', attachment: null, idempotency: { key: 'same', requestHash: 'h' } })));
    expect(sends.filter((s) => s.kind === 'created').length).toBe(1);
    expect(sends.filter((s) => s.kind === 'replayed').length).toBe(5);
    expect(new Set(sends.map((s) => (s.kind === 'key-reused-with-different-request' ? 0 : s.message.id))).size).toBe(1);

    // Interleaved sends and reads: counters match the messages, watermarks never move back.
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      work.push((i % 2 ? store : other).sendMessage({ conversationId, senderId: i % 3 ? a.id : b.id, type: 'text', body: `x${i}`, attachment: null }));
      if (i % 4 === 0) work.push((i % 8 ? other : store).markRead(conversationId, b.id));
    }
    await Promise.all(work);
    const messages = await store.listMessages(conversationId, { limit: 100 });
    expect(messages.map((m) => m.id)).toEqual([...messages.map((m) => m.id)].sort((x, y) => x - y));
    expect(messages.length).toBe(11);
    const participants = (await store.getParticipants(conversationId)) ?? [];
    for (const p of participants) {
      const expected = messages.filter((m) => m.senderId !== p.userId && m.id > p.lastReadMessageId).length;
      expect(await store.unreadCount(conversationId, p.userId)).toBe(expected);
      expect(await other.unreadCount(conversationId, p.userId)).toBe(expected);
    }
    const before = participants.find((p) => p.userId === b.id)?.lastReadMessageId ?? 0;
    await Promise.all([store.markRead(conversationId, b.id), other.markRead(conversationId, b.id)]);
    const after = (await store.getParticipants(conversationId))?.find((p) => p.userId === b.id)?.lastReadMessageId ?? 0;
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after).toBe(messages[messages.length - 1]?.id);
  });
});
