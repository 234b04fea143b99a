// Sends into one conversation whose recipient has 0 unread vs 100,000 unread: the cost of a send
// must not grow with the recipient's backlog (ratio ≥ 0.9).
import { join } from 'node:path';
import { startChatctl } from '../lib/processes.js';
import { openSeed } from '../seed-db.js';
import { sendsWithSubscribers } from './throughput.js';

export const name = 'unread-flat';

export async function run({ tmp, quick }) {
  const seconds = quick ? 2 : 5;
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
    // 0, 100k, 0 again: the two 0-unread runs bracket the other, against drift on a shared machine.
    const first = await sendsWithSubscribers(server, [zero], seconds);
    const heavy = await sendsWithSubscribers(server, [many], seconds);
    const again = await sendsWithSubscribers(server, [zero], seconds);
    const base = (first.perSecond + again.perSecond) / 2;
    const ratio = heavy.perSecond / base;
    return {
      rows: [
        {
          measure: `sends/s into one conversation, recipient ${backlog.toLocaleString('en')} unread vs 0`,
          value: heavy.perSecond,
          baseline: Math.round(base),
          unit: '/s',
          ratio,
          target: '≥ 0.9x (flat)',
          met: ratio >= 0.9 && heavy.lost === 0,
          note: `0-unread runs ${first.perSecond} and ${again.perSecond}; lost ${first.lost + heavy.lost + again.lost}`,
        },
      ],
      details: { zero: [first, again], heavy },
    };
  } finally {
    await server.stop();
  }
}
