// One trigger to 10,000 subscribers of one channel (last socket's arrival) and the server's RSS
// per idle subscribed connection, chatctl vs the raw ws baseline.
import { join } from 'node:path';
import { rssKib, startChatctl, startLoad, startRaw } from '../lib/processes.js';
import { percentiles } from '../lib/stats.js';
import { openSeed } from '../seed-db.js';

export const name = 'fanout';

const settle = (ms) => new Promise((r) => setTimeout(r, ms));

async function measure(server, sockets, rounds) {
  const clients = startLoad('fanout.js');
  try {
    await settle(1000);
    const idle = await rssKib(server.pid);
    const connected = await clients.ask({ cmd: 'connect', server, sockets });
    await settle(2000);
    const busy = await rssKib(server.pid);
    const { last, lost } = await clients.ask({ cmd: 'fanout', server, rounds });
    await clients.ask({ cmd: 'close' });
    return { ...percentiles(last), lost, rssKibPerSocket: (busy - idle) / sockets, idleRssKib: idle, connectSeconds: connected.seconds };
  } finally {
    await clients.stop();
  }
}

export async function run({ tmp, quick }) {
  const sockets = quick ? 2000 : 10_000;
  const rounds = quick ? 5 : 10;
  const dir = tmp('fanout');
  for (const f of ['raw.sqlite', 'chat.sqlite']) {
    const seed = openSeed(join(dir, f));
    await seed.close();
  }
  const raw = await startRaw({ db: join(dir, 'raw.sqlite') });
  let rawStats;
  try {
    rawStats = await measure({ ...raw, raw: true }, sockets, rounds);
  } finally {
    await raw.stop();
  }
  // Every bench socket comes from 127.0.0.1: lift the per-address caps (HTTP and WebSocket) that
  // would otherwise refuse one client holding thousands of connections.
  const perAddress = { CHATCTL_MAX_CONNECTIONS_PER_IP: String(sockets + 1000), CHATCTL_WS_MAX_CONNECTIONS_PER_IP: String(sockets) };
  const chat = await startChatctl({ db: join(dir, 'chat.sqlite'), dataDir: dir, env: perAddress });
  let chatStats;
  try {
    chatStats = await measure(chat, sockets, rounds);
  } finally {
    await chat.stop();
  }
  const kb = (kib) => Math.round(kib * 1.024 * 10) / 10;
  return {
    rows: [
      {
        measure: `one trigger to ${sockets.toLocaleString('en')} subscribers of one channel, last socket p50`,
        value: chatStats.p50,
        baseline: rawStats.p50,
        unit: 'ms',
        target: '≤ 50 ms',
        met: chatStats.p50 <= 50 && chatStats.lost === 0,
        note: `max ${chatStats.max} ms; lost ${chatStats.lost}`,
      },
      {
        measure: `${sockets.toLocaleString('en')} idle subscribed connections, server RSS per connection`,
        value: kb(chatStats.rssKibPerSocket),
        baseline: kb(rawStats.rssKibPerSocket),
        unit: 'KB',
        target: '≤ 8 KB',
        met: kb(chatStats.rssKibPerSocket) <= 8,
        note: `above an idle server of ${Math.round(chatStats.idleRssKib / 1024)} MiB`,
      },
    ],
    details: { chatctl: chatStats, raw: rawStats },
  };
}
