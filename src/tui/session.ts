// What the chat needs before its first screen: who I am, how to reach the real-time server, and
// the conversation list.
import type { Account, ChatApi, ConversationItem, RealtimeSettings } from '../client/api.js';

export interface ChatBootstrap {
  me: Account;
  settings: RealtimeSettings;
  conversations: ConversationItem[];
}

export async function loadBootstrap(api: ChatApi): Promise<ChatBootstrap> {
  // /api/user first: a refused token should be the one error reported.
  const me = await api.me();
  const [settings, conversations] = await Promise.all([api.realtime(), api.conversations()]);
  return { me, settings, conversations };
}
