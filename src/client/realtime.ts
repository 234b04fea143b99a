// pusher-js configured from the server's /api/chat/realtime answer: clients never need Pusher settings.
import PusherModule from 'pusher-js';
import { USER_AUTH_PATH } from '../shared/wire.js';
import type { RealtimeSettings } from './api.js';

// pusher-js's Node build exports the class itself; its typings declare a default export.
export const Pusher = PusherModule as unknown as typeof PusherModule.default;
export type PusherClient = InstanceType<typeof Pusher>;

/** Where pusher:signin is authorized: the server's own answer, else beside the channel auth endpoint. */
export function userAuthEndpoint(settings: RealtimeSettings): string {
  return settings.user_auth_endpoint ?? settings.auth_endpoint.replace(/\/broadcasting\/auth$/, USER_AUTH_PATH);
}

export function connectRealtime(settings: RealtimeSettings, token: string): PusherClient {
  if (!settings.enabled || !settings.key || !settings.ws_host) {
    throw new Error(`the server's broadcasting driver is ${settings.driver}, so there is no real-time connection to make`);
  }
  const headers = { Authorization: `Bearer ${token}` };
  return new Pusher(settings.key, {
    cluster: settings.cluster,
    wsHost: settings.ws_host,
    wsPort: settings.ws_port ?? 80,
    wssPort: settings.wss_port ?? 443,
    forceTLS: settings.force_tls,
    enabledTransports: settings.force_tls ? ['wss'] : ['ws'],
    channelAuthorization: { endpoint: settings.auth_endpoint, transport: 'ajax', headers },
    userAuthentication: { endpoint: userAuthEndpoint(settings), transport: 'ajax', headers },
  });
}
