// The chat client's login / register screen, rendered with
// ink-testing-library against a real chatctl server: what the user sees, what the server
// answered, and the profile file written (the same one `chatctl login` writes).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanup, render } from 'ink-testing-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/tui/App.js';
import { closedPort } from '../helpers/net.js';
import { api, registerUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { loginHarness, PASSWORD, SIZE } from './login-harness.js';
import { KEYS, lineWith, sleep, waitForFrame } from './helpers.js';

const CTRL_R = '\u0012';
const SHIFT_TAB = '\u001b[Z';

/** The line right below the one containing `text` (a field's message sits there). */
function lineBelow(frame: string, text: string): string {
  const lines = frame.split('\n');
  const index = lines.findIndex((line) => line.includes(text));
  return index >= 0 ? (lines[index + 1] ?? '') : '';
}

describe('chatctl chat: logging in and registering (Ink, real server)', { timeout: 40_000 }, () => {
  const { world, profileEnv, profileFile, openLogin, typeLogin } = loginHarness();
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  beforeAll(() => void ({ server, ann, bob } = world));

  it('logs in through the form: the list comes next, and the profile is saved (0600) as chatctl login saves it', async () => {
    const app = await openLogin();
    const first = app.frame();
    expect(lineWith(first, 'Server')).toContain(server.url); // the default server, pre-filled
    expect(lineWith(first, 'E-mail')).toContain('›'); // the focus starts on the e-mail
    await typeLogin(app, ann.email, PASSWORD);
    const listed = await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('● connected'));
    expect(listed).toContain('hello Ann, from Bob');
    expect(listed).toContain('│ Ann │');

    const file = profileFile(app.env);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(saved).sort()).toEqual(['server', 'token', 'user']);
    expect(saved.server).toBe(server.url);
    expect(saved.user).toMatchObject({ id: ann.id, name: 'Ann', email: ann.email });
    const me = await api(server, 'GET', '/api/user', { token: saved.token });
    expect(me.status).toBe(200);
    expect(me.body.data.id).toBe(ann.id);
    expect(listed).not.toContain(PASSWORD);
  });

  it('a wrong password: the server message beside the e-mail field, everything typed kept, the password masked', async () => {
    const app = await openLogin();
    await typeLogin(app, bob.email, 'not-the-password');
    const shown = await waitForFrame(app.lastFrame, 'These credentials do not match our records.');
    expect(lineBelow(shown, 'E-mail')).toMatch(/│ {13}These credentials do not match our records\. +│$/);
    expect(lineWith(shown, 'E-mail')).toContain(bob.email);
    expect(lineWith(shown, 'Password')).toMatch(/Password {2}•{16} /); // 16 characters typed, none shown
    expect(shown).not.toContain('not-the-password');
    expect(existsSync(profileFile(app.env))).toBe(false);

    // Fixing only the password logs in.
    app.stdin.write(KEYS.ctrlU);
    await sleep(30);
    app.stdin.write(PASSWORD);
    await sleep(30);
    app.stdin.write(KEYS.enter);
    await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('│ Bob │'));
  });

  it('registering with an e-mail that is taken: the server message beside the e-mail, the name and e-mail kept', async () => {
    const app = await openLogin();
    app.stdin.write(CTRL_R);
    const form = await waitForFrame(app.lastFrame, 'Create an account');
    expect(lineWith(form, 'Name')).toContain('›');
    app.stdin.write('Ann Again');
    await sleep(30);
    app.stdin.write(KEYS.tab);
    await sleep(30);
    app.stdin.write(ann.email);
    await sleep(30);
    app.stdin.write(KEYS.tab);
    await sleep(30);
    app.stdin.write('another-secret');
    await sleep(30);
    app.stdin.write(KEYS.enter);
    const shown = await waitForFrame(app.lastFrame, 'The email has already been taken.');
    expect(lineBelow(shown, 'E-mail')).toMatch(/│ {13}The email has already been taken\. +│$/);
    expect(lineWith(shown, 'Name')).toContain('Ann Again');
    expect(lineWith(shown, 'E-mail')).toContain(ann.email);
    expect(lineWith(shown, 'E-mail')).toContain('›'); // the field to fix has the focus
    expect(lineWith(shown, 'Password')).toMatch(/•{14} /);

    // A new e-mail registers and logs in.
    app.stdin.write(KEYS.ctrlU);
    await sleep(30);
    const email = `new.${Date.now()}@example.com`;
    app.stdin.write(email);
    await sleep(30);
    app.stdin.write(KEYS.enter);
    await waitForFrame(app.lastFrame, (f) => f.includes('No conversations yet') && f.includes('│ Ann Again │'));
    const saved = JSON.parse(readFileSync(profileFile(app.env), 'utf8'));
    expect(saved.user).toMatchObject({ name: 'Ann Again', email });
  });

  it('an unreachable server: the URL tried beside the server field; fixing the URL logs in', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const app = await openLogin({ server: dead });
    await typeLogin(app, ann.email, PASSWORD);
    const shown = await waitForFrame(app.lastFrame, 'Cannot reach');
    expect(lineBelow(shown, 'Server')).toMatch(new RegExp(`│ {13}Cannot reach ${dead.replace(/[.]/g, '\\.')} \\(`)); // the rest may wrap
    expect(lineWith(shown, 'Server')).toContain('›');
    expect(lineWith(shown, 'E-mail')).toContain(ann.email);
    expect(lineWith(shown, 'Password')).toMatch(/•{15} /);

    app.stdin.write(KEYS.ctrlU);
    await sleep(30);
    app.stdin.write(server.url);
    await sleep(30);
    app.stdin.write(KEYS.enter);
    await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('│ Ann │'));
    expect(JSON.parse(readFileSync(profileFile(app.env), 'utf8')).server).toBe(server.url);
  });

  it('a server that answers the login without a token: said beside the server field, nothing saved', async () => {
    const stranger = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":true,"message":"Welcome"}'));
    await new Promise<void>((resolve) => stranger.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}`;
    try {
      const app = await openLogin({ server: url });
      await typeLogin(app, ann.email, PASSWORD);
      const shown = await waitForFrame(app.lastFrame, 'answered without a token');
      expect(shown.replace(/[│\s]+/g, ' ')).toContain(`${url} answered without a token and user, so it is not a chatctl-compatible server.`);
      expect(existsSync(profileFile(app.env))).toBe(false);
    } finally {
      stranger.close();
    }
  });

  it('too many attempts (429): the server message with the wait, the form kept', async () => {
    const carol = await registerUser(server, 'Carol');
    let last;
    for (let i = 0; i < 20; i++) {
      last = await api(server, 'POST', '/api/login', { json: { email: carol.email, password: 'wrong-guess' } });
      if (last.status === 429) break;
    }
    expect(last?.status).toBe(429);
    const app = await openLogin();
    await typeLogin(app, carol.email, PASSWORD);
    const shown = await waitForFrame(app.lastFrame, 'Too many login attempts.');
    expect(shown).toMatch(/│ Too many login attempts\. Please try again in \d+ seconds\. +│/);
    expect(lineWith(shown, 'E-mail')).toContain(carol.email);
    expect(lineWith(shown, 'Password')).toMatch(/•{15} /);
    expect(existsSync(profileFile(app.env))).toBe(false);
  });

  it('keys typed ahead arrive in one chunk (or one line, before the terminal left line mode): Tab and Enter in it still count', async () => {
    for (const end of ['\r', '\n']) {
      const app = await openLogin();
      app.stdin.write(`${ann.email}\t${PASSWORD}${end}`);
      await waitForFrame(app.lastFrame, (f) => /Conversations \(\d+\)/.test(f) && f.includes('│ Ann │'));
      cleanup();
    }
  });

  it('Shift-Tab goes back a field, and Esc leaves the register form', async () => {
    const app = await openLogin();
    app.stdin.write(SHIFT_TAB);
    await waitForFrame(app.lastFrame, (f) => lineWith(f, 'Server').includes('›'));
    app.stdin.write(CTRL_R);
    await waitForFrame(app.lastFrame, 'Create an account');
    app.stdin.write(KEYS.escape);
    await waitForFrame(app.lastFrame, 'Log in to chat');
  });

  it('the new-conversation screen says where to invite people when nobody is found', async () => {
    const lonely = await startTestServer();
    try {
      const only = await registerUser(lonely, 'Only');
      const app = render(<App server={lonely.url} token={only.token} profileEnv={profileEnv()} size={SIZE} colors={false} />);
      await waitForFrame(app.lastFrame, (f) => f.includes('No conversations yet') && f.includes('● connected'));
      await sleep(50);
      app.stdin.write(KEYS.ctrlN);
      const shown = await waitForFrame(app.lastFrame, 'no one else is here yet');
      expect(shown.replace(/[│\s]+/g, ' ')).toContain(`no one else is here yet: invite someone to register at ${lonely.url}`);
      app.stdin.write('zed');
      const none = await waitForFrame(app.lastFrame, 'no one called "zed"');
      expect(none.replace(/[│\s]+/g, ' ')).toContain(`no one called "zed": invite someone to register at ${lonely.url}`);
    } finally {
      cleanup();
      await lonely.stop();
    }
  });
});
