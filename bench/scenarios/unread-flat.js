// Sends into one conversation whose recipient has 0 unread vs 100,000 unread: the cost of a send
// must not grow with the recipient's backlog (ratio ≥ 0.9).
import { join } from 'node:path';
import { startChatctl } from '../lib/processes.js';
import { openSeed } from '../seed-db.js';
import { median } from '../lib/stats.js';
import { sendsWithSubscribers } from './throughput.js';

export const name = 'unread-flat';

export async function run({ tmp, quick }) {
  const seconds = quick ? 1.5 : 3;
  const backlog = quick ? 20_000 : 100_000;
  const dir = tmp('unread');
  const seed = openSeed(join(dir, 'chat.sqlite'));
  const [a, b, c, d] = seed.users(4);
  const [fresh, behind] = seed.conversations([
    [a.id, b.id],
    [c.id, d.id],
  ]);
  seed.messages(behind, [c.id], backlog);
  seed.finish();
  seed.unread(behind, d.id);
  await seed.close();

  const server = await startChatctl({ db: join(dir, 'chat.sqlite'), dataDir: dir });
  try {
    const zero = { conversationId: fresh, sender: a, recipient: b };
    const many = { conversationId: behind, sender: c, recipient: d };
    // Alternating short runs (0, 100k, 0, 100k, …), median of each side: on a shared machine the
    // load changes from one run to the next, and alternation spreads that over both sides.
    const zeroRuns = [];
    const heavyRuns = [];
    for (let i = 0; i < 3; i++) {
      zeroRuns.push(await sendsWithSubscribers(server, [zero], seconds));
      heavyRuns.push(await sendsWithSubscribers(server, [many], seconds));
    }
    const med = (runs) => median(runs.map((r) => r.perSecond));
    const base = med(zeroRuns);
    const ratio = med(heavyRuns) / base;
    const lost = [...zeroRuns, ...heavyRuns].reduce((n, r) => n + r.lost, 0);
    return {
      rows: [
        {
          measure: `sends/s into one conversation, recipient ${backlog.toLocaleString('en')} unread vs 0`,
          value: med(heavyRuns),
          baseline: base,
          unit: '/s',
          ratio,
          target: '≥ 0.9x (flat)',
          met: ratio >= 0.9 && lost === 0,
          note: `runs 0 unread ${zeroRuns.map((r) => r.perSecond).join('/')}, ${backlog.toLocaleString('en')} unread ${heavyRuns.map((r) => r.perSecond).join('/')}; lost ${lost}`,
        },
      ],
      details: { zero: zeroRuns, heavy: heavyRuns },
    };
  } finally {
    await server.stop();
  }
}
