// The scripting verbs (login, logout, conversations, start, messages, send, smoke) as child
// processes of the built binary, against a real in-process server, with a temp profile folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, registerAs, tinyPng } from '../helpers/flows.js';
import { CHATCTL } from '../helpers/cli.js';
import { api, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { closedPort } from '../helpers/net.js';

const NO_TOKEN = 'chatctl: no token: run chatctl login or pass --token.\n';
const REFUSED = 'chatctl: the server refused the token (401): run chatctl login again or pass a valid --token.\n';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

let configDir: string;

/** Runs the binary with a clean env (PATH, a temp HOME and profile folder, TZ=UTC); stdin gets `input` then EOF. */
function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHATCTL, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: configDir, TZ: 'UTC', CHATCTL_CONFIG_DIR: configDir, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`chatctl ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const profileFile = () => join(configDir, 'chatctl.json');
const readProfile = () => JSON.parse(readFileSync(profileFile(), 'utf8')) as Record<string, any>;
const hhmm = (iso: string) => iso.slice(11, 16); // TZ=UTC in the child

async function history(server: TestServer, user: TestUser, conversationId: number): Promise<any[]> {
  const res = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages?limit=200`, { token: user.token });
  expect(res.status).toBe(200);
  return res.body.data;
}

let unique = 0;
const email = (name: string) => `${name.toLowerCase()}.${Date.now()}.${++unique}@example.com`;

describe('chatctl scripting verbs', () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let cid: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    ann = await registerAs(server, 'Ann', email('ann'));
    bob = await registerAs(server, 'Bob', email('bob'));
    cid = await registerAs(server, 'Cid', email('cid'));
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'chatctl-profile-'));
  });
  afterEach(() => rmSync(configDir, { recursive: true, force: true }));

  /** Logs Ann in through the CLI (password on stdin) and returns the saved token. */
  async function loginAnn(): Promise<string> {
    const res = await cli(['login', '--server', server.url, '--email', ann.email], { input: `${PASSWORD}\n` });
    expect(res).toEqual({ code: 0, stdout: `Logged in as Ann <${ann.email}> on ${server.url}\n`, stderr: '' });
    return readProfile().token as string;
  }

  describe('login and logout', () => {
    it('reads the password from stdin, saves a 0600 profile and never prints the token', async () => {
      const token = await loginAnn();
      expect(statSync(profileFile()).mode & 0o777).toBe(0o600);
      const profile = readProfile();
      expect(Object.keys(profile).sort()).toEqual(['server', 'token', 'user']);
      expect(profile.server).toBe(server.url);
      expect(profile.user).toMatchObject({ id: ann.id, name: 'Ann', email: ann.email });
      expect(token).toMatch(/^\d+\|\S{40}$/);
      expect(token).not.toBe(ann.token);
      const me = await api(server, 'GET', '/api/user', { token });
      expect(me.body.data.email).toBe(ann.email);
    });

    it('takes --password and prints the user with --json (no token in it)', async () => {
      const res = await cli(['login', '--server', server.url, '--email', ann.email, '--password', PASSWORD, '--json']);
      expect(res.code).toBe(0);
      expect(res.stderr).toBe('');
      const me = await api(server, 'GET', '/api/user', { token: ann.token });
      expect(res.stdout).toBe(`${JSON.stringify(me.body.data)}\n`);
      const { token } = readProfile();
      expect(res.stdout).not.toContain(String(token).split('|')[1]);
      expect(statSync(profileFile()).mode & 0o777).toBe(0o600);
    });

    it('a wrong password is the server sentence, exit 1, and nothing saved', async () => {
      const res = await cli(['login', '--server', server.url, '--email', bob.email], { input: 'wrong-password\n' });
      expect(res).toEqual({ code: 1, stdout: '', stderr: 'chatctl: These credentials do not match our records.\n' });
      expect(existsSync(profileFile())).toBe(false);
    });

    it('an empty stdin is a clear sentence', async () => {
      const res = await cli(['login', '--server', server.url, '--email', ann.email], { input: '' });
      expect(res).toEqual({ code: 1, stdout: '', stderr: 'chatctl: no password given: pass --password, pipe it on stdin or type it when asked.\n' });
    });

    it('logout revokes the token and forgets it; the next verb says to log in', async () => {
      const token = await loginAnn();
      const res = await cli(['logout']);
      expect(res).toEqual({ code: 0, stdout: `Logged out of ${server.url}\n`, stderr: '' });
      expect(readProfile()).toEqual({ server: server.url });
      expect((await api(server, 'GET', '/api/user', { token })).status).toBe(401);
      expect(await cli(['conversations'])).toEqual({ code: 3, stdout: '', stderr: NO_TOKEN });
      // logging out with a token the server already revoked still succeeds
      const again = await cli(['logout', '--token', token, '--json']);
      expect(again).toEqual({ code: 0, stdout: `${JSON.stringify({ server: server.url, revoked: false })}\n`, stderr: '' });
    });
  });

  describe('conversations, start, messages, send', () => {
    it('no token anywhere is one sentence', async () => {
      for (const args of [['conversations'], ['start', '2'], ['messages', '1'], ['send', '1', 'hi']]) {
        expect(await cli([...args, '--server', server.url])).toEqual({ code: 3, stdout: '', stderr: NO_TOKEN });
      }
    });

    it('a refused token says to log in again', async () => {
      expect(await cli(['conversations', '--server', server.url, '--token', '1|nope'])).toEqual({ code: 3, stdout: '', stderr: REFUSED });
    });

    it('a saved token is not sent to another server named with --server', async () => {
      await loginAnn();
      const other = `http://127.0.0.1:${await closedPort()}`;
      expect(await cli(['conversations', '--server', other])).toEqual({
        code: 3,
        stdout: '',
        stderr: `chatctl: no token for ${other} (you are logged in to ${server.url}): run chatctl login --server ${other} or pass --token.\n`,
      });
    });

    it('a full flow from the profile: start by e-mail, send, read, list', async () => {
      const dan = await registerAs(server, 'Dan', email('dan'));
      const eve = await registerAs(server, 'Eve', email('eve'));
      const login = await cli(['login', '--server', server.url, '--email', dan.email, '--password', PASSWORD]);
      expect(login.code).toBe(0);

      expect(await cli(['conversations'])).toEqual({
        code: 0,
        stdout: 'No conversations yet. Start one with: chatctl start <user-id or e-mail>\n',
        stderr: '',
      });

      const started = await cli(['start', eve.email]);
      expect(started.stderr).toBe('');
      expect(started.code).toBe(0);
      expect(started.stdout).toMatch(/^\d+\n$/);
      const id = Number(started.stdout);
      const list = await api(server, 'GET', '/api/chat/conversations', { token: eve.token });
      expect(list.body.data.map((c: any) => c.id)).toEqual([id]);

      expect(await cli(['start', String(eve.id), '--json'])).toEqual({ code: 0, stdout: `{"conversation_id":${id},"created":false}\n`, stderr: '' });

      const first = await cli(['send', String(id), 'Hello', 'Eve!']);
      expect(first.stderr).toBe('');
      expect(first.stdout).toMatch(/^\d+\n$/);
      const sentId = Number(first.stdout);

      const second = await cli(['send', String(id), 'line one\nline two', '--json']);
      expect(second.code).toBe(0);
      const sentJson = JSON.parse(second.stdout);
      expect(second.stdout).toBe(`${JSON.stringify(sentJson)}\n`);
      expect(sentJson).toMatchObject({ sender_id: dan.id, message: 'line one\nline two', type: 'text', conversation_id: id, is_read: false, attachment: null });
      expect(sentJson.id).toBe(sentId + 1);

      const reply = await api(server, 'POST', `/api/chat/conversations/${id}/messages`, { token: eve.token, json: { message: '\u001b[2JHi Dan', type: 'text' } });
      expect(reply.status).toBe(201);

      const rows = await history(server, eve, id);
      expect(rows.map((m) => m.message)).toEqual(['Hello Eve!', 'line one\nline two', '\u001b[2JHi Dan']);

      // the list before Dan reads: one unread from Eve, escape sequences neutralised
      const table = await cli(['conversations']);
      expect(table.code).toBe(0);
      const [header, row, ...rest] = table.stdout.split('\n');
      expect(header).toBe('ID  WITH  UNREAD  LAST MESSAGE  WHEN');
      expect(row).toMatch(new RegExp(`^${id}   Eve   1       \uFFFD\\[2JHi Dan    \\d+ seconds? ago$`));
      expect(rest).toEqual(['']);

      const json = await cli(['conversations', '--json']);
      expect(json.code).toBe(0);
      const apiList = await api(server, 'GET', '/api/chat/conversations', { token: dan.token });
      const parsed = JSON.parse(json.stdout);
      expect(json.stdout).toBe(`${JSON.stringify(parsed)}\n`);
      // identical to the API's data apart from the relative time, which may tick between the two calls
      const withoutWhen = (list: any[]) => list.map((c) => ({ ...c, latest_message: { ...c.latest_message, created_at: null } }));
      expect(withoutWhen(parsed)).toEqual(withoutWhen(apiList.body.data));
      expect(parsed[0].unread_count).toBe(1);

      const lines = await cli(['messages', String(id)]);
      expect(lines).toEqual({
        code: 0,
        stdout: `${hhmm(rows[0].created_at)} Dan: Hello Eve!\n${hhmm(rows[1].created_at)} Dan: line one\n      line two\n${hhmm(rows[2].created_at)} Eve: \uFFFD[2JHi Dan\n`,
        stderr: '',
      });
      // reading marked Eve's message read
      const after = await api(server, 'GET', '/api/chat/conversations', { token: dan.token });
      expect(after.body.data[0].unread_count).toBe(0);

      const messagesJson = await cli(['messages', String(id), '--json']);
      expect(messagesJson.code).toBe(0);
      const apiRows = await api(server, 'GET', `/api/chat/conversations/${id}/messages`, { token: dan.token });
      expect(messagesJson.stdout).toBe(`${JSON.stringify(apiRows.body.data)}\n`);

      // paging
      const ids = rows.map((m) => m.id);
      const pageIds = async (args: string[]) => JSON.parse((await cli(['messages', String(id), '--json', ...args])).stdout).map((m: any) => m.id);
      expect(await pageIds(['--limit', '2'])).toEqual(ids.slice(1));
      expect(await pageIds(['--before', String(ids[2])])).toEqual(ids.slice(0, 2));
      expect(await pageIds(['--after', String(ids[0]), '--limit', '1'])).toEqual([ids[1]]);
      expect(await cli(['messages', String(id), '--after', String(ids[2])])).toEqual({ code: 0, stdout: '', stderr: '' });

      // my own last message, long text truncated to 40 characters
      expect((await cli(['send', String(id), 'a rather long message that will not fit in the column'])).code).toBe(0);
      const mine = (await cli(['conversations'])).stdout.split('\n')[1];
      expect(mine).toMatch(new RegExp(`^${id}   Eve   0       You: a rather long message that will no…  \\d+ seconds? ago$`));
    }, 90_000); // some twenty child processes: generous on a loaded machine

    it('CHATCTL_SERVER and CHATCTL_TOKEN work without a profile, and flags win over them', async () => {
      const env = { CHATCTL_SERVER: server.url, CHATCTL_TOKEN: ann.token };
      const res = await cli(['start', String(bob.id)], { env });
      expect(res.code).toBe(0);
      const id = Number(res.stdout);
      expect(res.stdout).toBe(`${id}\n`);
      expect(await cli(['start', String(bob.id), '--token', bob.token, '--json'], { env: { ...env, CHATCTL_TOKEN: 'bad' } })).toEqual({
        code: 1,
        stdout: '',
        stderr: 'chatctl: You cannot start a conversation with yourself.\n',
      });
      expect(await cli(['conversations', '--token', '1|bad'], { env })).toEqual({ code: 3, stdout: '', stderr: REFUSED });
      expect(existsSync(profileFile())).toBe(false);
    });

    it('send --file uploads multipart: a text file and an image detected from its bytes', async () => {
      const env = { CHATCTL_SERVER: server.url, CHATCTL_TOKEN: ann.token };
      const id = Number((await cli(['start', String(cid.id)], { env })).stdout);
      const notes = join(configDir, 'notes.txt');
      writeFileSync(notes, 'hello from a file\n');
      const png = join(configDir, 'pixel.png');
      writeFileSync(png, tinyPng());

      const captioned = await cli(['send', String(id), 'see', 'notes', '--file', notes], { env });
      expect(captioned.stderr).toBe('');
      expect(captioned.stdout).toMatch(/^\d+\n$/);
      const image = await cli(['send', String(id), '--file', png, '--json'], { env });
      expect(image.code).toBe(0);
      const imageJson = JSON.parse(image.stdout);

      const rows = await history(server, cid, id);
      const fileRow = rows.find((m) => m.id === Number(captioned.stdout));
      expect(fileRow).toMatchObject({
        message: 'see notes',
        type: 'file',
        attachment: { name: 'notes.txt', mime: 'text/plain', size: 18, url: `${server.url}/api/chat/messages/${fileRow.id}/attachment` },
      });
      const imageRow = rows.find((m) => m.id === imageJson.id);
      const url = `${server.url}/api/chat/messages/${imageJson.id}/attachment`;
      expect(imageRow).toMatchObject({ message: url, type: 'image', attachment: { name: 'pixel.png', mime: 'image/png', size: tinyPng().length, url } });
      expect(imageJson).toMatchObject({ id: imageRow.id, type: 'image', attachment: imageRow.attachment });

      const download = await fetch(fileRow.attachment.url, { headers: { authorization: `Bearer ${cid.token}` } });
      expect(await download.text()).toBe('hello from a file\n');

      const lines = await cli(['messages', String(id), '--limit', '2'], { env });
      expect(lines.stdout).toBe(
        `${hhmm(fileRow.created_at)} Ann: see notes [notes.txt ${fileRow.attachment.url}]\n${hhmm(imageRow.created_at)} Ann: [pixel.png ${url}]\n`,
      );

      expect(await cli(['send', String(id), '--file', join(configDir, 'missing.txt')], { env })).toEqual({
        code: 1,
        stdout: '',
        stderr: `chatctl: cannot read ${join(configDir, 'missing.txt')}: no such file.\n`,
      });
      expect(await cli(['send', String(id), '--type', 'text', '--file', notes], { env })).toEqual({
        code: 1,
        stdout: '',
        stderr: 'chatctl: Text messages cannot carry a file.\n',
      });
    });

    it('the same --idempotency-key twice stores one message; a different body with it is refused', async () => {
      const env = { CHATCTL_SERVER: server.url, CHATCTL_TOKEN: bob.token };
      const id = Number((await cli(['start', String(cid.id)], { env })).stdout);
      const key = `deploy-${Date.now()}`;
      const one = await cli(['send', String(id), 'deployed', '--idempotency-key', key], { env });
      const two = await cli(['send', String(id), 'deployed', '--idempotency-key', key], { env });
      expect(one.code).toBe(0);
      expect(two).toEqual(one);
      expect((await history(server, bob, id)).filter((m) => m.message === 'deployed').map((m) => m.id)).toEqual([Number(one.stdout)]);
      expect(await cli(['send', String(id), 'other text', '--idempotency-key', key], { env })).toEqual({
        code: 1,
        stdout: '',
        stderr: 'chatctl: This Idempotency-Key was already used for a different request.\n',
      });
    });

    it('a lost response is retried once with the same key: one message, its id printed', async () => {
      const env = { CHATCTL_TOKEN: bob.token };
      const id = Number((await cli(['start', String(ann.id), '--server', server.url], { env })).stdout);
      const target = new URL(server.url);
      let connections = 0;
      const sockets = new Set<Socket>();
      // The first connection reaches the server but loses the answer; later ones pass through.
      const proxy: Server = createServer((client) => {
        const first = ++connections === 1;
        const upstream = new Socket();
        sockets.add(client).add(upstream);
        upstream.connect(Number(target.port), target.hostname, () => client.pipe(upstream));
        upstream.on('data', (chunk: Buffer) => (first ? (client.destroy(), upstream.destroy()) : client.write(chunk)));
        upstream.on('end', () => client.end());
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      try {
        const text = `retried ${Date.now()}`;
        const res = await cli(['send', String(id), text, '--server', proxyUrl], { env });
        const rows = (await history(server, bob, id)).filter((m) => m.message === text);
        expect(rows).toHaveLength(1);
        expect(res).toEqual({ code: 0, stdout: `${rows[0].id}\n`, stderr: '' });
        expect(connections).toBe(2);
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((r) => proxy.close(r));
      }
    });

    it('bad input is one exact sentence: exit 2 for a usage error, 1 for what the API refused', async () => {
      const env = { CHATCTL_SERVER: server.url, CHATCTL_TOKEN: ann.token };
      const cases: Array<[string[], number, string]> = [
        [['messages', 'abc'], 2, 'conversation id "abc" is not a positive whole number.'],
        [['messages', '0'], 2, 'conversation id "0" is not a positive whole number.'],
        [['send', '1.5', 'hi'], 2, 'conversation id "1.5" is not a positive whole number.'],
        [['messages', '1', '--limit', '500'], 2, '--limit "500" is more than 200.'],
        [['messages', '1', '--before', '2', '--after', '1'], 2, '--before and --after cannot be used together.'],
        [['messages', '999999'], 1, 'conversation 999999 does not exist.'],
        [['send', '999999', 'hi'], 1, 'conversation 999999 does not exist.'],
        [['send', '1'], 2, 'nothing to send: give the text, "-" to read it from stdin, or --file.'],
        [['send', '1', 'hi', '--type', 'video'], 2, '--type "video" is not one of text, image, file.'],
        [['start', 'nobody.here@example.com'], 1, 'no user has the e-mail nobody.here@example.com.'],
        [['start', ann.email], 1, 'you cannot start a conversation with yourself.'],
        [['start', 'bob'], 2, '"bob" is neither a user id nor an e-mail address.'],
        [['start', '999999'], 1, 'The selected user id is invalid.'],
        [['conversations', '--server', 'ftp://example.com'], 2, '"ftp://example.com" is not a server URL: it must start with http:// or https://.'],
      ];
      for (const [args, code, sentence] of cases) {
        expect({ args, ...(await cli(args, { env })) }).toEqual({ args, code, stdout: '', stderr: `chatctl: ${sentence}\n` });
      }
      // someone else's conversation
      const bobCid = Number((await cli(['start', String(cid.id)], { env: { ...env, CHATCTL_TOKEN: bob.token } })).stdout);
      expect(await cli(['messages', String(bobCid)], { env })).toEqual({
        code: 1,
        stdout: '',
        stderr: 'chatctl: You are not a participant in this conversation.\n',
      });
    });

    it('an unreachable server is the client sentence, exit 4', async () => {
      const port = await closedPort();
      const res = await cli(['conversations', '--server', `http://127.0.0.1:${port}`, '--token', 'x']);
      expect(res).toEqual({
        code: 4,
        stdout: '',
        stderr: `chatctl: Cannot reach http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}); is chatctl serve running?\n`,
      });
    });

    it('every verb has --help with examples, --server and --token', async () => {
      for (const verb of ['login', 'logout', 'conversations', 'start', 'messages', 'send', 'smoke', 'listen']) {
        const res = await cli([verb, '--help']);
        expect({ verb, code: res.code, stderr: res.stderr }).toEqual({ verb, code: 0, stderr: '' });
        expect(res.stdout).toMatch(new RegExp(`\nExamples:\n  \\$ .*chatctl ${verb}\\b`));
        expect(res.stdout).toContain('--server <url>');
        if (!['login', 'smoke'].includes(verb)) expect(res.stdout).toContain('--token <token>');
        expect(res.stdout).toContain('--json');
        expect(res.stdout).toContain('\nExit codes: 0 ok, 1 API or validation error, 2 usage error, 3 authentication (401),\n4 network (cannot reach the server), 5 timeout.\n');
      }
    });
  });

  describe('smoke', () => {
    const STEPS = [
      'health',
      'register users',
      'start conversation',
      'realtime connect',
      'send message',
      'history',
      'receive message.sent',
      'unread count',
      'mark read',
      'is_read',
      'logout',
    ];

    it('passes against a healthy server: JSON ok, every step ok, a measured latency', async () => {
      const res = await cli(['smoke', '--server', server.url, '--json']);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const report = JSON.parse(res.stdout);
      expect(res.stdout).toBe(`${JSON.stringify(report)}\n`);
      expect(Object.keys(report)).toEqual(['ok', 'server', 'steps', 'latency_ms']);
      expect(report.ok).toBe(true);
      expect(report.server).toBe(server.url);
      expect(report.steps.map((s: any) => s.name)).toEqual(STEPS);
      for (const step of report.steps) {
        expect(Object.keys(step)).toEqual(['name', 'ok', 'ms']);
        expect(step.ok).toBe(true);
        expect(Number.isInteger(step.ms) && step.ms >= 0).toBe(true);
      }
      expect(typeof report.latency_ms).toBe('number');
      expect(report.latency_ms).toBeGreaterThan(0);
      expect(report.latency_ms).toBeLessThan(5000);
    });

    it('prints one plain ok line per step and a summary when not on a terminal', async () => {
      const res = await cli(['smoke', '--server', server.url]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      const lines = res.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(STEPS.length + 1);
      STEPS.forEach((name, i) => expect(lines[i]).toMatch(new RegExp(`^ok {3}${name.replace('.', '\\.').padEnd(22)} +\\d+ ms  \\S.*$`)));
      expect(lines[6]).toMatch(/^ok {3}receive message\.sent +\d+ ms {2}send→receive latency \d+(\.\d)? ms$/);
      expect(lines[11]).toMatch(/^ok {3}smoke test passed: 11 steps passed in \d+ ms, send→receive latency \d+(\.\d)? ms$/);
      expect(res.stdout).not.toContain('\u001b[');
    });

    it('fails at "realtime connect" with the fix when broadcasting is log; --skip-realtime skips those steps', async () => {
      const logServer = await startTestServer({ BROADCAST_DRIVER: 'log' });
      try {
        const failing = await cli(['smoke', '--server', logServer.url, '--json']);
        const error =
          "the server's broadcasting driver is log, so messages are never delivered in real time; set BROADCAST_DRIVER=embedded (built in, no account) or pusher with PUSHER_* credentials and restart chatctl serve, or pass --skip-realtime to test the HTTP API alone.";
        expect(failing.stderr).toBe(`chatctl: smoke test failed at step "realtime connect": ${error}\n`);
        expect(failing.code).toBe(1);
        expect(JSON.parse(failing.stdout).steps.map((s: any) => [s.name, s.ok, s.error])).toEqual([
          ['health', true, undefined],
          ['register users', true, undefined],
          ['start conversation', true, undefined],
          ['realtime connect', false, error],
        ]);

        const res = await cli(['smoke', '--server', logServer.url, '--json', '--skip-realtime']);
        expect(res.stderr).toBe('');
        expect(res.code).toBe(0);
        const report = JSON.parse(res.stdout);
        expect(report.ok).toBe(true);
        expect(report.latency_ms).toBeNull();
        const reason = '--skip-realtime.';
        expect(report.steps.map((s: any) => [s.name, s.ok, s.skipped])).toEqual(
          STEPS.map((name) => [name, true, name === 'realtime connect' || name === 'receive message.sent' ? reason : undefined]),
        );
        const text = await cli(['smoke', '--server', logServer.url, '--skip-realtime']);
        expect(text.code).toBe(0);
        const lines = text.stdout.trimEnd().split('\n');
        expect(lines[3]).toBe(`skip realtime connect       skipped: ${reason}`);
        expect(lines[6]).toBe(`skip receive message.sent   skipped: ${reason}`);
        expect(lines[11]).toMatch(/^ok {3}smoke test passed: 9 steps passed, 2 skipped in \d+ ms, send→receive latency not measured$/);
      } finally {
        await logServer.stop();
      }
    });

    it('fails with exit 4 and one sentence when the server is unreachable', async () => {
      const port = await closedPort();
      const url = `http://127.0.0.1:${port}`;
      const error = `Cannot reach ${url} (connect ECONNREFUSED 127.0.0.1:${port}); is chatctl serve running?`;
      const res = await cli(['smoke', '--server', url, '--json']);
      expect(res.code).toBe(4);
      expect(res.stderr).toBe(`chatctl: smoke test failed at step "health": ${error}\n`);
      const report = JSON.parse(res.stdout);
      expect(report).toEqual({ ok: false, server: url, steps: [{ name: 'health', ok: false, ms: report.steps[0].ms, error }], latency_ms: null });

      const text = await cli(['smoke', '--server', url]);
      expect(text.code).toBe(4);
      expect(text.stdout).toMatch(new RegExp(`^FAIL health +\\d+ ms  ${error.replace(/[.()?]/g, '\\$&')}\n$`));
      expect(text.stderr).toBe(`chatctl: smoke test failed at step "health": ${error}\n`);
    });

    it('fails at "realtime connect" when the WebSocket host it is told about is down', async () => {
      const port = await closedPort();
      const broken = await startTestServer({
        BROADCAST_DRIVER: 'pusher',
        PUSHER_APP_ID: '1',
        PUSHER_APP_KEY: 'smoke-key',
        PUSHER_APP_SECRET: 'smoke-secret',
        PUSHER_HOST: '127.0.0.1',
        PUSHER_PORT: String(port),
        PUSHER_SCHEME: 'http',
      });
      try {
        const res = await cli(['smoke', '--server', broken.url, '--timeout', '1', '--json']);
        const error = `no WebSocket connection to ws://127.0.0.1:${port} within 1 s.`;
        expect(res.stderr).toBe(`chatctl: smoke test failed at step "realtime connect": ${error}\n`);
        expect(res.code).toBe(5);
        const report = JSON.parse(res.stdout);
        expect(report.ok).toBe(false);
        expect(report.steps.map((s: any) => [s.name, s.ok, s.error])).toEqual([
          ['health', true, undefined],
          ['register users', true, undefined],
          ['start conversation', true, undefined],
          ['realtime connect', false, error],
        ]);
        expect(report.steps[3].ms).toBeGreaterThanOrEqual(1000);
      } finally {
        await broken.stop();
      }
    });

    it('rejects a bad --timeout', async () => {
      expect(await cli(['smoke', '--server', server.url, '--timeout', 'soon'])).toEqual({
        code: 2,
        stdout: '',
        stderr: 'chatctl: --timeout "soon" is not a number of seconds between 0 and 600.\n',
      });
    });
  });
});
