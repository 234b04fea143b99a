// Sustained sends to 100 conversations with 2 pusher-js subscribers each, chatctl vs the raw
// baseline (same seeded database, same load, same subscribers), and 0 events lost.
import { join } from 'node:path';
import { startChatctl, startLoad, startRaw, runLoad } from '../lib/processes.js';
import { openSeed } from '../seed-db.js';

export const name = 'throughput';

async function seeded(file, conversations) {
  const seed = openSeed(file);
  const users = seed.users(conversations * 2);
  const ids = seed.conversations(Array.from({ length: conversations }, (_, i) => [users[2 * i].id, users[2 * i + 1].id]));
  seed.finish();
  await seed.close();
  return ids.map((conversationId, i) => ({ conversationId, sender: users[2 * i], recipient: users[2 * i + 1] }));
}

/** One server under 16 senders for `seconds`, 2 subscribers per conversation in another process. */
export async function sendsWithSubscribers(server, conversations, seconds) {
  const subscribers = startLoad('subscribers.js');
  try {
    await subscribers.ask({
      cmd: 'start',
      server,
      subscriptions: conversations.flatMap((c) => [
        { channel: `private-conversation.${c.conversationId}`, token: c.sender.token },
        { channel: `private-conversation.${c.conversationId}`, token: c.recipient.token },
      ]),
    });
    const load = await runLoad('senders.js', {
      cmd: 'run',
      url: server.url,
      targets: conversations.map((c) => ({ conversationId: c.conversationId, token: c.sender.token })),
      connections: 16,
      seconds,
      windowSeconds: Math.max(1, Math.round(seconds / 5)),
    });
    const expected = load.ok * 2;
    const { received, duplicates } = await subscribers.ask({ cmd: 'count', expected, timeoutMs: 10_000 });
    await subscribers.ask({ cmd: 'stop' });
    return { ...load, expected, received, duplicates, lost: expected - received };
  } finally {
    await subscribers.stop();
  }
}

export async function run({ tmp, quick }) {
  const seconds = quick ? 3 : 10;
  const n = 100;
  const dir = tmp('throughput');
  const rawConversations = await seeded(join(dir, 'raw.sqlite'), n);
  const chatConversations = await seeded(join(dir, 'chat.sqlite'), n);

  const raw = await startRaw({ db: join(dir, 'raw.sqlite') });
  let rawResult;
  try {
    rawResult = await sendsWithSubscribers(raw, rawConversations, seconds);
  } finally {
    await raw.stop();
  }
  // 2 subscribers per conversation, all from 127.0.0.1: above the default WebSocket cap per address (100).
  const chat = await startChatctl({ db: join(dir, 'chat.sqlite'), dataDir: dir, env: { CHATCTL_WS_MAX_CONNECTIONS_PER_IP: '10000' } });
  let chatResult;
  try {
    chatResult = await sendsWithSubscribers(chat, chatConversations, seconds);
  } finally {
    await chat.stop();
  }
  const ratio = chatResult.perSecond / rawResult.perSecond;
  return {
    rows: [
      {
        measure: `sends/s, ${n} conversations × 2 pusher-js subscribers, 16 connections, ${seconds} s`,
        value: chatResult.perSecond,
        baseline: rawResult.perSecond,
        unit: '/s',
        ratio,
        target: '≥ 0.7x raw, 0 lost',
        met: ratio >= 0.7 && chatResult.lost === 0 && chatResult.duplicates === 0,
        note: `lost ${chatResult.lost} of ${chatResult.expected} (raw ${rawResult.lost}); windows ${chatResult.windows.join('/')} (raw ${rawResult.windows.join('/')})`,
      },
    ],
    details: { chatctl: chatResult, raw: rawResult },
  };
}
