// The server closes the real-time connection of a token revoked elsewhere (pusher-js then goes
// to `disconnected` without being asked, or to `failed`/`unavailable`). An idle session would
// not notice until its next request, so on such a change the session's token is checked once:
// a 401 there brings the login screen back (SessionApi reports it).
import { connectRealtime, type PusherClient } from '../client/realtime.js';
import type { Connect } from './hooks/useRealtime.js';

export function watchedConnect(connect: Connect | undefined, check: () => void): Connect {
  return (settings, token) => {
    const client: PusherClient = (connect ?? connectRealtime)(settings, token);
    let leaving = false;
    const disconnect = client.disconnect.bind(client);
    client.disconnect = () => {
      leaving = true; // our own disconnect (quit, logout): nothing to check
      disconnect();
    };
    client.connection.bind('state_change', (change: { current?: string }) => {
      if (leaving) return;
      if (change.current === 'disconnected' || change.current === 'failed' || change.current === 'unavailable') check();
    });
    return client;
  };
}
