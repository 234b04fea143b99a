// Beyond one machine: sends/s and send → message.sent latency with one instance on SQLite, one on
// PostgreSQL, and two on PostgreSQL + Redis (sends spread over both; the latency subscriber on B,
// the sender on A). PostgreSQL and Redis are throwaway instances (scripts/test-services.mjs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startTestServices } from '../../scripts/test-services.mjs';
import { runLoad } from '../lib/processes.js';
import { percentiles } from '../lib/stats.js';

export const name = 'scaling';

const CHATCTL = fileURLToPath(new URL('../../bin/chatctl', import.meta.url));
// Below every setup's capacity on a small machine, so the figure is latency and not queueing.
const LATENCY_RATE = 20;
const SHARED = { PUSHER_APP_ID: '9001', PUSHER_APP_KEY: 'bench-shared-key', PUSHER_APP_SECRET: 'bench-shared-secret' };

async function serve(env, cwd) {
  const child = spawn(CHATCTL, ['serve', '--port', '0', '--json'], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BROADCAST_DRIVER: 'embedded', CHATCTL_DATA_DIR: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`chatctl serve exited (${code}): ${stderr.trim().slice(-400)}`);
  });
  const ready = (async () => {
    for await (const line of createInterface({ input: child.stdout })) if (line.startsWith('{')) return JSON.parse(line);
    throw new Error('no ready line');
  })();
  const info = await Promise.race([ready, exited]);
  exited.catch(() => {});
  return {
    url: info.url,
    port: info.port,
    key: info.key,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGINT');
      await gone;
    },
  };
}

async function call(server, path, body, token) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return json.data;
}

/** `pairs` conversations registered through the API (the same way for every store). */
async function seedPairs(servers, pairs, tag) {
  const out = [];
  for (let i = 0; i < pairs; i++) {
    const via = servers[i % servers.length];
    const register = async (who) => {
      const data = await call(via, '/api/register', { name: `${who} ${i}`, email: `${who}.${i}.${tag}@bench.test`, password: 'bench-password' });
      return { id: data.user.id, token: data.token };
    };
    const sender = await register('s');
    const recipient = await register('r');
    const { conversation_id: conversationId } = await call(via, '/api/chat/conversations/start', { user_id: recipient.id }, sender.token);
    out.push({ conversationId, sender, recipient });
  }
  return out;
}

async function createDatabase(adminUrl, dbName) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return url.toString();
}

async function measure(servers, tag, { seconds, count }) {
  const pairs = await seedPairs(servers, 40, tag);
  // Sends: 16 connections per instance, each instance on its own half of the conversations.
  const loads = await Promise.all(
    servers.map((server, index) =>
      runLoad('senders.js', {
        cmd: 'run',
        url: server.url,
        targets: pairs.filter((_, i) => i % servers.length === index && i > 0).map((p) => ({ conversationId: p.conversationId, token: p.sender.token })),
        connections: 16,
        seconds,
      }),
    ),
  );
  const ok = loads.reduce((sum, l) => sum + l.ok, 0);
  const failed = loads.reduce((sum, l) => sum + Object.entries(l.statuses).filter(([s]) => s !== '201').reduce((n, [, c]) => n + c, 0), 0);
  // Latency: sent through the first instance, received by a pusher-js subscriber on the last.
  const [first] = pairs;
  const sendVia = servers[0];
  const receiveOn = servers[servers.length - 1];
  const latency = await runLoad('latency.js', {
    cmd: 'run',
    server: { url: sendVia.url, port: receiveOn.port, key: receiveOn.key },
    conversationId: first.conversationId,
    senderToken: first.sender.token,
    recipientToken: first.recipient.token,
    rate: LATENCY_RATE,
    count,
  });
  return { perSecond: Math.round(ok / seconds), failed, latency: { ...percentiles(latency.samples), lost: latency.lost, failures: latency.failures } };
}

export async function run({ tmp, quick }) {
  const options = { seconds: quick ? 3 : 8, count: quick ? 100 : 300 };
  const services = await startTestServices();
  const results = {};
  const started = [];
  try {
    const setups = [
      ['SQLite ×1', async () => [await serve({ DB_DATABASE: join(tmp('scaling-sqlite'), 'chat.sqlite') }, tmp('scaling-sqlite'))]],
      ['PostgreSQL ×1', async () => {
        const url = await createDatabase(services.pgUrl, 'bench_one');
        return [await serve({ DB_CONNECTION: 'pgsql', DB_URL: url }, tmp('scaling-pg'))];
      }],
      ['PostgreSQL + Redis ×2', async () => {
        const url = await createDatabase(services.pgUrl, 'bench_two');
        const env = { DB_CONNECTION: 'pgsql', DB_URL: url, REALTIME_SCALING: 'redis', REDIS_URL: services.redisUrl, REDIS_PREFIX: 'bench_', ...SHARED };
        return Promise.all([serve(env, tmp('scaling-a')), serve(env, tmp('scaling-b'))]);
      }],
    ];
    for (const [label, start] of setups) {
      const servers = await start();
      started.push(...servers);
      try {
        results[label] = await measure(servers, label.replace(/\W+/g, '').toLowerCase(), options);
      } finally {
        for (const s of servers) await s.stop();
      }
    }
  } finally {
    for (const s of started) await s.stop().catch(() => {});
    services.stop();
  }
  const sqlite = results['SQLite ×1'];
  const rows = [];
  for (const [label, r] of Object.entries(results)) {
    rows.push({
      measure: `${label}: sends/s (16 connections per instance, ${options.seconds} s)`,
      value: r.perSecond,
      baseline: sqlite.perSecond,
      unit: '/s',
      ratio: r.perSecond / sqlite.perSecond,
      target: 'figure; 0 failed',
      met: r.failed === 0,
      note: `failed ${r.failed}`,
    });
    rows.push({
      measure: `${label}: send → message.sent p50 / p99 (${LATENCY_RATE} sends/s${label.endsWith('×2') ? ', sent on A, received on B' : ''})`,
      value: r.latency.p50,
      baseline: sqlite.latency.p50,
      unit: 'ms',
      target: 'figure; 0 lost',
      met: r.latency.lost === 0 && r.latency.failures === 0,
      note: `p99 ${r.latency.p99} ms, max ${r.latency.max} ms, lost ${r.latency.lost}`,
    });
  }
  return { rows, details: results };
}
