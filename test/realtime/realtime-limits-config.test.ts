// CHATCTL_WS_* reach the embedded server through serve's configuration.
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import type { PusherClient as Pusher } from '../../src/client/realtime.js';
import { connected, pusherClient, realtimeConfig } from '../helpers/realtime.js';
import { registerUser, startTestServer, type TestServer } from '../helpers/server.js';

function subscriptionOutcome(client: Pusher, name: string): Promise<unknown> {
  return new Promise((resolve) => {
    const channel = client.subscribe(name);
    channel.bind('pusher:subscription_succeeded', () => resolve('succeeded'));
    channel.bind('pusher:subscription_error', (error: unknown) => resolve(error));
  });
}

describe('CHATCTL_WS_* settings', () => {
  let server: TestServer | undefined;
  const clients: Pusher[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await server?.stop();
    server = undefined;
  });

  async function publicSubscribe(env: Record<string, string>) {
    server = await startTestServer(env);
    const user = await registerUser(server);
    const client = pusherClient(await realtimeConfig(server), user.token);
    clients.push(client);
    await connected(client);
    return subscriptionOutcome(client, 'news');
  }

  it('public channels are refused by default', async () => {
    expect(await publicSubscribe({})).toEqual({
      type: 'AuthError',
      error: 'Public channels are disabled on this server; use a private- or presence- channel',
      status: 403,
    });
  });

  it('CHATCTL_WS_PUBLIC_CHANNELS=true enables them', async () => {
    expect(await publicSubscribe({ CHATCTL_WS_PUBLIC_CHANNELS: 'true' })).toBe('succeeded');
  });

  it('defaults and validation', () => {
    const base = { DB_DATABASE: '/tmp/x.sqlite' };
    expect(loadConfig({ env: base, cwd: '/tmp' }).realtimeLimits).toEqual({
      publicChannels: false,
      maxConnectionsPerAddress: 100,
      maxChannelsPerConnection: 100,
    });
    expect(
      loadConfig({
        env: { ...base, CHATCTL_WS_PUBLIC_CHANNELS: 'TRUE', CHATCTL_WS_MAX_CONNECTIONS_PER_IP: '5', CHATCTL_WS_MAX_CHANNELS_PER_CONNECTION: '7' },
        cwd: '/tmp',
      }).realtimeLimits,
    ).toEqual({ publicChannels: true, maxConnectionsPerAddress: 5, maxChannelsPerConnection: 7 });
    expect(() => loadConfig({ env: { ...base, CHATCTL_WS_PUBLIC_CHANNELS: 'maybe' }, cwd: '/tmp' })).toThrow(
      'CHATCTL_WS_PUBLIC_CHANNELS must be true or false.',
    );
    expect(() => loadConfig({ env: { ...base, CHATCTL_WS_MAX_CONNECTIONS_PER_IP: '0' }, cwd: '/tmp' })).toThrow(
      'CHATCTL_WS_MAX_CONNECTIONS_PER_IP must be a whole number between 1 and 10000.',
    );
  });
});
