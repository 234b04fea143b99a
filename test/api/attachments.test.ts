// Attachments over real multipart HTTP: upload shapes, type inference, exact-byte downloads with
// headers, access control, refusals (422/403/413) that leave nothing on disk or in the database,
// and idempotent upload retries.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, historyOf, ISO_SECONDS, registerAs, rowOf, tinyPng, upload, uploadsIn } from '../helpers/flows.js';
import { api, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

const PNG = tinyPng();
const NOTES = 'line one\nline two — ünïcødé\n';

async function download(server: { url: string }, messageId: number, token?: string) {
  const response = await fetch(`${server.url}/api/chat/messages/${messageId}/attachment`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('attachments', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let conversationId: number;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerAs(server, 'Ann', 'ann@files.test', { avatar: 'https://cdn.test/ann.png' });
    bob = await registerAs(server, 'Bob', 'bob@files.test');
    eve = await registerAs(server, 'Eve', 'eve@files.test');
    conversationId = await startConversation(server, ann, bob);
  });
  afterAll(() => server.stop());

  const url = (id: number) => `${server.url}/api/chat/messages/${id}/attachment`;

  it('type=image with a real PNG: 201, the download URL as text, exact bytes back inline', async () => {
    expect(PNG.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const before = uploadsIn(server.dir);
    const res = await upload(server, ann, conversationId, { type: 'image', file: { bytes: PNG, name: 'pixel.png', mime: 'image/png' } });
    expect(res.status).toBe(201);
    const id = res.body.data.id;
    expect(res.body).toEqual({
      status: true,
      message: 'Message sent successfully',
      data: {
        id: expect.any(Number),
        sender_id: ann.id,
        message: url(id),
        type: 'image',
        created_at: expect.stringMatching(ISO_SECONDS),
        conversation_id: conversationId,
        is_read: false,
        sender: { id: ann.id, name: 'Ann', avatar: 'https://cdn.test/ann.png' },
        attachment: { url: url(id), name: 'pixel.png', mime: 'image/png', size: PNG.length },
      },
    });

    // Exactly one new file on disk, holding exactly the bytes sent.
    const added = uploadsIn(server.dir).filter((f) => !before.includes(f));
    expect(added.length).toBe(1);
    expect(readFileSync(join(server.dir, 'uploads', added[0]!))).toEqual(PNG);

    for (const user of [bob, ann]) {
      const got = await download(server, id, user.token);
      expect(got.status).toBe(200);
      expect(got.bytes).toEqual(PNG);
      expect(got.headers.get('content-type')).toBe('image/png');
      expect(got.headers.get('content-length')).toBe(String(PNG.length));
      expect(got.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''pixel.png");
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    }

    // The history shows the same message.
    const history = await historyOf(server, bob, conversationId);
    expect(history.find((m) => m.id === id)).toEqual({
      id,
      conversation_id: conversationId,
      sender_id: ann.id,
      message: url(id),
      type: 'image',
      is_read: true,
      created_at: res.body.data.created_at,
      sender: { id: ann.id, name: 'Ann', avatar: 'https://cdn.test/ann.png' },
      attachment: { url: url(id), name: 'pixel.png', mime: 'image/png', size: PNG.length },
    });
  });

  it('type=file with a caption: the caption as text, downloaded as an attachment with the exact bytes', async () => {
    const res = await upload(server, bob, conversationId, {
      type: 'file',
      message: 'the notes',
      file: { bytes: NOTES, name: 'notes.txt', mime: 'text/plain' },
    });
    expect(res.status).toBe(201);
    const id = res.body.data.id;
    expect(res.body.data).toMatchObject({
      sender_id: bob.id,
      message: 'the notes',
      type: 'file',
      attachment: { url: url(id), name: 'notes.txt', mime: 'text/plain', size: Buffer.byteLength(NOTES) },
    });

    const got = await download(server, id, ann.token);
    expect(got.status).toBe(200);
    expect(got.bytes.toString('utf8')).toBe(NOTES);
    expect(got.bytes).toEqual(Buffer.from(NOTES));
    // Non-images are never rendered by the browser: a download with a neutral type.
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''notes.txt");
    expect(got.headers.get('content-length')).toBe(String(Buffer.byteLength(NOTES)));
  });

  it('without a type: inferred from the bytes (PNG → image, text → file), names kept', async () => {
    const image = await upload(server, ann, conversationId, { file: { bytes: PNG, name: 'no-type.bin', mime: 'application/octet-stream' } });
    expect(image.status).toBe(201);
    expect(image.body.data.type).toBe('image');
    expect(image.body.data.attachment).toEqual({ url: url(image.body.data.id), name: 'no-type.bin', mime: 'image/png', size: PNG.length });

    const text = await upload(server, ann, conversationId, { file: { bytes: 'plain words', name: 'تقرير 1.txt', mime: 'text/plain' } });
    expect(text.status).toBe(201);
    expect(text.body.data.type).toBe('file');
    expect(text.body.data.message).toBe(url(text.body.data.id));
    expect(text.body.data.attachment).toEqual({ url: url(text.body.data.id), name: 'تقرير 1.txt', mime: 'text/plain', size: 11 });
    const got = await download(server, text.body.data.id, bob.token);
    expect(got.bytes.toString()).toBe('plain words');
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('تقرير 1.txt')}`);

  });

  it('a declared image type the bytes do not back up is served as a download, never inline', async () => {
    // SVG (script-capable) and a fake PNG: neither sniffs as an image, so both are plain files.
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"></svg>';
    for (const [name, mime, bytes] of [
      ['evil.svg', 'image/svg+xml', svg],
      ['fake.png', 'image/png', '<html><script>alert(1)</script></html>'],
    ] as const) {
      const res = await upload(server, ann, conversationId, { file: { bytes, name, mime } });
      expect([name, res.status, res.body.data.type]).toEqual([name, 201, 'file']);
      const got = await download(server, res.body.data.id, bob.token);
      expect(got.bytes.toString()).toBe(bytes);
      expect({ name, type: got.headers.get('content-type'), disposition: got.headers.get('content-disposition') }).toEqual({
        name,
        type: 'application/octet-stream',
        disposition: `attachment; filename*=UTF-8''${name}`,
      });
    }
  });

  it('the conversation list previews an upload with the same text the history shows', async () => {
    const res = await upload(server, ann, conversationId, { type: 'image', file: { bytes: PNG, name: 'preview.png', mime: 'image/png' } });
    expect(res.status).toBe(201);
    const row = await rowOf(server, bob, conversationId);
    expect(row.latest_message.id).toBe(res.body.data.id);
    expect(row.latest_message.type).toBe('image');
    // A caption-less upload is shown by its URL everywhere (send reply, history, message.sent);
    // an empty preview in the list would be the only place where it is blank.
    expect(row.latest_message.message).toBe(res.body.data.message);
  });

  it('downloads are for participants only: 403 stranger, 401 no token, 404 unknown or text message', async () => {
    const res = await upload(server, ann, conversationId, { type: 'file', file: { bytes: 'private', name: 'p.txt', mime: 'text/plain' } });
    const id = res.body.data.id;
    const text = await sendText(server, ann, conversationId, 'just text');

    const stranger = await api(server, 'GET', `/api/chat/messages/${id}/attachment`, { token: eve.token });
    expect({ status: stranger.status, body: stranger.body }).toEqual({
      status: 403,
      body: { status: false, message: 'You are not a participant in this conversation' },
    });
    expect(stranger.text).not.toContain('private');
    const anonymous = await api(server, 'GET', `/api/chat/messages/${id}/attachment`);
    expect({ status: anonymous.status, body: anonymous.body }).toEqual({ status: 401, body: { status: false, message: 'Unauthenticated.' } });
    for (const missing of [id + 100_000, text.id]) {
      const res404 = await api(server, 'GET', `/api/chat/messages/${missing}/attachment`, { token: ann.token });
      expect({ status: res404.status, body: res404.body }).toEqual({ status: 404, body: { status: false, message: 'Not Found' } });
    }
  });

  it('refused uploads (403, 422) store no message and leave no file behind', async () => {
    await eventually(() => expect(uploadsIn(server.dir).length).toBeGreaterThan(0));
    const before = uploadsIn(server.dir);
    const historyBefore = (await historyOf(server, ann, conversationId, 'limit=200')).map((m) => m.id);

    const stranger = await upload(server, eve, conversationId, { type: 'image', file: { bytes: PNG, name: 'x.png', mime: 'image/png' } });
    expect({ status: stranger.status, body: stranger.body }).toEqual({
      status: 403,
      body: { status: false, message: 'You are not a participant in this conversation' },
    });

    const notImage = await upload(server, ann, conversationId, { type: 'image', file: { bytes: NOTES, name: 'notes.png', mime: 'image/png' } });
    expect({ status: notImage.status, body: notImage.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The file field must be an image.', errors: { file: ['The file field must be an image.'] } },
    });

    const emptyFile = await upload(server, ann, conversationId, { type: 'file', file: { bytes: '', name: 'empty.txt', mime: 'text/plain' } });
    expect({ status: emptyFile.status, body: emptyFile.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The file field must be a file.', errors: { file: ['The file field must be a file.'] } },
    });

    const badType = await upload(server, ann, conversationId, { type: 'video', file: { bytes: PNG, name: 'x.png', mime: 'image/png' } });
    expect({ status: badType.status, body: badType.body }).toEqual({
      status: 422,
      body: { status: false, message: 'The selected type is invalid.', errors: { type: ['The selected type is invalid.'] } },
    });

    const textWithFile = await upload(server, ann, conversationId, { type: 'text', message: 'hi', file: { bytes: PNG, name: 'x.png', mime: 'image/png' } });
    expect({ status: textWithFile.status, body: textWithFile.body }).toEqual({
      status: 422,
      body: { status: false, message: 'Text messages cannot carry a file', errors: { type: ['Text messages cannot carry a file'] } },
    });

    const unknownConversation = await upload(server, ann, 987654, { type: 'image', file: { bytes: PNG, name: 'x.png', mime: 'image/png' } });
    expect({ status: unknownConversation.status, body: unknownConversation.body }).toEqual({ status: 404, body: { status: false, message: 'Not Found' } });

    await eventually(() => expect(uploadsIn(server.dir)).toEqual(before));
    expect((await historyOf(server, ann, conversationId, 'limit=200')).map((m) => m.id)).toEqual(historyBefore);
  });

  it('an idempotent retry of an upload stores one message and one file', async () => {
    const before = uploadsIn(server.dir);
    const key = { 'idempotency-key': 'upload-attempt-1' };
    const file = { bytes: PNG, name: 'retry.png', mime: 'image/png' };
    const first = await upload(server, bob, conversationId, { type: 'image', message: 'look', file }, key);
    const second = await upload(server, bob, conversationId, { type: 'image', message: 'look', file }, key);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);

    // Same key, different bytes: refused, nothing kept.
    const other = await upload(server, bob, conversationId, { type: 'image', message: 'look', file: { ...file, bytes: Buffer.concat([PNG, Buffer.from([0])]) } }, key);
    expect({ status: other.status, body: other.body }).toEqual({
      status: 422,
      body: { status: false, message: 'This Idempotency-Key was already used for a different request' },
    });

    await eventually(() => expect(uploadsIn(server.dir).filter((f) => !before.includes(f)).length).toBe(1));
    const added = uploadsIn(server.dir).filter((f) => !before.includes(f));
    expect(readFileSync(join(server.dir, 'uploads', added[0]!))).toEqual(PNG);
    const matching = (await historyOf(server, ann, conversationId, 'limit=200')).filter((m) => m.attachment?.name === 'retry.png');
    expect(matching.map((m) => m.id)).toEqual([first.body.data.id]);
    const got = await download(server, first.body.data.id, ann.token);
    expect(got.bytes).toEqual(PNG);
  });
});

describe('upload size limit (CHATCTL_MAX_UPLOAD_MB=0.01)', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;
  const LIMIT = Math.round(0.01 * 1024 * 1024); // 10486 bytes

  beforeAll(async () => {
    server = await startTestServer({ CHATCTL_MAX_UPLOAD_MB: '0.01' });
    ann = await registerAs(server, 'Ann', 'ann@small.test');
    bob = await registerAs(server, 'Bob', 'bob@small.test');
    conversationId = await startConversation(server, ann, bob);
  });
  afterAll(() => server.stop());

  it('refuses a file one byte over the limit with 413, storing nothing', async () => {
    expect(server.config.maxUploadBytes).toBe(LIMIT);
    const big = Buffer.alloc(LIMIT + 1, 0x61);
    const res = await upload(server, ann, conversationId, { type: 'file', file: { bytes: big, name: 'big.txt', mime: 'text/plain' } });
    expect({ status: res.status, body: res.body }).toEqual({ status: 413, body: { status: false, message: 'The request is too large' } });
    await eventually(() => expect(uploadsIn(server.dir)).toEqual([]));
    expect(await historyOf(server, bob, conversationId)).toEqual([]);
    expect((await rowOf(server, bob, conversationId)).latest_message).toBeNull();
  });

  it('refuses a much larger file the same way, then still accepts one at the limit', async () => {
    const huge = Buffer.alloc(LIMIT * 20, 0x62);
    const res = await upload(server, ann, conversationId, { file: { bytes: huge, name: 'huge.bin' } });
    expect({ status: res.status, body: res.body }).toEqual({ status: 413, body: { status: false, message: 'The request is too large' } });
    await eventually(() => expect(uploadsIn(server.dir)).toEqual([]));

    const exact = Buffer.alloc(LIMIT, 0x63);
    const ok = await upload(server, ann, conversationId, { type: 'file', file: { bytes: exact, name: 'exact.txt', mime: 'text/plain' } });
    expect(ok.status).toBe(201);
    expect(ok.body.data.attachment.size).toBe(LIMIT);
    expect((await download(server, ok.body.data.id, bob.token)).bytes).toEqual(exact);
    await eventually(() => expect(uploadsIn(server.dir).length).toBe(1));
    expect((await historyOf(server, bob, conversationId)).map((m) => m.id)).toEqual([ok.body.data.id]);
  });
});
