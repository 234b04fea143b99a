// A large database: the conversation list of a user with 1,000 conversations (1M messages, 5 of
// them with 100,000 unread each) and a 50-message history page deep in a 100,000-message
// conversation, over HTTP, one request at a time. Baselines: the same requests on a small
// conversation of the same database (what the size costs).
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runLoad, startChatctl } from '../lib/processes.js';
import { percentiles } from '../lib/stats.js';
import { openSeed } from '../seed-db.js';

export const name = 'large-db';

function seedLarge(file, { conversations, totalMessages, bigOnes, bigSize }) {
  const seed = openSeed(file);
  const [me] = seed.users(1, 'me');
  const others = seed.users(conversations, 'other');
  const ids = seed.conversations(others.map((o) => [me.id, o.id]));
  // Small pair for the baselines.
  const [lone, friend] = seed.users(2, 'lone');
  const [loneConversation] = seed.conversations([[lone.id, friend.id]]);
  seed.messages(loneConversation, [lone.id, friend.id], 200);
  const big = ids.slice(0, bigOnes);
  for (const [i, id] of big.entries()) seed.messages(id, [others[i].id], bigSize);
  const rest = ids.slice(bigOnes);
  const perRest = Math.floor((totalMessages - bigOnes * bigSize) / rest.length);
  for (const [i, id] of rest.entries()) seed.messages(id, [me.id, others[bigOnes + i].id], perRest);
  seed.finish();
  for (const id of big) seed.unread(id, me.id);
  return { seed, me, big, lone, loneConversation, total: bigOnes * bigSize + perRest * rest.length + 200 };
}

export async function run({ tmp, quick }) {
  const dir = tmp('large');
  const file = join(dir, 'chat.sqlite');
  const t0 = performance.now();
  const shape = quick
    ? { conversations: 1000, totalMessages: 200_000, bigOnes: 2, bigSize: 50_000 }
    : { conversations: 1000, totalMessages: 1_000_000, bigOnes: 5, bigSize: 100_000 };
  const { seed, me, big, lone, loneConversation, total } = seedLarge(file, shape);
  const deepBefore = seed.db.prepare('SELECT MIN(id) + ? AS id FROM messages WHERE conversation_id = ?').get(Math.floor(shape.bigSize / 2), big[0]).id;
  await seed.close();
  const seedSeconds = (performance.now() - t0) / 1000;

  const server = await startChatctl({ db: file, dataDir: dir });
  let results;
  try {
    const probes = [
      { name: 'list', path: '/api/chat/conversations', token: me.token },
      { name: 'list-small', path: '/api/chat/conversations', token: lone.token },
      { name: 'deep', path: `/api/chat/conversations/${big[0]}/messages?limit=50&before_id=${deepBefore}`, token: me.token },
      { name: 'small', path: `/api/chat/conversations/${loneConversation}/messages?limit=50`, token: lone.token },
    ];
    // The list first: reading the deep page marks that conversation read.
    results = await runLoad('requests.js', { cmd: 'run', url: server.url, probes, runs: quick ? 30 : 100, warmup: 10 });
  } finally {
    await server.stop();
  }
  const stat = (key) => percentiles(results[key].samples);
  const list = stat('list');
  const listSmall = stat('list-small');
  const deep = stat('deep');
  const small = stat('small');
  return {
    rows: [
      {
        measure: `GET /api/chat/conversations, 1,000 conversations, ${(total / 1e6).toFixed(1)}M messages, ${shape.bigOnes} × ${shape.bigSize.toLocaleString('en')} unread, p50`,
        value: list.p50,
        baseline: listSmall.p50,
        unit: 'ms',
        target: '≤ 5 ms',
        met: list.p50 <= 5,
        note: `baseline: a 1-conversation user; p99 ${list.p99} ms, ${Math.round(results.list.bytes / 1024)} KiB`,
      },
      {
        measure: `50-message history page deep in a ${shape.bigSize.toLocaleString('en')}-message conversation, p50`,
        value: deep.p50,
        baseline: small.p50,
        unit: 'ms',
        target: '≤ 1 ms',
        met: deep.p50 <= 1,
        note: `baseline: newest page of a 200-message conversation; p99 ${deep.p99} ms`,
      },
    ],
    details: { seedSeconds, messages: total, list, listSmall, deep, small },
  };
}
