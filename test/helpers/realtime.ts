// Real pusher-js clients configured the way a chatctl client would: from GET /api/chat/realtime.
import type { Channel } from 'pusher-js';
import { Pusher, type PusherClient } from '../../src/client/realtime.js';
import { api } from './server.js';

export interface RealtimeConfig {
  key: string;
  ws_host: string;
  ws_port: number;
  force_tls: boolean;
  auth_endpoint: string;
  cluster: string;
}

export async function realtimeConfig(server: { url: string }): Promise<RealtimeConfig> {
  const res = await api(server, 'GET', '/api/chat/realtime');
  return res.body.data as RealtimeConfig;
}

/** A pusher-js client that authorizes private channels with a bearer token. */
export function pusherClient(config: RealtimeConfig, token: string, overrides: { authEndpoint?: string; wsPort?: number; wsHost?: string } = {}): PusherClient {
  return new Pusher(config.key, {
    cluster: config.cluster,
    wsHost: overrides.wsHost ?? config.ws_host,
    wsPort: overrides.wsPort ?? config.ws_port,
    wssPort: overrides.wsPort ?? config.ws_port,
    forceTLS: config.force_tls,
    enabledTransports: ['ws'],
    channelAuthorization: {
      endpoint: overrides.authEndpoint ?? config.auth_endpoint,
      transport: 'ajax',
      headers: { Authorization: `Bearer ${token}` },
    },
  });
}

export function connected(client: PusherClient): Promise<string> {
  return new Promise((resolve, reject) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id);
    const timer = setTimeout(() => reject(new Error(`not connected: ${client.connection.state}`)), 5000);
    client.connection.bind('connected', () => {
      clearTimeout(timer);
      resolve(client.connection.socket_id);
    });
  });
}

/** Subscribes and resolves on success, rejects with the subscription error's payload. */
export function subscribed(client: PusherClient, channelName: string): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const channel = client.subscribe(channelName);
    const timer = setTimeout(() => reject(new Error(`subscription to ${channelName} timed out`)), 5000);
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer);
      resolve(channel);
    });
    channel.bind('pusher:subscription_error', (error: unknown) => {
      clearTimeout(timer);
      reject(Object.assign(new Error('subscription_error'), { payload: error }));
    });
  });
}

/** Collects every event of one name on a channel. */
export function collect<T = any>(channel: Channel, event: string): T[] {
  const received: T[] = [];
  channel.bind(event, (data: T) => received.push(data));
  return received;
}

/** Resolves when `list` has at least n items (polling; events arrive asynchronously). */
export async function waitFor<T>(list: T[], n = 1, timeoutMs = 5000): Promise<T[]> {
  const start = Date.now();
  while (list.length < n) {
    if (Date.now() - start > timeoutMs) throw new Error(`expected ${n} events, got ${list.length}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return list;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
