// pusher-js clients for the load modules: one connection per subscription, private channels
// authorized through the server's /broadcasting/auth with the subscriber's bearer token.
import Pusher from 'pusher-js';

export function subscribe({ url, port, key }, channelName, token) {
  const client = new Pusher(key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: { endpoint: `${url}/broadcasting/auth`, transport: 'ajax', headers: { Authorization: `Bearer ${token}` } },
  });
  const channel = client.subscribe(channelName);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`subscription to ${channelName} timed out`)), 30_000);
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer);
      resolve();
    });
    channel.bind('pusher:subscription_error', (error) => {
      clearTimeout(timer);
      reject(new Error(`subscription to ${channelName} failed: ${JSON.stringify(error)}`));
    });
  });
  return { client, channel, ready };
}
