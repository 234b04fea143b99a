// The names both ends of the wire agree on: real-time channels and events, message types and
// the message size limit. The server, the client, `listen`, `smoke` and the TUI import them
// from here instead of repeating the literals.

/** A conversation's private channel: messages, read receipts, typing whispers. */
export const conversationChannel = (conversationId: number): string => `private-conversation.${conversationId}`;
/** A user's private channel: list rows (conversation.created / conversation.updated). */
export const userChannel = (userId: number): string => `private-user.${userId}`;

export const USER_CHANNEL_PREFIX = 'private-user.';
/** `private-` or `presence-` conversation channels with the conversation id (for channel auth). */
export const CONVERSATION_CHANNEL_RE = /^(private|presence)-conversation\.([1-9][0-9]{0,15})$/;
export const USER_CHANNEL_RE = /^private-user\.([1-9][0-9]{0,15})$/;
/** The channel names as /api/chat/realtime documents them. */
export const CHANNEL_TEMPLATES = { conversation: 'private-conversation.{id}', user: 'private-user.{id}' } as const;

export const EVENTS = {
  messageSent: 'message.sent',
  messageRead: 'message.read',
  conversationCreated: 'conversation.created',
  conversationUpdated: 'conversation.updated',
  typing: 'client-typing',
} as const;

export type ChatEventName = (typeof EVENTS)[keyof typeof EVENTS];

/** Events on a conversation channel, and on a user channel. */
export const CONVERSATION_EVENTS: readonly ChatEventName[] = [EVENTS.messageSent, EVENTS.messageRead, EVENTS.typing];
export const USER_EVENTS: readonly ChatEventName[] = [EVENTS.conversationCreated, EVENTS.conversationUpdated];
export const ALL_EVENTS: readonly ChatEventName[] = [EVENTS.messageSent, EVENTS.messageRead, EVENTS.conversationCreated, EVENTS.conversationUpdated, EVENTS.typing];

export const MESSAGE_TYPES = ['text', 'image', 'file'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The longest message the server accepts (characters, as its validation counts them). */
export const MESSAGE_MAX = 5000;

/** Laravel's user authentication endpoint for `pusher:signin` (Echo's default). */
export const USER_AUTH_PATH = '/broadcasting/user-auth';
/** Pusher's watchlist frame and its event names (pusher-js `user.watchlist.bind(...)`). */
export const WATCHLIST_EVENT = 'pusher_internal:watchlist_events';
export const WATCHLIST_ONLINE = 'online';
export const WATCHLIST_OFFLINE = 'offline';
/** Pusher's limit on watchlist entries (more is error 4302). */
export const WATCHLIST_MAX = 100;
