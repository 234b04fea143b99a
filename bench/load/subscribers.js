// Subscribers in their own process: pusher-js clients on conversation channels counting each
// `message.sent` they get (by message id, so a duplicate is not mistaken for a delivery).
import { subscribe } from './pusher-clients.js';
import { serveCommands } from './serve-commands.js';

const subscriptions = [];
let received = 0;
let duplicates = 0;

serveCommands({
  /** { server: {url, port, key}, subscriptions: [{ channel, token }] } */
  async start({ server, subscriptions: wanted }) {
    for (let i = 0; i < wanted.length; i += 20) {
      const batch = wanted.slice(i, i + 20).map(({ channel, token }) => {
        const sub = subscribe(server, channel, token);
        const seen = new Set();
        sub.channel.bind('message.sent', (event) => {
          if (seen.has(event.id)) duplicates++;
          else {
            seen.add(event.id);
            received++;
          }
        });
        subscriptions.push(sub);
        return sub.ready;
      });
      await Promise.all(batch);
    }
    return { subscribed: subscriptions.length };
  },
  /** Waits (up to `timeoutMs`) until `expected` deliveries arrived; reports what did. */
  async count({ expected, timeoutMs = 5000 }) {
    const until = Date.now() + timeoutMs;
    while (received < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return { received, duplicates };
  },
  async reset() {
    received = 0;
    duplicates = 0;
    return {};
  },
  async stop() {
    for (const { client } of subscriptions.splice(0)) client.disconnect();
    return {};
  },
});
