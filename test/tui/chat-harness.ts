// What the chat-app and features Ink tests share: one real server with Ann, Bob and Carol (each
// file seeds its own conversations), the rendered App cleaned up after each test, and a chat that
// is opened once its list is on screen and real-time is connected.
import type { ReactElement } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { registerUser, startTestServer, type TestServer, type TestUser } from '../helpers/server.js';
import { sleep, waitForFrame } from './helpers.js';

export interface ChatWorld {
  server: TestServer;
  ann: TestUser;
  bob: TestUser;
  carol: TestUser;
}

/** Registers the hooks: the server and the three users, then `seed` with them, before the first test. */
export function chatHarness(seed: (world: ChatWorld) => Promise<void>): ChatWorld {
  const world = {} as ChatWorld;
  beforeAll(async () => {
    world.server = await startTestServer();
    world.ann = await registerUser(world.server, 'Ann');
    world.bob = await registerUser(world.server, 'Bob');
    world.carol = await registerUser(world.server, 'Carol');
    await seed(world);
  });
  afterEach(() => cleanup());
  afterAll(() => world.server.stop());
  return world;
}

/** Renders the chat and resolves once the list is on screen and real-time is connected. */
export async function renderChat(tree: ReactElement) {
  const app = render(tree);
  await waitForFrame(app.lastFrame, (f) => f.includes('Conversations') && f.includes('● connected'));
  await sleep(50); // let the input hook subscribe before the first key
  return { ...app, frame: () => app.lastFrame() ?? '' };
}
