// A table of bad requests: each gets its status code and the JSON envelope, never a 500,
// never HTML, never a stack trace; the server stays healthy after all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, registerUser, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

interface BadRequest {
  name: string;
  method: string;
  path: string | (() => string);
  auth?: boolean;
  headers?: Record<string, string>;
  body?: string | (() => string);
  status: number;
  message?: string | RegExp;
  errors?: string[];
}

describe('bad requests', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerUser(server, 'Ann');
    bob = await registerUser(server, 'Bob');
    conversationId = await startConversation(server, ann, bob);
  });
  afterAll(() => server.stop());

  const json = { 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const messages = () => `/api/chat/conversations/${conversationId}/messages`;

  const table: BadRequest[] = [
    // unknown routes and ids
    { name: 'unknown route', method: 'GET', path: '/api/nope', status: 404, message: 'Not Found' },
    { name: 'unknown nested route', method: 'GET', path: '/api/chat/conversations/1/nope', auth: true, status: 404 },
    { name: 'wrong method on known path', method: 'DELETE', path: '/api/chat/conversations', auth: true, status: 404 },
    { name: 'root', method: 'GET', path: '/', status: 404 },
    { name: 'undecodable URL', method: 'GET', path: '/api/chat/conversations/%ZZ/messages', auth: true, status: 400 },
    { name: 'very long unknown path', method: 'GET', path: `/api/${'a'.repeat(9000)}`, status: 404 },
    { name: 'NUL in an id', method: 'GET', path: '/api/chat/conversations/%00/messages', auth: true, status: 404 },
    { name: 'id abc', method: 'GET', path: '/api/chat/conversations/abc/messages', auth: true, status: 404 },
    { name: 'id -1', method: 'GET', path: '/api/chat/conversations/-1/messages', auth: true, status: 404 },
    { name: 'id 1e9', method: 'GET', path: '/api/chat/conversations/1e9/messages', auth: true, status: 404 },
    { name: 'id 0', method: 'GET', path: '/api/chat/conversations/0/messages', auth: true, status: 404 },
    { name: 'id 1.5', method: 'GET', path: '/api/chat/conversations/1.5/messages', auth: true, status: 404 },
    { name: 'id huge', method: 'GET', path: '/api/chat/conversations/99999999999999999999/messages', auth: true, status: 404 },
    { name: 'unknown conversation', method: 'GET', path: '/api/chat/conversations/424242/messages', auth: true, status: 404 },
    { name: 'send to unknown conversation', method: 'POST', path: '/api/chat/conversations/424242/messages', auth: true, headers: json, body: '{"message":"hi"}', status: 404 },
    { name: 'attachment of unknown message', method: 'GET', path: '/api/chat/messages/424242/attachment', auth: true, status: 404 },
    { name: 'attachment of a text message', method: 'GET', path: '/api/chat/messages/abc/attachment', auth: true, status: 404 },
    // malformed bodies
    { name: 'invalid JSON', method: 'POST', path: messages, auth: true, headers: json, body: '{"message":', status: 400 },
    { name: 'JSON with trailing garbage', method: 'POST', path: messages, auth: true, headers: json, body: '{"message":"a"} x', status: 400 },
    { name: 'JSON array body', method: 'POST', path: messages, auth: true, headers: json, body: '["hi"]', status: 400 },
    { name: 'JSON string body', method: 'POST', path: messages, auth: true, headers: json, body: '"hi"', status: 400 },
    { name: 'JSON number body', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: '42', status: 400 },
    { name: 'prototype poisoning', method: 'POST', path: messages, auth: true, headers: json, body: '{"__proto__":{"x":1},"message":"a"}', status: 400 },
    { name: 'invalid JSON on login', method: 'POST', path: '/api/login', headers: json, body: '{email', status: 400 },
    // content types
    { name: 'text/plain', method: 'POST', path: messages, auth: true, headers: { 'content-type': 'text/plain' }, body: 'hi', status: 415 },
    { name: 'application/xml', method: 'POST', path: messages, auth: true, headers: { 'content-type': 'application/xml' }, body: '<m/>', status: 415 },
    { name: 'no content type with a body', method: 'POST', path: '/api/login', headers: { 'content-type': '' }, body: 'email=a', status: 415 },
    { name: 'multipart without boundary', method: 'POST', path: messages, auth: true, headers: { 'content-type': 'multipart/form-data' }, body: 'x', status: 400 },
    // sizes
    { name: 'huge JSON body', method: 'POST', path: messages, auth: true, headers: json, body: () => JSON.stringify({ message: 'x'.repeat(400_000) }), status: 413 },
    { name: 'huge form body', method: 'POST', path: '/api/login', headers: form, body: () => `email=${'a'.repeat(300_000)}`, status: 413 },
    // validation
    { name: 'start without user_id', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: '{}', status: 422, errors: ['user_id'], message: 'The user id field is required.' },
    { name: 'start with user_id string', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: '{"user_id":"abc"}', status: 422, errors: ['user_id'], message: 'The user id field must be an integer.' },
    { name: 'start with user_id float', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: '{"user_id":1.5}', status: 422, errors: ['user_id'] },
    { name: 'start with user_id object', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: '{"user_id":{"a":1}}', status: 422, errors: ['user_id'] },
    { name: 'start with unknown user', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: '{"user_id":999999}', status: 422, errors: ['user_id'], message: 'The selected user id is invalid.' },
    { name: 'start with yourself', method: 'POST', path: '/api/chat/conversations/start', auth: true, headers: json, body: () => JSON.stringify({ user_id: ann.id }), status: 422, errors: ['user_id'] },
    { name: 'send without message', method: 'POST', path: messages, auth: true, headers: json, body: '{"type":"text"}', status: 422, errors: ['message'], message: 'The message field is required.' },
    { name: 'send blank message', method: 'POST', path: messages, auth: true, headers: json, body: '{"message":"   "}', status: 422, errors: ['message'] },
    { name: 'send message as number', method: 'POST', path: messages, auth: true, headers: json, body: '{"message":42}', status: 422, errors: ['message'], message: 'The message field must be a string.' },
    { name: 'send message as array', method: 'POST', path: messages, auth: true, headers: json, body: '{"message":["a"]}', status: 422, errors: ['message'] },
    { name: 'send too long message', method: 'POST', path: messages, auth: true, headers: json, body: () => JSON.stringify({ message: 'x'.repeat(5001) }), status: 422, errors: ['message'], message: 'The message field must not be greater than 5000 characters.' },
    { name: 'send unknown type', method: 'POST', path: messages, auth: true, headers: json, body: '{"message":"a","type":"video"}', status: 422, errors: ['type'], message: 'The selected type is invalid.' },
    { name: 'send image type without file', method: 'POST', path: messages, auth: true, headers: json, body: '{"type":"image"}', status: 422, errors: ['message'] },
    { name: 'form send without message', method: 'POST', path: messages, auth: true, headers: form, body: 'type=text', status: 422, errors: ['message'] },
    { name: 'register missing everything', method: 'POST', path: '/api/register', headers: json, body: '{}', status: 422, errors: ['name', 'email', 'password'], message: 'The name field is required. (and 2 more errors)' },
    { name: 'register bad email', method: 'POST', path: '/api/register', headers: json, body: '{"name":"A","email":"nope","password":"secret-password"}', status: 422, errors: ['email'], message: 'The email field must be a valid email address.' },
    { name: 'register short password', method: 'POST', path: '/api/register', headers: json, body: '{"name":"A","email":"a@example.com","password":"short"}', status: 422, errors: ['password'], message: 'The password field must be at least 8 characters.' },
    { name: 'register mismatched confirmation', method: 'POST', path: '/api/register', headers: json, body: '{"name":"A","email":"a2@example.com","password":"secret-password","password_confirmation":"other-password"}', status: 422, errors: ['password'] },
    { name: 'login wrong password', method: 'POST', path: '/api/login', headers: json, body: () => JSON.stringify({ email: bob.email, password: 'wrong-password' }), status: 422, errors: ['email'], message: 'These credentials do not match our records.' },
    { name: 'login unknown e-mail', method: 'POST', path: '/api/login', headers: json, body: '{"email":"ghost@example.com","password":"whatever1"}', status: 422, errors: ['email'] },
    { name: 'paging limit abc', method: 'GET', path: () => `${messages()}?limit=abc`, auth: true, status: 422, errors: ['limit'] },
    { name: 'paging limit 0', method: 'GET', path: () => `${messages()}?limit=0`, auth: true, status: 422, errors: ['limit'] },
    { name: 'paging limit 201', method: 'GET', path: () => `${messages()}?limit=201`, auth: true, status: 422, errors: ['limit'] },
    { name: 'paging before_id -3', method: 'GET', path: () => `${messages()}?before_id=-3`, auth: true, status: 422, errors: ['before_id'] },
    { name: 'paging both cursors', method: 'GET', path: () => `${messages()}?before_id=3&after_id=1`, auth: true, status: 422, errors: ['after_id'] },
    { name: 'idempotency key too long', method: 'POST', path: messages, auth: true, headers: () => ({ ...json, 'idempotency-key': 'k'.repeat(300) }), body: '{"message":"a"}', status: 422, errors: ['Idempotency-Key'] },
    // broadcasting auth
    { name: 'channel auth malformed socket id', method: 'POST', path: '/broadcasting/auth', auth: true, headers: form, body: () => `socket_id=abc.def&channel_name=private-conversation.${conversationId}`, status: 403 },
    { name: 'channel auth unknown channel', method: 'POST', path: '/broadcasting/auth', auth: true, headers: form, body: 'socket_id=1.2&channel_name=private-admin', status: 403 },
    { name: 'channel auth missing fields', method: 'POST', path: '/broadcasting/auth', auth: true, headers: form, body: '', status: 403 },
    { name: 'channel auth another user channel', method: 'POST', path: '/broadcasting/auth', auth: true, headers: form, body: () => `socket_id=1.2&channel_name=private-user.${bob.id}`, status: 403 },
  ] as unknown as BadRequest[];

  it('has at least 40 cases', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
  });

  for (const row of table) {
    it(`${row.name} → ${row.status}`, async () => {
      const path = typeof row.path === 'function' ? row.path() : row.path;
      const body = typeof row.body === 'function' ? row.body() : row.body;
      const headers = typeof row.headers === 'function' ? (row.headers as () => Record<string, string>)() : (row.headers ?? {});
      if (headers['content-type'] === '') delete headers['content-type'];
      const res = await api(server, row.method, path, { token: row.auth ? ann.token : undefined, headers, body });
      expect(res.status).toBe(row.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.status).toBe(false);
      expect(typeof res.body.message).toBe('string');
      expect(res.body.message.length).toBeGreaterThan(0);
      expect(res.text).not.toMatch(/at \w+ \(|node_modules|<html/i);
      if (row.message instanceof RegExp) expect(res.body.message).toMatch(row.message);
      else if (row.message) expect(res.body.message).toBe(row.message);
      if (row.errors) expect(Object.keys(res.body.errors ?? {}).sort()).toEqual([...row.errors].sort());
      else expect(res.body.errors).toBeUndefined();
    });
  }

  it('is still healthy and nothing bad was stored', async () => {
    const health = await api(server, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.data.status).toBe('ok');
    const history = await api(server, 'GET', messages(), { token: bob.token });
    expect(history.body.data).toEqual([]);
  });
});
