// Issue 7 item 1: a body value shaped like the server's internal upload record must never become
// an attachment (JSON, form or a multipart text field), and a stored name is checked again when
// a download is served. Over real HTTP against a real server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyOf, registerAs, upload, uploadsIn } from '../helpers/flows.js';
import { api, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const FILE_ERROR = { file: ['The file field must be a file.'] };

function forged(storedName: string, size = 120) {
  return {
    kind: 'uploaded-file',
    path: join('/', storedName),
    storedName,
    originalName: 'secret.json',
    declaredMime: 'application/json',
    imageMime: null,
    size,
    sha256: 'a'.repeat(64),
  };
}

describe('forged upload records', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerAs(server, 'Ann', 'ann@forged.test');
    bob = await registerAs(server, 'Bob', 'bob@forged.test');
    conversationId = await startConversation(server, ann, bob);
  });
  afterAll(() => server.stop());

  const sendPath = () => `/api/chat/conversations/${conversationId}/messages`;

  it.each([
    ['../pusher-app.json', 120],
    ['.', 0],
    ['../chat.sqlite', 999_999_999],
    ['/etc/passwd', 5],
  ])('JSON file=%s (size %d) is a 422 and stores nothing', async (storedName, size) => {
    const before = await historyOf(server, ann, conversationId);
    const res = await api(server, 'POST', sendPath(), {
      token: ann.token,
      json: { type: 'file', message: 'hi', file: forged(storedName, size) },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ status: false, message: 'The file field must be a file.', errors: FILE_ERROR });
    expect(await historyOf(server, ann, conversationId)).toEqual(before);
  });

  it('a JSON file string, a form field and a multipart text field named file are all refused', async () => {
    const before = await historyOf(server, ann, conversationId);
    const asString = await api(server, 'POST', sendPath(), { token: ann.token, json: { message: 'x', file: 'pusher-app.json' } });
    expect(asString.status).toBe(422);
    expect(asString.body.errors).toEqual(FILE_ERROR);

    const asForm = await api(server, 'POST', sendPath(), { token: ann.token, form: { message: 'x', file: '../pusher-app.json' } });
    expect(asForm.status).toBe(422);
    expect(asForm.body.errors).toEqual(FILE_ERROR);

    const form = new FormData();
    form.append('message', 'x');
    form.append('file', JSON.stringify(forged('../pusher-app.json')));
    const asPart = await api(server, 'POST', sendPath(), { token: ann.token, body: form });
    expect(asPart.status).toBe(422);
    expect(asPart.body.errors).toEqual(FILE_ERROR);
    expect(await historyOf(server, ann, conversationId)).toEqual(before);
  });

  it('neither side can download anything but a real upload', async () => {
    const text = await api(server, 'POST', sendPath(), { token: ann.token, json: { message: 'plain' } });
    expect(text.status).toBe(201);
    for (const user of [ann, bob]) {
      const res = await api(server, 'GET', `/api/chat/messages/${text.body.data.id}/attachment`, { token: user.token });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ status: false, message: 'Not Found' });
    }
  });

  it('a stored attachment whose name the server did not generate is a 404 when served, never the file', async () => {
    // A row written by an older, vulnerable version: the download must still refuse it.
    const secret = join(server.dir, 'pusher-app.json');
    writeFileSync(join(server.dir, 'outside.txt'), 'outside');
    const db = server.store.db;
    for (const storedName of ['../pusher-app.json', '.', '../outside.txt', '0123456789abcdef0123456789abcdef']) {
      const attachment = JSON.stringify({ storedName, originalName: 'x.json', mime: 'application/json', size: 7 });
      const row = db
        .prepare(
          `INSERT INTO messages (conversation_id, sender_id, type, body, attachment, created_at) VALUES (?, ?, 'file', '', ?, ?) RETURNING id`,
        )
        .get(conversationId, ann.id, attachment, new Date().toISOString()) as { id: number };
      for (const user of [ann, bob]) {
        const res = await api(server, 'GET', `/api/chat/messages/${row.id}/attachment`, { token: user.token });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ status: false, message: 'Not Found' });
      }
    }
    expect(secret).toContain('pusher-app.json');
    expect(uploadsIn(server.dir)).toEqual([]);
  });

  it('a recorded size that differs from the file never reaches Content-Length (keep-alive stays intact)', async () => {
    const res = await upload(server, ann, conversationId, { file: { bytes: 'exactly these bytes', name: 'n.txt', mime: 'text/plain' } });
    expect(res.status).toBe(201);
    const id = res.body.data.id as number;
    server.store.db.prepare(`UPDATE messages SET attachment = json_set(attachment, '$.size', 999999) WHERE id = ?`).run(id);
    for (let i = 0; i < 3; i++) {
      const got = await fetch(`${server.url}/api/chat/messages/${id}/attachment`, { headers: { authorization: `Bearer ${bob.token}` } });
      expect(got.status).toBe(200);
      expect(got.headers.get('content-length')).toBe('19');
      expect(await got.text()).toBe('exactly these bytes');
    }
  });
});
