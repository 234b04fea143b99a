// Send → `message.sent` latency: one pusher-js subscriber (the recipient) and an open-loop sender
// at a fixed rate, in one process so both ends read the same clock.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { subscribe } from './pusher-clients.js';
import { serveCommands } from './serve-commands.js';

serveCommands({
  /** { server, conversationId, senderToken, recipientToken, rate, count } */
  async run({ server, conversationId, senderToken, recipientToken, rate = 100, count = 500 }) {
    const sub = subscribe(server, `private-conversation.${conversationId}`, recipientToken);
    await sub.ready;
    const sentAt = new Map();
    const samples = [];
    let failures = 0;
    sub.channel.bind('message.sent', (event) => {
      const t0 = sentAt.get(event.message);
      if (t0 !== undefined) samples.push(performance.now() - t0);
    });
    // Open loop: enough connections that a slow commit never holds back the next send.
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const post = (text) =>
      new Promise((resolve) => {
        const payload = JSON.stringify({ message: text });
        const req = request(
          `${server.url}/api/chat/conversations/${conversationId}/messages`,
          { method: 'POST', agent, headers: { authorization: `Bearer ${senderToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
          (res) => {
            if (res.statusCode !== 201) failures++;
            res.resume();
            res.on('end', resolve);
          },
        );
        req.on('error', () => {
          failures++;
          resolve();
        });
        req.end(payload);
      });
    // warm-up (JIT, connection pool)
    for (let i = 0; i < 20; i++) await post(`warm ${i}`);
    const pending = [];
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const due = start + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const text = `latency ${i}`;
      sentAt.set(text, performance.now());
      pending.push(post(text));
    }
    await Promise.all(pending);
    const until = Date.now() + 3000;
    while (samples.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    sub.client.disconnect();
    agent.destroy();
    return { samples, failures, lost: count - samples.length };
  },
});
