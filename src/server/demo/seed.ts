// Seeds the demo data through the store interface (SQLite or any other store), idempotently:
// a user that exists is kept as it is, a conversation is found rather than created twice, and
// messages are written only into a demo conversation that has none yet. Running it twice leaves
// the same data.
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { ChatStore } from '../store/types.js';
import { DEMO_CONVERSATIONS, DEMO_USERS, type DemoUser } from './script.js';

export interface DemoLogin {
  name: string;
  email: string;
  password: string;
  /** False when the account existed already with another password (then the printed one fails). */
  usable: boolean;
}

export interface DemoSeedResult {
  logins: DemoLogin[];
  createdUsers: number;
  createdMessages: number;
}

async function ensureUser(store: ChatStore, user: DemoUser): Promise<{ id: number; created: boolean; usable: boolean }> {
  const existing = await store.findUserByEmail(user.email);
  if (existing) return { id: existing.id, created: false, usable: await verifyPassword(user.password, existing.passwordHash) };
  const created = await store.createUser({ name: user.name, email: user.email, passwordHash: await hashPassword(user.password) });
  return { id: created.id, created: true, usable: true };
}

export async function seedDemo(store: ChatStore): Promise<DemoSeedResult> {
  const ids = new Map<string, number>();
  const logins: DemoLogin[] = [];
  let createdUsers = 0;
  for (const user of DEMO_USERS) {
    const { id, created, usable } = await ensureUser(store, user);
    ids.set(user.key, id);
    if (created) createdUsers++;
    logins.push({ name: user.name, email: user.email, password: user.password, usable });
  }

  let createdMessages = 0;
  for (const script of DEMO_CONVERSATIONS) {
    const [a, b] = script.between.map((key) => ids.get(key)) as [number, number];
    const { conversationId } = await store.findOrCreateConversation(a, b);
    // A conversation with any message (demo or written since) is left alone.
    if ((await store.listMessages(conversationId, { limit: 1 })).length > 0) continue;
    for (const [sender, body] of script.lines) {
      await store.sendMessage({ conversationId, senderId: ids.get(sender) as number, type: 'text', body, attachment: null });
      createdMessages++;
    }
  }
  return { logins, createdUsers, createdMessages };
}

/** Whether this database holds the demo accounts (one indexed lookup), so /health can say so on any start. */
export async function hasDemoData(store: ChatStore): Promise<boolean> {
  const first = DEMO_USERS[0];
  return first ? (await store.findUserByEmail(first.email)) !== null : false;
}
