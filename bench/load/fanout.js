// Fan-out: `sockets` raw ws connections subscribed to one private channel; each round triggers one
// event over the HTTP API and times its arrival at the last socket. Arrivals are recognised by a
// marker in the raw bytes (no JSON.parse per socket, so the client side costs as little as it can).
import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import PusherServer from 'pusher';
import WebSocket from 'ws';
import { serveCommands } from './serve-commands.js';

const CHANNEL = 'private-fanout';
const sockets = [];
let keepAlive;
let marker = null;
let arrived = 0;
let lastArrival = 0;

function connectOne(server) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/${server.key}?protocol=7&client=bench&version=1`);
    const timer = setTimeout(() => reject(new Error('subscribe timed out')), 60_000);
    ws.on('error', reject);
    ws.on('message', (data) => {
      if (marker !== null) {
        if (data.includes(marker)) {
          arrived++;
          lastArrival = performance.now();
        }
        return;
      }
      const frame = JSON.parse(String(data));
      if (frame.event === 'pusher:connection_established') {
        const socketId = JSON.parse(frame.data).socket_id;
        const auth = `${server.key}:${createHmac('sha256', server.secret).update(`${socketId}:${CHANNEL}`).digest('hex')}`;
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: CHANNEL, auth } }));
      } else if (frame.event === 'pusher_internal:subscription_succeeded') {
        clearTimeout(timer);
        resolve(ws);
      } else if (frame.event === 'pusher:error') reject(new Error(`pusher:error ${frame.data?.message ?? ''}`));
    });
  });
}

function rawTrigger(server, data) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ name: 'tick', channels: [CHANNEL], data });
    const req = request(`${server.url}/apps/raw/events`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

serveCommands({
  /** { server: {url, port, key, secret, appId, raw}, sockets } */
  async connect({ server, sockets: count }) {
    const t0 = performance.now();
    for (let i = 0; i < count; i += 100) {
      const batch = await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => connectOne(server)));
      sockets.push(...batch);
    }
    // Stay alive past the server's activity timeout, as pusher-js would.
    keepAlive = setInterval(() => {
      for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send('{"event":"pusher:ping","data":{}}');
    }, 15_000);
    return { connected: sockets.length, seconds: (performance.now() - t0) / 1000 };
  },
  /** `rounds` triggers, one after the other; the time until the last socket has each. */
  async fanout({ server, rounds = 10 }) {
    const sdk = server.raw
      ? null
      : new PusherServer({ appId: server.appId, key: server.key, secret: server.secret, host: '127.0.0.1', port: String(server.port), useTLS: false });
    const last = [];
    let lost = 0;
    for (let round = 0; round < rounds; round++) {
      marker = `:r${round}:`;
      arrived = 0;
      const data = JSON.stringify({ round: `:r${round}:`, text: 'one event to every subscriber of the channel' });
      const t0 = performance.now();
      if (sdk) await sdk.trigger(CHANNEL, 'tick', data);
      else await rawTrigger(server, data);
      const until = Date.now() + 10_000;
      while (arrived < sockets.length && Date.now() < until) await new Promise((r) => setImmediate(r));
      lost += sockets.length - arrived;
      last.push(lastArrival - t0);
    }
    marker = null;
    return { last, lost };
  },
  async close() {
    clearInterval(keepAlive);
    for (const ws of sockets.splice(0)) ws.terminate();
    return {};
  },
});
