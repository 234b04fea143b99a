// Issue 7 item 5: a genuine internal error (the database loses a table under the running server)
// is a 500 whose JSON carries a request id, and `serve` writes exactly one stderr line for it with
// method, route, the same id and the error, never the token or the body. /health says why it is
// degraded. Runs the built binary (npm test builds dist/ first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeProcess } from '../helpers/cli.js';
import { registerAs } from '../helpers/flows.js';
import { api, startConversation, type TestUser } from '../helpers/server.js';

describe('server errors are logged once with a request id', () => {
  let dir: string;
  let serve: ServeProcess;
  let ann: TestUser;
  let bob: TestUser;
  let conversationId: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chatctl-errors-'));
    serve = await startServe(['--port', '0', '--db', join(dir, 'chat.sqlite')], { cwd: dir, env: { BROADCAST_DRIVER: 'embedded' } });
    ann = await registerAs(serve, 'Ann', 'ann@errors.test');
    bob = await registerAs(serve, 'Bob', 'bob@errors.test');
    conversationId = await startConversation(serve, ann, bob);
  });
  afterAll(async () => {
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a dropped table: 500 with request_id, one matching stderr line, /health degraded with a reason', async () => {
    expect(serve.stderr()).toBe('');
    const other = new Database(join(dir, 'chat.sqlite'));
    other.pragma('foreign_keys = OFF');
    other.exec('DROP TABLE messages; DROP TABLE participants;');
    other.close();

    const secretBody = { message: 'a private message body' };
    const res = await api(serve, 'POST', `/api/chat/conversations/${conversationId}/messages?x=querysecret`, { token: ann.token, json: secretBody });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ status: false, message: 'Server Error', request_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(res.headers.get('x-request-id')).toBe(res.body.request_id);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id'); // readable by browser clients

    await expect.poll(() => serve.stderr(), { timeout: 5000 }).toContain(res.body.request_id);
    const lines = serve.stderr().trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z error: 500 POST /api/chat/conversations/:id/messages request_id=${res.body.request_id} SqliteError: no such table: \\w+$`),
    );
    for (const secret of [ann.token, ann.token.split('|')[1]!, 'a private message body', 'querysecret']) {
      expect(serve.stderr()).not.toContain(secret);
    }

    const health = await api(serve, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.data).toMatchObject({ status: 'degraded', database: 'unavailable', reason: 'database: no such table: participants' });
  });

  it('a database failure while authenticating a multipart upload is a 500, not blamed on the body', async () => {
    const other = new Database(join(dir, 'chat.sqlite'));
    other.pragma('foreign_keys = OFF');
    other.exec('DROP TABLE personal_access_tokens;');
    other.close();
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    const res = await api(serve, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: ann.token, body: form });
    expect(res.status).toBe(500);
    expect(res.body.request_id).toMatch(/^[0-9a-f]{16}$/);
    await expect.poll(() => serve.stderr(), { timeout: 5000 }).toContain(`request_id=${res.body.request_id} SqliteError: no such table: personal_access_tokens`);
    expect(serve.stderr().trim().split('\n').length).toBe(2);
  });
});
