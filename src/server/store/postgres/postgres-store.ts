// ChatStore on PostgreSQL (node-postgres): the same interface and behaviour as SqliteStore, for
// several chatctl instances on one database. Each method's transaction commits before its promise
// resolves, so a 2xx reply is only ever sent after the commit.
import type pg from 'pg';
import type { PostgresSettings } from '../../../config/env.js';
import type {
  AccessToken,
  ChatStore,
  ConversationSummary,
  MessagePage,
  NewMessage,
  Participant,
  ReadResult,
  SendResult,
  StoredMessage,
  User,
  UserWithPassword,
} from '../types.js';
import { createPool, openError } from './connection.js';
import * as conversations from './conversations.js';
import { migrate } from './migrations.js';
import * as users from './users.js';
import { IDEMPOTENCY_TTL_MS, PRUNE_EVERY_INSERTS } from '../shared-sql.js';

export interface PostgresStoreOptions {
  now?: () => Date;
  /** Pool size per instance (each instance keeps its own pool). */
  maxConnections?: number;
}

export class PostgresStore implements ChatStore {
  private insertsSincePrune = 0;
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly now: () => Date,
  ) {}

  /** Connects, then brings the schema up to date (once, even with several instances starting together). */
  static async open(settings: PostgresSettings, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const pool = createPool(settings, options.maxConnections);
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw openError(settings, error);
    }
    return new PostgresStore(pool, options.now ?? (() => new Date()));
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  createUser(input: { name: string; email: string; passwordHash: string; avatar?: string | null }): Promise<User> {
    return users.createUser(this.pool, this.timestamp(), input);
  }

  findUserById(id: number): Promise<User | null> {
    return users.findUserById(this.pool, id);
  }

  findUserByEmail(email: string): Promise<UserWithPassword | null> {
    return users.findUserByEmail(this.pool, email);
  }

  listUsers(options: { search?: string; excludeUserId?: number; limit: number }): Promise<User[]> {
    return users.listUsers(this.pool, options);
  }

  createToken(userId: number, name: string): Promise<{ token: AccessToken; plainText: string }> {
    return users.createToken(this.pool, this.timestamp(), userId, name);
  }

  authenticateToken(plainText: string): Promise<{ token: AccessToken; user: User } | null> {
    return users.authenticateToken(this.pool, this.now(), plainText);
  }

  listTokens(userId?: number): Promise<AccessToken[]> {
    return users.listTokens(this.pool, userId);
  }

  async markSeen(userId: number, at: string): Promise<void> {
    await this.pool.query('UPDATE users SET last_seen_at = $1 WHERE id = $2', [at, userId]);
  }

  async listPartnerIds(userId: number, limit: number): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: string | number }>(
      `SELECT other.user_id AS id FROM participants me
         JOIN conversations c ON c.id = me.conversation_id
         JOIN participants other ON other.conversation_id = me.conversation_id AND other.user_id != me.user_id
        WHERE me.user_id = $1 ORDER BY c.updated_at DESC, c.id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map((r) => Number(r.id));
  }

  revokeToken(tokenId: number): Promise<boolean> {
    return users.revokeToken(this.pool, this.timestamp(), tokenId);
  }

  revokedTokenIds(tokenIds: readonly number[]): Promise<number[]> {
    return users.revokedTokenIds(this.pool, tokenIds);
  }

  findOrCreateConversation(userId: number, otherUserId: number): Promise<{ conversationId: number; created: boolean }> {
    return conversations.findOrCreateConversation(this.pool, this.timestamp(), userId, otherUserId);
  }

  listConversations(userId: number): Promise<ConversationSummary[]> {
    return conversations.listConversations(this.pool, userId);
  }

  getConversationSummary(conversationId: number, userId: number): Promise<ConversationSummary | null> {
    return conversations.getConversationSummary(this.pool, conversationId, userId);
  }

  getParticipants(conversationId: number): Promise<Participant[] | null> {
    return conversations.getParticipants(this.pool, conversationId);
  }

  async sendMessage(input: NewMessage): Promise<SendResult> {
    const result = await conversations.sendMessage(this.pool, this.timestamp(), input);
    if (input.idempotency && ++this.insertsSincePrune >= PRUNE_EVERY_INSERTS) await this.pruneIdempotencyKeys();
    return result;
  }

  pruneIdempotencyKeys(): Promise<number> {
    this.insertsSincePrune = 0;
    return conversations.pruneIdempotencyKeys(this.pool, new Date(this.now().getTime() - IDEMPOTENCY_TTL_MS).toISOString());
  }

  listMessages(conversationId: number, page: MessagePage): Promise<StoredMessage[]> {
    return conversations.listMessages(this.pool, conversationId, page);
  }

  getMessage(messageId: number): Promise<StoredMessage | null> {
    return conversations.getMessage(this.pool, messageId);
  }

  markRead(conversationId: number, userId: number): Promise<ReadResult> {
    return conversations.markRead(this.pool, this.timestamp(), conversationId, userId);
  }

  unreadCount(conversationId: number, userId: number): Promise<number> {
    return conversations.unreadCount(this.pool, conversationId, userId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
