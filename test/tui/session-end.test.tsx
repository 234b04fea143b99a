// The end of a chat session, rendered with ink-testing-library against a real chatctl server:
// a token revoked elsewhere (during an action, or while idle) and logging out with Ctrl-L or
// /logout bring the login screen back; the token is revoked and forgotten from the profile.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../src/client/profile.js';
import { SESSION_ENDED } from '../../src/tui/session-end.js';
import { api, registerUser, sendText, startConversation, type TestServer, type TestUser } from '../helpers/server.js';
import { loginHarness, PASSWORD } from './login-harness.js';
import { eventually, KEYS, lineWith, sleep, waitForFrame } from './helpers.js';

const CTRL_L = '\u000c';

describe('chatctl chat: the end of a session (Ink, real server)', { timeout: 40_000 }, () => {
  const { world, profileEnv, profileFile, openLogin } = loginHarness();
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  beforeAll(() => void ({ server, ann, bob } = world));

  it('a token revoked during the session: back to the login screen with one line saying why; the profile forgets it', async () => {
    const dave = await registerUser(server, 'Dave');
    const chat = await startConversation(server, dave, ann);
    await sendText(server, ann, chat, 'hi Dave');
    const env = profileEnv();
    saveProfile({ server: server.url, token: dave.token, user: { id: dave.id, name: dave.name, email: dave.email, avatar: null } }, env);
    const app = await openLogin({ token: dave.token, env });
    await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('● connected'));
    await sleep(50);

    expect((await api(server, 'POST', '/api/logout', { token: dave.token })).status).toBe(200); // revoked elsewhere
    app.stdin.write(KEYS.enter); // opening the conversation asks the server
    const shown = await waitForFrame(app.lastFrame, 'Log in to chat');
    expect(shown).toContain(SESSION_ENDED);
    expect(shown.split('\n').filter((line) => line.includes('revoked'))).toEqual([expect.stringMatching(new RegExp(`│ ${SESSION_ENDED.replace(/[.()]/g, '\\$&')} +│`))]);
    expect(lineWith(shown, 'E-mail')).toContain(dave.email); // pre-filled: only the password to type
    await eventually(() => !('token' in JSON.parse(readFileSync(profileFile(env), 'utf8'))), 'the profile to forget the token');
    expect(JSON.parse(readFileSync(profileFile(env), 'utf8'))).toEqual({ server: server.url });

    await sleep(100); // the login screen's input hook subscribes after its first frame
    app.stdin.write(PASSWORD);
    await sleep(30);
    app.stdin.write(KEYS.enter);
    await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('│ Dave │'));
  });

  it('an idle session whose token is revoked (the server closes its real-time connection) returns to the login screen by itself', async () => {
    const erin = await registerUser(server, 'Erin');
    await startConversation(server, erin, ann);
    const app = await openLogin({ token: erin.token });
    await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('● connected'));
    // Her user channel is subscribed (authorised with her token) before it is revoked.
    await eventually(async () => (await api(server, 'GET', '/health')).body.data.realtime.channels >= 1, 'the user channel subscription');
    expect((await api(server, 'POST', '/api/logout', { token: erin.token })).status).toBe(200);
    const shown = await waitForFrame(app.lastFrame, 'Log in to chat'); // no key pressed
    expect(shown).toContain(SESSION_ENDED);
    expect(lineWith(shown, 'E-mail')).toContain(erin.email);
  });

  for (const how of ['Ctrl-L', '/logout'] as const) {
    it(`${how} logs out: the token is revoked on the server and forgotten, the login screen says so`, async () => {
      const login = await api(server, 'POST', '/api/login', { json: { email: bob.email, password: PASSWORD } });
      const token = login.body.data.token as string;
      const env = profileEnv();
      saveProfile({ server: server.url, token, user: login.body.data.user }, env);
      const app = await openLogin({ token, env });
      await waitForFrame(app.lastFrame, (f) => f.includes('Conversations (1)') && f.includes('● connected'));
      await sleep(50);
      if (how === 'Ctrl-L') {
        app.stdin.write(CTRL_L);
      } else {
        app.stdin.write(KEYS.enter); // open the conversation
        await waitForFrame(app.lastFrame, 'hello Ann, from Bob');
        app.stdin.write('/logout');
        await waitForFrame(app.lastFrame, '› /logout');
        app.stdin.write(KEYS.enter);
      }
      const shown = await waitForFrame(app.lastFrame, 'Log in to chat');
      expect(shown).toContain(`Logged out of ${server.url}.`);
      await eventually(async () => (await api(server, 'GET', '/api/user', { token })).status === 401, 'the token to be revoked');
      expect(JSON.parse(readFileSync(profileFile(env), 'utf8'))).toEqual({ server: server.url });
      if (how === '/logout') {
        const history = await api(server, 'GET', '/api/chat/conversations', { token: ann.token });
        expect(JSON.stringify(history.body)).not.toContain('/logout'); // never sent as a message
      }
    });
  }
});
