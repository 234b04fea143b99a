// `chatctl listen` as a child process: NDJSON events from a real server, clear errors otherwise.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATCTL, runCli } from '../helpers/cli.js';
import { registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

describe('chatctl listen', () => {
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

  it('prints message.sent and the list update as NDJSON, and exits 0 on SIGINT', async () => {
    const child = spawn(process.execPath, [CHATCTL, 'listen', '--server', server.url, '--token', bob.token, '--conversation', String(conversationId), '--json'], {
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await expect.poll(() => (stderr.match(/listening on/g) ?? []).length, { timeout: 10_000 }).toBe(2);
    const sent = await sendText(server, ann, conversationId, 'live!');
    await expect.poll(() => stdout.trim().split('\n').filter(Boolean).length, { timeout: 5000 }).toBe(2);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const byEvent = Object.fromEntries(events.map((e) => [e.event, e]));
    expect(byEvent['message.sent']).toMatchObject({ channel: `private-conversation.${conversationId}`, data: { id: sent.id, message: 'live!', sender_id: ann.id } });
    expect(byEvent['conversation.updated']).toMatchObject({ channel: `private-user.${bob.id}`, data: { conversation_id: conversationId, unread_count: 1 } });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('a refused token is one clear sentence and exit 3', async () => {
    const res = await runCli(['listen', '--server', server.url, '--token', 'nope']);
    expect(res).toEqual({ code: 3, stdout: '', stderr: 'chatctl: the server refused the token (401): run chatctl login again or pass a valid --token.\n' });
  });

  it('no server is one clear sentence and exit 4', async () => {
    const res = await runCli(['listen', '--server', 'http://127.0.0.1:9', '--token', 'x']);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/^chatctl: Cannot reach http:\/\/127\.0\.0\.1:9 \(.+\); is chatctl serve running\?\n$/);
  });
});
