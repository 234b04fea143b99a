// node bench/profile.js [--seconds 20] [--unread 0]: a real `chatctl serve` under `node --cpu-prof`,
// 16 keep-alive senders in another process; prints the hottest functions (self and inclusive).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarise } from './lib/cpu-profile.js';
import { runLoad, startChatctl } from './lib/processes.js';
import { openSeed } from './seed-db.js';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback);
const dir = mkdtempSync(join(tmpdir(), 'chatctl-profile-'));
try {
  const seed = openSeed(join(dir, 'chat.sqlite'));
  const [ann, bob] = seed.users(2);
  const [conversationId] = seed.conversations([[ann.id, bob.id]]);
  const unread = option('unread', 0);
  if (unread) seed.messages(conversationId, [ann.id], unread);
  seed.finish({ readAll: false });
  await seed.close();
  const server = await startChatctl({ db: join(dir, 'chat.sqlite'), dataDir: dir, cpuProfDir: dir });
  const seconds = option('seconds', 20);
  const load = await runLoad('senders.js', { cmd: 'run', url: server.url, targets: [{ conversationId, token: ann.token }], seconds, windowSeconds: 5 });
  await server.stop();
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const summary = summarise(join(dir, file), option('top', 30));
  console.log(`sends/s ${load.perSecond}, per 5 s window ${load.windows.join(', ')}; statuses ${JSON.stringify(load.statuses)}; ${summary.samples} samples`);
  console.log('\nself time');
  for (const row of summary.self) console.log(`${String(row.pct).padStart(6)} %  ${row.name}`);
  console.log('\ninclusive time');
  for (const row of summary.inclusive) console.log(`${String(row.pct).padStart(6)} %  ${row.name}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
