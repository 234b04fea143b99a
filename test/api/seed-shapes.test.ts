// Every seed example reproduced against a real server, shapes compared key by key and type by type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, sendText, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { ISO_SECONDS, SEED } from '../helpers/seed.js';
import { shapeDifferences } from '../helpers/shape.js';

for (const locale of ['en', 'ar'] as const) {
  const strings = {
    en: { created: 'Conversation created successfully', sent: 'Message sent successfully', justNow: '1 second ago' },
    ar: { created: 'تم إنشاء المحادثة بنجاح', sent: 'تم إرسال الرسالة بنجاح', justNow: 'منذ ثانية' },
  }[locale];

  describe(`seed API shapes (APP_LOCALE=${locale})`, () => {
    let server: TestServer;
    let ahmed: TestUser;
    let mohamed: TestUser;
    let conversationId: number;

    beforeAll(async () => {
      server = await startTestServer({ APP_LOCALE: locale });
      ahmed = await registerUser(server, 'أحمد محمد');
      mohamed = await registerUser(server, 'محمد');
    });
    afterAll(() => server.stop());

    it('POST /api/chat/conversations/start answers like the seed (201, then 200 with the same id)', async () => {
      const first = await api(server, 'POST', '/api/chat/conversations/start', { token: mohamed.token, json: { user_id: ahmed.id } });
      expect(first.status).toBe(201);
      expect(shapeDifferences(first.body, SEED.start)).toEqual([]);
      expect(first.body.message).toBe(strings.created);
      conversationId = first.body.data.conversation_id;
      expect(conversationId).toBe(1);

      const again = await api(server, 'POST', '/api/chat/conversations/start', { token: ahmed.token, json: { user_id: mohamed.id } });
      expect(again.status).toBe(200);
      expect(again.body.status).toBe(true);
      expect(again.body.data).toEqual({ conversation_id: conversationId });
    });

    it('an empty conversation is listed with latest_message null', async () => {
      const res = await api(server, 'GET', '/api/chat/conversations', { token: mohamed.token });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0].latest_message).toBeNull();
      expect(res.body.data[0].unread_count).toBe(0);
    });

    it('POST .../messages answers like the seed, with the localized message', async () => {
      const res = await api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, {
        token: mohamed.token,
        json: { message: 'كيف حالك؟', type: 'text' },
      });
      expect(res.status).toBe(201);
      expect(shapeDifferences(res.body, SEED.send)).toEqual([]);
      expect(res.body.message).toBe(strings.sent);
      expect(res.body.data).toMatchObject({ sender_id: mohamed.id, message: 'كيف حالك؟', type: 'text' });
      expect(res.body.data.created_at).toMatch(ISO_SECONDS);
    });

    it('GET /api/chat/conversations answers like the seed, relative time localized', async () => {
      const res = await api(server, 'GET', '/api/chat/conversations', { token: ahmed.token });
      expect(res.status).toBe(200);
      expect(shapeDifferences(res.body, SEED.conversations)).toEqual([]);
      const [row] = res.body.data;
      // the seed's keys, then last_seen_at (null: never connected to the real-time server)
      expect(row.other_user).toEqual({ id: mohamed.id, name: 'محمد', avatar: expect.stringMatching(/^https:\/\//), last_seen_at: null });
      expect(row.latest_message.message).toBe('كيف حالك؟');
      expect([strings.justNow, locale === 'en' ? '2 seconds ago' : 'منذ ثانيتين']).toContain(row.latest_message.created_at);
      expect(row.unread_count).toBe(1);
      expect(row.updated_at).toMatch(ISO_SECONDS);
    });

    it('GET .../messages answers like the seed and marks the other side read', async () => {
      const res = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages`, { token: ahmed.token });
      expect(res.status).toBe(200);
      expect(shapeDifferences(res.body, SEED.messages)).toEqual([]);
      expect(res.body.data[0]).toMatchObject({
        sender_id: mohamed.id,
        message: 'كيف حالك؟',
        type: 'text',
        is_read: true,
        sender: { id: mohamed.id, name: 'محمد' },
      });
      const list = await api(server, 'GET', '/api/chat/conversations', { token: ahmed.token });
      expect(list.body.data[0].unread_count).toBe(0);
    });

    it('sent message payloads keep every seed key of the message.sent event', async () => {
      const data = await sendText(server, ahmed, conversationId, 'مرحباً!');
      const res = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages?after_id=${data.id - 1}`, { token: mohamed.token });
      const item = res.body.data[0];
      // The list item carries everything the event carries.
      expect(shapeDifferences(item, SEED.messageSentEvent)).toEqual([]);
    });
  });
}

describe('relative times in the list, as Laravel Carbon words them', () => {
  let server: TestServer;
  afterAll(() => server.stop());

  it('APP_LOCALE=ar: a message from 5 minutes ago reads "منذ 5 دقائق", from 2 seconds ago "منذ ثانيتين"', async () => {
    server = await startTestServer({ APP_LOCALE: 'ar' });
    const ahmed = await registerUser(server, 'أحمد محمد');
    const me = await registerUser(server, 'محمد');
    const first = await sendTextIn(server, me, ahmed, 'مرحباً، كيف حالك؟');
    // Age the stored message: the list derives its relative time from created_at.
    const backdate = (id: number, ms: number) =>
      server.store.db.prepare('UPDATE messages SET created_at = ? WHERE id = ?').run(new Date(Date.now() - ms).toISOString(), id);
    backdate(first.id, 5 * 60_000 + 500);
    let res = await api(server, 'GET', '/api/chat/conversations', { token: ahmed.token });
    expect(res.body.data[0].latest_message).toMatchObject({ message: 'مرحباً، كيف حالك؟', created_at: 'منذ 5 دقائق' });
    backdate(first.id, 2_000);
    res = await api(server, 'GET', '/api/chat/conversations', { token: ahmed.token });
    expect(res.body.data[0].latest_message.created_at).toBe('منذ ثانيتين');
  });
});

async function sendTextIn(server: TestServer, from: TestUser, to: TestUser, text: string) {
  const start = await api(server, 'POST', '/api/chat/conversations/start', { token: from.token, json: { user_id: to.id } });
  return sendText(server, from, start.body.data.conversation_id, text);
}
