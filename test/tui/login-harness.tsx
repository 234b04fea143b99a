// What the login and session-end Ink tests share: one real server with Ann and Bob (Bob has
// written to Ann), an empty config folder per test, and the App opened on the login screen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { App } from '../../src/tui/App.js';
import { registerUser, sendText, startConversation, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { KEYS, sleep, waitForFrame } from './helpers.js';

export const SIZE = { columns: 100, rows: 30 };
export const PASSWORD = 'secret-password'; // what registerUser gives everyone

export interface LoginWorld {
  server: TestServer;
  ann: TestUser;
  bob: TestUser;
}

/** Registers the hooks; `world` is filled in before the first test runs. */
export function loginHarness() {
  const world = {} as LoginWorld;
  let dirs: string[] = [];

  beforeAll(async () => {
    world.server = await startTestServer();
    world.ann = await registerUser(world.server, 'Ann');
    world.bob = await registerUser(world.server, 'Bob');
    const chat = await startConversation(world.server, world.bob, world.ann);
    await sendText(world.server, world.bob, chat, 'hello Ann, from Bob');
  });
  afterEach(() => {
    cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });
  afterAll(() => world.server.stop());

  /** An empty config folder: no saved profile. */
  function profileEnv(): NodeJS.ProcessEnv {
    const dir = mkdtempSync(join(tmpdir(), 'chatctl-login-'));
    dirs.push(dir);
    return { CHATCTL_CONFIG_DIR: join(dir, 'config') };
  }

  function profileFile(env: NodeJS.ProcessEnv): string {
    return join(env.CHATCTL_CONFIG_DIR as string, 'chatctl.json');
  }

  async function openLogin(props: { server?: string; token?: string; env?: NodeJS.ProcessEnv } = {}) {
    const env = props.env ?? profileEnv();
    const app = render(<App server={props.server ?? world.server.url} token={props.token} profileEnv={env} size={SIZE} colors={false} />);
    if (!props.token) await waitForFrame(app.lastFrame, 'Log in to chat');
    await sleep(50); // let the input hook subscribe before the first key
    return { ...app, env, frame: () => app.lastFrame() ?? '' };
  }

  /** Types like a person: the e-mail, Tab, the password (each its own chunk), Enter. */
  async function typeLogin(app: { stdin: { write(data: string): void } }, email: string, password: string) {
    app.stdin.write(email);
    await sleep(30);
    app.stdin.write(KEYS.tab);
    await sleep(30);
    app.stdin.write(password);
    await sleep(30);
    app.stdin.write(KEYS.enter);
  }

  return { world, profileEnv, profileFile, openLogin, typeLogin };
}
