// npm run bench: measured figures for chatctl on this machine, printed and saved to bench/results/.
//   1. send → receive latency over loopback (HTTP POST → pusher-js message.sent), sequential sends
//   2. send throughput with concurrent senders
//   3. fan-out of one trigger to many WebSocket subscribers
//   4. history paging and unread counts on a large conversation table
// Usage: node bench/run.js [--messages 500] [--sockets 1000] [--rows 1000000] [--json]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import PusherServer from 'pusher';
import Pusher from 'pusher-js';
import WebSocket from 'ws';
import { loadConfig } from '../dist/config/env.js';
import { startServer } from '../dist/server/runtime.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MESSAGES = option('messages', 500);
const ROWS = option('rows', 1_000_000);
const SOCKETS = option('sockets', 1000);
const asJson = args.includes('--json');
const say = (text) => (asJson ? process.stderr : process.stdout).write(`${text}\n`);

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const round = (n) => Math.round(n * 100) / 100;
  return { n: sorted.length, p50: round(at(50)), p95: round(at(95)), p99: round(at(99)), max: round(sorted[sorted.length - 1]), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
}

async function http(url, method, path, token, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function register(url, name) {
  const body = await http(url, 'POST', '/api/register', null, { name, email: `${name.toLowerCase()}@bench.test`, password: 'bench-password' });
  return { id: body.data.user.id, token: body.data.token };
}

async function latencyBench(dir) {
  const config = loadConfig({ cwd: dir, env: { DB_DATABASE: join(dir, 'latency.sqlite'), DB_SYNCHRONOUS: process.env.DB_SYNCHRONOUS ?? 'FULL' }, overrides: { host: '127.0.0.1', port: 0 } });
  const server = await startServer(config);
  try {
    const ann = await register(server.url, 'Ann');
    const bob = await register(server.url, 'Bob');
    const { data: start } = await http(server.url, 'POST', '/api/chat/conversations/start', ann.token, { user_id: bob.id });
    const { data: rt } = await http(server.url, 'GET', '/api/chat/realtime');
    const client = new Pusher(rt.key, {
      cluster: rt.cluster, wsHost: rt.ws_host, wsPort: rt.ws_port, forceTLS: false, enabledTransports: ['ws'],
      channelAuthorization: { endpoint: rt.auth_endpoint, transport: 'ajax', headers: { Authorization: `Bearer ${bob.token}` } },
    });
    const channel = client.subscribe(`private-conversation.${start.conversation_id}`);
    await new Promise((resolve, reject) => {
      channel.bind('pusher:subscription_succeeded', resolve);
      channel.bind('pusher:subscription_error', reject);
    });
    const waiting = new Map();
    channel.bind('message.sent', (event) => waiting.get(event.message)?.(performance.now()));

    const sendMs = [];
    const deliverMs = [];
    for (let i = 0; i < MESSAGES; i++) {
      const text = `bench ${i}`;
      const arrived = new Promise((resolve) => waiting.set(text, resolve));
      const t0 = performance.now();
      await http(server.url, 'POST', `/api/chat/conversations/${start.conversation_id}/messages`, ann.token, { message: text });
      const t1 = performance.now();
      const t2 = await arrived;
      waiting.delete(text);
      sendMs.push(t1 - t0);
      deliverMs.push(t2 - t0);
    }

    // throughput: 8 concurrent senders
    const total = MESSAGES * 2;
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < total) {
          next++;
          await http(server.url, 'POST', `/api/chat/conversations/${start.conversation_id}/messages`, ann.token, { message: 'load' });
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    client.disconnect();
    return { http_send_ms: percentiles(sendMs), send_to_receive_ms: percentiles(deliverMs), throughput: { messages: total, concurrency: 8, per_second: Math.round(total / seconds) }, synchronous: config.synchronous };
  } finally {
    await server.close();
  }
}

async function scaleBench(dir) {
  const config = loadConfig({ cwd: dir, env: { DB_DATABASE: join(dir, 'scale.sqlite'), BROADCAST_DRIVER: 'null', DB_SYNCHRONOUS: 'NORMAL' }, overrides: { host: '127.0.0.1', port: 0 } });
  const server = await startServer(config);
  try {
    const ann = await register(server.url, 'Ann');
    const bob = await register(server.url, 'Bob');
    const { data: start } = await http(server.url, 'POST', '/api/chat/conversations/start', ann.token, { user_id: bob.id });
    // Bulk-load rows straight into SQLite (the API path is measured above); other conversations
    // share the table so indexes, not table scans, must keep the hot queries fast.
    const db = server.store.db;
    const t0 = performance.now();
    const insertUser = db.prepare("INSERT INTO users (name, email, password_hash, created_at, updated_at) VALUES (?, ?, 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z') RETURNING id");
    const insertConversation = db.prepare("INSERT INTO conversations (user_low_id, user_high_id, created_at, updated_at) VALUES (?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z') RETURNING id");
    const insertParticipant = db.prepare('INSERT INTO participants (conversation_id, user_id) VALUES (?, ?)');
    const insertMessage = db.prepare("INSERT INTO messages (conversation_id, sender_id, type, body, created_at) VALUES (?, ?, 'text', ?, '2026-01-01T00:00:00.000Z')");
    db.transaction(() => {
      const others = [];
      for (let i = 0; i < 50; i++) {
        const u = insertUser.get(`Filler ${i}`, `filler${i}@bench.test`).id;
        const c = insertConversation.get(Math.min(ann.id, u), Math.max(ann.id, u)).id;
        insertParticipant.run(c, ann.id);
        insertParticipant.run(c, u);
        others.push([c, u]);
      }
      for (let i = 0; i < ROWS; i++) {
        if (i % 2 === 0) insertMessage.run(start.conversation_id, i % 4 === 0 ? ann.id : bob.id, `message ${i}`);
        else {
          const [c, u] = others[i % others.length];
          insertMessage.run(c, u, `other ${i}`);
        }
      }
      db.prepare('UPDATE conversations SET last_message_id = (SELECT MAX(id) FROM messages m WHERE m.conversation_id = conversations.id), updated_at = ?').run(new Date().toISOString());
    })();
    const loadSeconds = (performance.now() - t0) / 1000;
    // The bulk load blocked this process (client and server) for seconds: let the keep-alive timers
    // that came due close their idle sockets before the next request picks one up.
    await new Promise((resolve) => setTimeout(resolve, 250));

    const time = async (fn, runs = 50) => {
      const samples = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        await fn(i);
        samples.push(performance.now() - s);
      }
      return percentiles(samples);
    };
    const path = `/api/chat/conversations/${start.conversation_id}/messages`;
    const newest = await time(() => http(server.url, 'GET', `${path}?limit=50`, ann.token));
    const { data: page } = await http(server.url, 'GET', `${path}?limit=50`, ann.token);
    const scrollBack = await time((i) => http(server.url, 'GET', `${path}?limit=50&before_id=${page[0].id - i * 1000}`, ann.token));
    const catchUp = await time((i) => http(server.url, 'GET', `${path}?limit=50&after_id=${1000 + i * 1000}`, ann.token));
    // Unread counts with a large unread backlog: the list for a user with 51 conversations.
    db.prepare('UPDATE participants SET last_read_message_id = 0').run();
    const list = await time(() => db.prepare('SELECT 1').get() && server.store.listConversations(ann.id));
    const unreadPlan = db
      .prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM messages x WHERE x.conversation_id = ? AND x.sender_id = ? AND x.id > ?")
      .all(1, 2, 0)
      .map((r) => r.detail)
      .join('; ');
    const unreadCount = await server.store.unreadCount(start.conversation_id, ann.id);
    return {
      rows: ROWS,
      load_seconds: Math.round(loadSeconds * 10) / 10,
      get_newest_page_ms: newest,
      get_before_id_page_ms: scrollBack,
      get_after_id_page_ms: catchUp,
      list_conversations_store_ms: list,
      unread_backlog_counted: unreadCount,
      unread_count_plan: unreadPlan,
    };
  } finally {
    await server.close();
  }
}

/** One HTTP-API trigger fanned out to many WebSocket subscribers of one channel (raw ws clients). */
async function fanoutBench(dir) {
  const config = loadConfig({ cwd: dir, env: { DB_DATABASE: join(dir, 'fanout.sqlite') }, overrides: { host: '127.0.0.1', port: 0 } });
  const server = await startServer(config);
  const sockets = [];
  try {
    const rssBefore = process.memoryUsage().rss;
    const arrivals = [];
    let expected = '';
    for (let i = 0; i < SOCKETS; i++) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/${server.realtime.key}?protocol=7&client=bench&version=1`);
      sockets.push(ws);
      await new Promise((resolve, reject) => {
        ws.once('error', reject);
        ws.on('message', (raw) => {
          const frame = JSON.parse(String(raw));
          if (frame.event === 'pusher:connection_established') ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'fanout' } }));
          else if (frame.event === 'pusher_internal:subscription_succeeded') resolve();
          else if (frame.event === 'tick' && frame.data === expected) arrivals.push(performance.now());
        });
      });
    }
    const rssPerSocket = (process.memoryUsage().rss - rssBefore) / SOCKETS;
    const app = JSON.parse((await import('node:fs')).readFileSync(join(dir, 'pusher-app.json'), 'utf8'));
    const sdk = new PusherServer({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(server.port), useTLS: false });
    const lastArrival = [];
    const everyArrival = [];
    for (let round = 0; round < 20; round++) {
      arrivals.length = 0;
      expected = `{"round":${round}}`;
      const t0 = performance.now();
      await sdk.trigger('fanout', 'tick', { round });
      while (arrivals.length < SOCKETS) await new Promise((r) => setImmediate(r));
      lastArrival.push(arrivals[arrivals.length - 1] - t0);
      for (const t of arrivals) everyArrival.push(t - t0);
    }
    return { sockets: SOCKETS, rounds: 20, every_socket_ms: percentiles(everyArrival), last_socket_ms: percentiles(lastArrival), rss_kib_per_socket_both_ends: Math.round(rssPerSocket / 1024) };
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'chatctl-bench-'));
try {
  say(`chatctl bench — node ${process.version}, ${MESSAGES} sequential sends, ${ROWS.toLocaleString('en')} rows for paging`);
  say('1/3 send → receive latency (HTTP POST to pusher-js message.sent, loopback)…');
  const latency = await latencyBench(dir);
  say(`    HTTP send        p50 ${latency.http_send_ms.p50} ms  p95 ${latency.http_send_ms.p95} ms  p99 ${latency.http_send_ms.p99} ms  max ${latency.http_send_ms.max} ms`);
  say(`    send → receive   p50 ${latency.send_to_receive_ms.p50} ms  p95 ${latency.send_to_receive_ms.p95} ms  p99 ${latency.send_to_receive_ms.p99} ms  max ${latency.send_to_receive_ms.max} ms`);
  say(`    throughput       ${latency.throughput.per_second} messages/s (${latency.throughput.concurrency} concurrent senders, synchronous=${latency.synchronous})`);
  say(`2/3 fan-out: one HTTP-API trigger to ${SOCKETS} WebSocket subscribers, 20 rounds…`);
  const fanout = await fanoutBench(dir);
  say(`    every socket     p50 ${fanout.every_socket_ms.p50} ms  p95 ${fanout.every_socket_ms.p95} ms`);
  say(`    last socket      p50 ${fanout.last_socket_ms.p50} ms  max ${fanout.last_socket_ms.max} ms   (~${fanout.rss_kib_per_socket_both_ends} KiB RSS per socket, client and server in one process)`);
  say(`3/3 paging and unread counts with ${ROWS.toLocaleString('en')} messages…`);
  const scale = await scaleBench(dir);
  say(`    loaded in ${scale.load_seconds} s`);
  say(`    GET newest page  p50 ${scale.get_newest_page_ms.p50} ms  p95 ${scale.get_newest_page_ms.p95} ms`);
  say(`    GET before_id    p50 ${scale.get_before_id_page_ms.p50} ms  p95 ${scale.get_before_id_page_ms.p95} ms`);
  say(`    GET after_id     p50 ${scale.get_after_id_page_ms.p50} ms  p95 ${scale.get_after_id_page_ms.p95} ms`);
  say(`    conversation list (51 rows, ${scale.unread_backlog_counted.toLocaleString('en')} unread in one) p50 ${scale.list_conversations_store_ms.p50} ms  p95 ${scale.list_conversations_store_ms.p95} ms`);
  say(`    unread count plan: ${scale.unread_count_plan}`);
  const results = { date: new Date().toISOString(), node: process.version, latency, fanout, scale };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  if (asJson) process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
