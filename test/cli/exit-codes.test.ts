// The scripting verbs' exit codes, each verb as a child process of the built binary against a
// real server: 0 ok, 1 API or validation, 2 usage, 3 authentication, 4 network, 5 timeout. Plus
// listen --count/--timeout/--event, smoke --token/--count, and chat without a terminal.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHATCTL, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/net.js';
import { api, registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';

let server: TestServer;
let ann: TestUser;
let bob: TestUser;
let conversationId: number;
let dead: string;
let configDir: string;

beforeAll(async () => {
  server = await startTestServer();
  ann = await registerUser(server, 'Ann');
  bob = await registerUser(server, 'Bob');
  conversationId = await startConversation(server, ann, bob);
  dead = `http://127.0.0.1:${await closedPort()}`;
  configDir = mkdtempSync(join(tmpdir(), 'chatctl-exit-'));
});
afterAll(async () => {
  await server.stop();
  rmSync(configDir, { recursive: true, force: true });
});

/** chatctl with an empty profile folder, so nothing saved by another test leaks in. */
const cli = (args: string[], timeoutMs = 30_000) => runCli(args, { env: { CHATCTL_CONFIG_DIR: configDir }, timeoutMs });

describe('every verb: the same exit code for the same kind of failure', () => {
  const as = (user: TestUser) => ['--server', server.url, '--token', user.token];
  const bad = () => ['--server', server.url, '--token', '1|not-a-token'];
  const cid = () => String(conversationId);
  // [verb arguments, expected code]
  const table: () => Array<[string[], number]> = () => [
    [['conversations', ...as(ann)], 0],
    [['conversations', '--server', 'ftp://x', '--token', 't'], 2],
    [['conversations', '--bogus-option', ...as(ann)], 2],
    [['conversations', ...bad()], 3],
    [['conversations', '--server', server.url], 3],
    [['conversations', '--server', dead, '--token', 't'], 4],
    [['start', String(bob.id), ...as(ann)], 0],
    [['start', ann.email, ...as(ann)], 1],
    [['start', 'bob', ...as(ann)], 2],
    [['start', String(bob.id), ...bad()], 3],
    [['start', String(bob.id), '--server', dead, '--token', 't'], 4],
    [['messages', cid(), ...as(ann)], 0],
    [['messages', '999999', ...as(ann)], 1],
    [['messages', 'abc', ...as(ann)], 2],
    [['messages', cid(), ...bad()], 3],
    [['messages', cid(), '--server', dead, '--token', 't'], 4],
    [['send', cid(), 'hi', ...as(ann)], 0],
    [['send', '999999', 'hi', ...as(ann)], 1],
    [['send', cid(), 'hi', '--type', 'video', ...as(ann)], 2],
    [['send', cid(), 'hi', ...bad()], 3],
    [['send', cid(), 'hi', '--server', dead, '--token', 't'], 4],
    [['login', '--server', server.url, '--email', ann.email, '--password', 'wrong-password'], 1],
    [['login', '--server', server.url, '--email', ' ', '--password', 'x'], 2],
    [['login', '--server', dead, '--email', ann.email, '--password', 'x'], 4],
    [['logout', '--server', server.url], 3],
    [['logout', '--server', dead, '--token', 't'], 4],
    [['listen', '--count', 'lots', ...as(ann)], 2],
    [['listen', '--event', 'message.deleted', ...as(ann)], 2],
    [['listen', ...bad()], 3],
    [['listen', '--server', dead, '--token', 't'], 4],
    [['listen', '--timeout', '1', ...as(ann)], 5],
    [['smoke', '--server', server.url, '--token', ann.token], 2],
    [['smoke', '--server', server.url, '--timeout', 'soon'], 2],
    [['smoke', '--server', server.url, '--token', '1|a', '--token', '2|b'], 3],
    [['smoke', '--server', dead], 4],
    [['chat', '--server', dead, '--token', 't'], 2],
  ];

  it('matches the table for login, logout, conversations, start, messages, send, listen, smoke and chat', async () => {
    const seen: Array<[string, number | null, string]> = [];
    for (const [args, code] of table()) {
      const result = await cli(args);
      seen.push([args.join(' '), result.code, result.stderr]);
      expect({ args: args.join(' '), code: result.code }, result.stderr).toEqual({ args: args.join(' '), code });
      // A failure is one sentence on stderr (commander's usage text aside), never a stack trace.
      if (code !== 0) expect(result.stderr).not.toMatch(/\n\s+at /);
      // (listen's status lines, "connection: …", come first on stderr by design.)
      if (code !== 0 && !args.includes('--bogus-option')) expect(result.stderr.replace(/^(connection|listening on|cannot listen on)[^\n]*\n/gm, '')).toMatch(/^chatctl: [^\n]+\n$/);
    }
    expect(seen).toHaveLength(table().length);
  }, 240_000);
});

/** Runs `chatctl listen …` and resolves once it listens on `channels` channels. */
function startListen(args: string[], channels: number) {
  const child = spawn(CHATCTL, ['listen', '--server', server.url, ...args], { env: { PATH: process.env.PATH ?? '', CHATCTL_CONFIG_DIR: configDir } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', r));
  const ready = expect.poll(() => (stderr.match(/listening on/g) ?? []).length, { timeout: 20_000 }).toBe(channels);
  return { ready, exited, out: () => stdout, err: () => stderr };
}

describe('listen for scripts', () => {
  it('--count 2 --event message.sent --json: exactly two NDJSON lines of that event, then exit 0', async () => {
    const listen = startListen(['--token', bob.token, '--conversation', String(conversationId), '--event', 'message.sent', '--count', '2', '--timeout', '30', '--json'], 2);
    await listen.ready;
    const first = await sendText(server, ann, conversationId, 'one');
    const second = await sendText(server, ann, conversationId, 'two');
    await sendText(server, ann, conversationId, 'three (after the count)');
    expect(await listen.exited).toBe(0);
    const lines = listen.out().trim().split('\n');
    expect(lines).toHaveLength(2);
    const events = lines.map((line) => JSON.parse(line));
    expect(events.map((e) => [Object.keys(e), e.channel, e.event, e.data.id])).toEqual([
      [['at', 'channel', 'event', 'data'], `private-conversation.${conversationId}`, 'message.sent', first.id],
      [['at', 'channel', 'event', 'data'], `private-conversation.${conversationId}`, 'message.sent', second.id],
    ]);
  }, 60_000);

  it('--timeout: exit 5 with how many of the --count events came', async () => {
    const listen = startListen(['--token', bob.token, '--conversation', String(conversationId), '--event', 'message.sent', '--count', '2', '--timeout', '4'], 2);
    await listen.ready;
    await sendText(server, ann, conversationId, 'only one');
    expect(await listen.exited).toBe(5);
    expect(listen.out().trim().split('\n')).toHaveLength(1);
    expect(listen.err().trimEnd().split('\n').at(-1)).toBe('chatctl: 1 of 2 events arrived within 4 s.');
  }, 60_000);

  it('without --count, --timeout is how long to listen: exit 0 when something arrived', async () => {
    const listen = startListen(['--token', bob.token, '--timeout', '3', '--json'], 1);
    await listen.ready;
    await sendText(server, ann, conversationId, 'for the list');
    expect(await listen.exited).toBe(0);
    expect(JSON.parse(listen.out().trim().split('\n')[0]!)).toMatchObject({ channel: `private-user.${bob.id}`, event: 'conversation.updated' });
  }, 60_000);
});

describe('smoke', () => {
  it('--token A --token B uses the two existing users and keeps their tokens; --count reports p50/p99', async () => {
    const res = await cli(['smoke', '--server', server.url, '--token', ann.token, '--token', bob.token, '--count', '5', '--json'], 60_000);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout);
    expect(Object.keys(report)).toEqual(['ok', 'server', 'steps', 'latency_ms', 'load']);
    expect(report.steps.map((s: { name: string; skipped?: string }) => [s.name, s.skipped])).toEqual([
      ['health', undefined],
      ['use given users', undefined],
      ['start conversation', undefined],
      ['realtime connect', undefined],
      ['send message', undefined],
      ['history', undefined],
      ['receive message.sent', undefined],
      ['unread count', undefined],
      ['mark read', undefined],
      ['is_read', undefined],
      ['load (5 messages)', undefined],
      ['logout', 'the given tokens are kept.'],
    ]);
    expect(Object.keys(report.load)).toEqual(['count', 'received', 'p50_ms', 'p99_ms', 'max_ms', 'rate']);
    expect(report.load).toMatchObject({ count: 5, received: 5 });
    expect(report.load.p50_ms).toBeGreaterThan(0);
    expect(report.load.p99_ms).toBeGreaterThanOrEqual(report.load.p50_ms);
    expect(report.load.max_ms).toBe(report.load.p99_ms); // 5 samples: p99 is the largest
    for (const user of [ann, bob]) expect((await api(server, 'GET', '/api/user', { token: user.token })).status).toBe(200);
    // The five load messages really were sent, in the existing conversation.
    const history = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages?limit=5`, { token: ann.token });
    expect(history.body.data.map((m: { message: string }) => m.message)).toEqual([1, 2, 3, 4, 5].map((i) => `smoke load ${i}/5`));
  }, 90_000);

  it('the human summary names the load run', async () => {
    const res = await cli(['smoke', '--server', server.url, '--token', ann.token, '--token', bob.token, '--count', '3'], 60_000);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/\nok {3}load \(3 messages\) +\d+ ms {2}send→receive p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms, [\d.]+ messages\/s\n/);
  }, 90_000);
});

describe('chat without a terminal', () => {
  it('says it needs one before it touches the network (a listener sees no connection)', async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
      expect(await cli(['chat', '--server', url, '--token', 't'])).toEqual({
        code: 2,
        stdout: '',
        stderr: 'chatctl: chatctl chat needs an interactive terminal; from scripts use chatctl messages, send and listen.\n',
      });
      expect(connections).toBe(0);
    } finally {
      await new Promise((r) => listener.close(r));
    }
  });
});
