// The store boundary: routes and admin commands reach data only through ChatStore.
// Methods are async so that a networked store (PostgreSQL) can implement the same interface.
//
// Interface changes for issue 8 (perf), all backward compatible for implementers:
// - SendResult 'created' may carry `summaries` (each participant's list row right after the
//   message); routes publish those instead of reading getConversationSummary back. A store that
//   leaves it out still works (the route falls back to getConversationSummary).
// - unread counts are stored state (SQLite migration 3: participants.unread_count), changed in the
//   same transaction as the message insert and the read watermark; getConversationSummary,
//   listConversations and unreadCount must not count history.
// - sendMessage may batch concurrent calls into one transaction (group commit); it must still
//   resolve only after the message's commit, and reject only the calls whose write failed.

export interface User {
  id: number;
  name: string;
  email: string;
  avatar: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

export interface AccessToken {
  id: number;
  userId: number;
  name: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export type MessageType = 'text' | 'image' | 'file';

export interface Attachment {
  /** File name under the uploads folder; never shown to clients. */
  storedName: string;
  originalName: string;
  mime: string;
  size: number;
}

export interface StoredMessage {
  id: number;
  conversationId: number;
  senderId: number;
  type: MessageType;
  body: string;
  attachment: Attachment | null;
  createdAt: string;
  /** True once the participant who did not send it has read up to it. */
  isRead: boolean;
  sender: Pick<User, 'id' | 'name' | 'avatar'>;
}

export interface ConversationSummary {
  id: number;
  /** `lastSeenAt`: when the other user was last connected to the real-time server (null: never). */
  otherUser: Pick<User, 'id' | 'name' | 'avatar'> & { lastSeenAt?: string | null };
  latestMessage: Pick<StoredMessage, 'id' | 'senderId' | 'type' | 'body' | 'createdAt'> | null;
  unreadCount: number;
  updatedAt: string;
  createdAt: string;
}

export interface Participant {
  userId: number;
  lastReadMessageId: number;
  lastReadAt: string | null;
}

export interface NewMessage {
  conversationId: number;
  senderId: number;
  type: MessageType;
  body: string;
  attachment: Attachment | null;
  /** Idempotency: the same key with the same request hash replays the first message. */
  idempotency?: { key: string; requestHash: string };
}

export type SendResult =
  | {
      kind: 'created';
      message: StoredMessage;
      /** Each participant's list row right after this message, when the store has it at hand. */
      summaries?: { userId: number; summary: ConversationSummary }[];
    }
  | { kind: 'replayed'; message: StoredMessage }
  | { kind: 'key-reused-with-different-request' };

export interface ReadResult {
  /** False when the watermark was already there (no event needed). */
  changed: boolean;
  lastReadMessageId: number;
  lastReadAt: string | null;
}

export interface MessagePage {
  limit: number;
  beforeId?: number;
  afterId?: number;
}

export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
  constructor(readonly email: string) {
    super(`A user with the e-mail ${email} already exists.`);
  }
}

/** The database is locked by another writer for longer than its busy timeout: retry later (503). */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
  constructor() {
    super('The database is busy; try again in a moment.');
  }
}

export interface ChatStore {
  // users
  createUser(input: { name: string; email: string; passwordHash: string; avatar?: string | null }): Promise<User>;
  findUserById(id: number): Promise<User | null>;
  findUserByEmail(email: string): Promise<UserWithPassword | null>;
  listUsers(options: { search?: string; excludeUserId?: number; limit: number }): Promise<User[]>;
  /**
   * Accounts whose e-mail equals an older account's once normalised (NFC + case fold); only
   * databases that predate schema version 2 can hold them. `serve` warns about each.
   */
  emailCollisions?(): Promise<Array<{ id: number; email: string; sameAs: { id: number; email: string } }>>;

  // personal access tokens (Sanctum-style `id|secret`, stored as SHA-256)
  createToken(userId: number, name: string): Promise<{ token: AccessToken; plainText: string }>;
  /** Resolves a plain-text token to its live (not revoked) token and user, touching last_used_at. */
  authenticateToken(plainText: string): Promise<{ token: AccessToken; user: User } | null>;
  listTokens(userId?: number): Promise<AccessToken[]>;
  /** Records that the user was connected (signed in to the real-time server) at `at` (ISO 8601). */
  markSeen(userId: number, at: string): Promise<void>;
  revokeToken(tokenId: number): Promise<boolean>;
  /** Of these token ids, the ones revoked or deleted (e.g. by `chatctl token revoke` in another process). */
  revokedTokenIds(tokenIds: readonly number[]): Promise<number[]>;

  // conversations
  findOrCreateConversation(userId: number, otherUserId: number): Promise<{ conversationId: number; created: boolean }>;
  listConversations(userId: number): Promise<ConversationSummary[]>;
  getConversationSummary(conversationId: number, userId: number): Promise<ConversationSummary | null>;
  /** Both participants, or null when the conversation does not exist. */
  getParticipants(conversationId: number): Promise<Participant[] | null>;
  /** The user's conversation partners, most recently active conversation first (a watchlist). */
  listPartnerIds(userId: number, limit: number): Promise<number[]>;

  // messages
  sendMessage(input: NewMessage): Promise<SendResult>;
  listMessages(conversationId: number, page: MessagePage): Promise<StoredMessage[]>;
  getMessage(messageId: number): Promise<StoredMessage | null>;
  markRead(conversationId: number, userId: number): Promise<ReadResult>;
  unreadCount(conversationId: number, userId: number): Promise<number>;

  close(): Promise<void>;
}
