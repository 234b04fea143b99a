// ChatStore on better-sqlite3: the only module that writes SQL for chat data.
// better-sqlite3 is synchronous; each method finishes its transaction before its promise resolves,
// so a 2xx reply is only ever sent after the commit.
import { LAST_USED_RESOLUTION_MS, newTokenSecret, secretMatches, sha256 } from '../token-secrets.js';
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
import { foldEmail } from '../../../shared/email.js';
import { EmailTakenError, StoreBusyError } from '../types.js';
import type { Statement } from 'better-sqlite3';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { writeMessage } from './message-writes.js';
import { toSummary, type SummaryRow } from '../summary-rows.js';
import { IDEMPOTENCY_TTL_MS, MESSAGE_COLUMNS, PRUNE_EVERY_INSERTS } from '../shared-sql.js';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open.js';
import { toMessage, toToken, toUser, type MessageRow, type TokenRow, type UserRow } from './rows.js';

const PAGE_COLUMNS = `
  m.id, m.conversation_id, m.sender_id, m.type, m.body, m.attachment, m.created_at,
  s.name AS sender_name, s.avatar AS sender_avatar, NULL AS recipient_last_read`;

const SUMMARY_SELECT = `
  SELECT c.id, c.created_at, c.updated_at,
         u.id AS other_id, u.name AS other_name, u.avatar AS other_avatar, u.last_seen_at AS other_last_seen_at,
         m.id AS m_id, m.sender_id AS m_sender_id, m.type AS m_type, m.body AS m_body, m.created_at AS m_created_at,
         me.unread_count
    FROM participants me
    JOIN conversations c ON c.id = me.conversation_id
    JOIN users u ON u.id = (CASE WHEN c.user_low_id = me.user_id THEN c.user_high_id ELSE c.user_low_id END)
    LEFT JOIN messages m ON m.id = c.last_message_id
   WHERE me.user_id = @userId`;

export class SqliteStore implements ChatStore {
  readonly db: SqliteDatabase;
  private insertsSincePrune = 0;
  private readonly now: () => Date;

  private readonly sends: GroupCommit<NewMessage, SendResult>;

  constructor(path: string, options: OpenOptions & { now?: () => Date; groupCommit?: GroupCommitOptions } = {}) {
    this.db = openDatabase(path, options);
    this.now = options.now ?? (() => new Date());
    this.sends = new GroupCommit(
      this.db,
      (input) => writeMessage((source) => this.sql(source), input, this.timestamp(), (id) => this.selectMessage(id)),
      options.groupCommit,
    );
  }

  private readonly statements = new Map<string, Statement>();

  /** Prepared once, reused: preparing is a measurable part of a short query's cost. */
  private sql(source: string): Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  // ---- users -------------------------------------------------------------

  async createUser(input: { name: string; email: string; passwordHash: string; avatar?: string | null }): Promise<User> {
    const now = this.timestamp();
    try {
      const row = this
        .sql(
          `INSERT INTO users (name, email, email_key, password_hash, avatar, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(input.name, input.email, foldEmail(input.email), input.passwordHash, input.avatar ?? null, now, now) as UserRow;
      return toUser(row);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new EmailTakenError(input.email);
      throw error;
    }
  }

  async findUserById(id: number): Promise<User | null> {
    const row = this.sql('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  async findUserByEmail(email: string): Promise<UserWithPassword | null> {
    // By the folded key; an account left without one by a pre-v2 collision matches its exact spelling.
    const row = this
      .sql(
        `SELECT * FROM users WHERE email_key = @key OR (email_key IS NULL AND email = @email)
          ORDER BY email_key IS NULL DESC LIMIT 1`,
      )
      .get({ key: foldEmail(email), email: email.trim() }) as UserRow | undefined;
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  /** Accounts whose e-mail folds like an older account's (created before schema version 2). */
  async emailCollisions(): Promise<Array<{ id: number; email: string; sameAs: { id: number; email: string } }>> {
    const orphans = this.sql('SELECT id, email FROM users WHERE email_key IS NULL ORDER BY id').all() as Array<{ id: number; email: string }>;
    const byKey = this.sql('SELECT id, email FROM users WHERE email_key = ?');
    return orphans.flatMap((row) => {
      const other = byKey.get(foldEmail(row.email)) as { id: number; email: string } | undefined;
      return other ? [{ id: row.id, email: row.email, sameAs: other }] : [];
    });
  }

  /** Names match by substring; e-mails only exactly, so nobody can harvest addresses by probing. */
  async listUsers(options: { search?: string; excludeUserId?: number; limit: number }): Promise<User[]> {
    const search = options.search?.trim();
    const pattern = search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = this
      .sql(
        `SELECT * FROM users
          WHERE (@exclude IS NULL OR id != @exclude)
            AND (@pattern IS NULL OR name LIKE @pattern ESCAPE '\\' OR email_key = @searchKey)
          ORDER BY name COLLATE NOCASE, id
          LIMIT @limit`,
      )
      .all({ exclude: options.excludeUserId ?? null, pattern, searchKey: search ? foldEmail(search) : null, limit: options.limit }) as UserRow[];
    return rows.map(toUser);
  }

  // ---- tokens ------------------------------------------------------------

  async createToken(userId: number, name: string): Promise<{ token: AccessToken; plainText: string }> {
    const secret = newTokenSecret();
    const row = this
      .sql(
        `INSERT INTO personal_access_tokens (user_id, name, token_hash, created_at)
         VALUES (?, ?, ?, ?) RETURNING *`,
      )
      .get(userId, name, sha256(secret), this.timestamp()) as TokenRow;
    return { token: toToken(row), plainText: `${row.id}|${secret}` };
  }

  async authenticateToken(plainText: string): Promise<{ token: AccessToken; user: User } | null> {
    const separator = plainText.indexOf('|');
    let row: TokenRow | undefined;
    let secret = plainText;
    if (separator > 0) {
      const id = Number(plainText.slice(0, separator));
      secret = plainText.slice(separator + 1);
      if (!Number.isSafeInteger(id)) return null;
      row = this.sql('SELECT * FROM personal_access_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    } else {
      row = this.sql('SELECT * FROM personal_access_tokens WHERE token_hash = ?').get(sha256(secret)) as
        | TokenRow
        | undefined;
    }
    if (!row || row.revoked_at !== null) return null;
    if (!secretMatches(row.token_hash, secret)) return null;
    const user = this.sql('SELECT * FROM users WHERE id = ?').get(row.user_id) as UserRow | undefined;
    if (!user) return null;
    // Sanctum writes last_used_at on every request; once a minute is enough and keeps reads read-only.
    const now = this.now();
    let lastUsedAt = row.last_used_at;
    if (!lastUsedAt || now.getTime() - Date.parse(lastUsedAt) >= LAST_USED_RESOLUTION_MS) {
      lastUsedAt = now.toISOString();
      this.sql('UPDATE personal_access_tokens SET last_used_at = ? WHERE id = ?').run(lastUsedAt, row.id);
    }
    return { token: toToken({ ...row, last_used_at: lastUsedAt }), user: toUser(user) };
  }

  async listTokens(userId?: number): Promise<AccessToken[]> {
    const rows = this
      .sql('SELECT * FROM personal_access_tokens WHERE (@userId IS NULL OR user_id = @userId) ORDER BY id')
      .all({ userId: userId ?? null }) as TokenRow[];
    return rows.map(toToken);
  }

  async listPartnerIds(userId: number, limit: number): Promise<number[]> {
    const rows = this
      .sql(
        `SELECT other.user_id AS id FROM participants me
           JOIN conversations c ON c.id = me.conversation_id
           JOIN participants other ON other.conversation_id = me.conversation_id AND other.user_id != me.user_id
          WHERE me.user_id = ? ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`,
      )
      .all(userId, limit) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  async markSeen(userId: number, at: string): Promise<void> {
    this.sql('UPDATE users SET last_seen_at = ? WHERE id = ?').run(at, userId);
  }

  async revokeToken(tokenId: number): Promise<boolean> {
    const result = this
      .sql('UPDATE personal_access_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(this.timestamp(), tokenId);
    return result.changes > 0;
  }

  async revokedTokenIds(tokenIds: readonly number[]): Promise<number[]> {
    if (tokenIds.length === 0) return [];
    // Primary-key lookups for just these ids: the cost follows live sockets, not the table.
    const live = new Set(
      (
        this
          .sql('SELECT id FROM personal_access_tokens WHERE id IN (SELECT value FROM json_each(?)) AND revoked_at IS NULL')
          .all(JSON.stringify(tokenIds)) as { id: number }[]
      ).map((row) => row.id),
    );
    return tokenIds.filter((id) => !live.has(id));
  }

  // ---- conversations -----------------------------------------------------

  async findOrCreateConversation(userId: number, otherUserId: number): Promise<{ conversationId: number; created: boolean }> {
    const [low, high] = userId < otherUserId ? [userId, otherUserId] : [otherUserId, userId];
    return this.db.transaction(() => {
      const existing = this
        .sql('SELECT id FROM conversations WHERE user_low_id = ? AND user_high_id = ?')
        .get(low, high) as { id: number } | undefined;
      if (existing) return { conversationId: existing.id, created: false };
      const now = this.timestamp();
      const { id } = this
        .sql(
          'INSERT INTO conversations (user_low_id, user_high_id, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id',
        )
        .get(low, high, now, now) as { id: number };
      const addParticipant = this.sql('INSERT INTO participants (conversation_id, user_id) VALUES (?, ?)');
      addParticipant.run(id, low);
      addParticipant.run(id, high);
      return { conversationId: id, created: true };
    }).immediate();
  }

  async listConversations(userId: number): Promise<ConversationSummary[]> {
    const rows = this
      .sql(`${SUMMARY_SELECT} ORDER BY c.updated_at DESC, c.last_message_id DESC, c.id DESC`)
      .all({ userId }) as SummaryRow[];
    return rows.map(toSummary);
  }

  async getConversationSummary(conversationId: number, userId: number): Promise<ConversationSummary | null> {
    const row = this.sql(`${SUMMARY_SELECT} AND c.id = @conversationId`).get({ userId, conversationId }) as
      | SummaryRow
      | undefined;
    return row ? toSummary(row) : null;
  }

  async getParticipants(conversationId: number): Promise<Participant[] | null> {
    const rows = this
      .sql(
        `SELECT user_id, last_read_message_id, last_read_at FROM participants WHERE conversation_id = ? ORDER BY user_id`,
      )
      .all(conversationId) as { user_id: number; last_read_message_id: number; last_read_at: string | null }[];
    if (rows.length === 0) return null;
    return rows.map((r) => ({ userId: r.user_id, lastReadMessageId: r.last_read_message_id, lastReadAt: r.last_read_at }));
  }

  // ---- messages ----------------------------------------------------------

  /** Group-committed with the other sends of this event-loop turn; resolves after its COMMIT. */
  async sendMessage(input: NewMessage): Promise<SendResult> {
    let result: SendResult;
    try {
      result = await this.sends.submit(input);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw new StoreBusyError();
      throw error;
    }
    if (input.idempotency && ++this.insertsSincePrune >= PRUNE_EVERY_INSERTS) this.pruneIdempotencyKeys();
    return result;
  }

  pruneIdempotencyKeys(): number {
    this.insertsSincePrune = 0;
    const cutoff = new Date(this.now().getTime() - IDEMPOTENCY_TTL_MS).toISOString();
    return this.sql('DELETE FROM idempotency_keys WHERE created_at < ?').run(cutoff).changes;
  }

  private selectMessage(id: number): StoredMessage | null {
    const row = this
      .sql(`SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN users s ON s.id = m.sender_id WHERE m.id = ?`)
      .get(id) as MessageRow | undefined;
    return row ? toMessage(row) : null;
  }

  async getMessage(messageId: number): Promise<StoredMessage | null> {
    return this.selectMessage(messageId);
  }

  async listMessages(conversationId: number, page: MessagePage): Promise<StoredMessage[]> {
    // is_read comes from the two watermarks, read once per page instead of once per row.
    const base = `SELECT ${PAGE_COLUMNS} FROM messages m JOIN users s ON s.id = m.sender_id WHERE m.conversation_id = @conversationId`;
    let rows: MessageRow[];
    if (page.afterId !== undefined) {
      rows = this
        .sql(`${base} AND m.id > @afterId ORDER BY m.id ASC LIMIT @limit`)
        .all({ conversationId, afterId: page.afterId, limit: page.limit }) as MessageRow[];
    } else {
      // Two statements, not `(@beforeId IS NULL OR m.id < @beforeId)`: with the OR SQLite cannot
      // seek to before_id and walks the index down from the newest message (10 ms at 50,000 deep).
      rows = (
        page.beforeId === undefined
          ? this.sql(`${base} ORDER BY m.id DESC LIMIT @limit`).all({ conversationId, limit: page.limit })
          : this
              .sql(`${base} AND m.id < @beforeId ORDER BY m.id DESC LIMIT @limit`)
              .all({ conversationId, beforeId: page.beforeId, limit: page.limit })
      ) as MessageRow[];
      rows.reverse();
    }
    const watermarks = this
      .sql('SELECT user_id, last_read_message_id FROM participants WHERE conversation_id = ?')
      .all(conversationId) as { user_id: number; last_read_message_id: number }[];
    return rows.map((row) => {
      row.recipient_last_read = watermarks.find((w) => w.user_id !== row.sender_id)?.last_read_message_id ?? null;
      return toMessage(row);
    });
  }

  async markRead(conversationId: number, userId: number): Promise<ReadResult> {
    const now = this.timestamp();
    return this.db.transaction((): ReadResult => {
      const changed = this
        .sql(
          `UPDATE participants
              SET last_read_message_id = (SELECT COALESCE(last_message_id, 0) FROM conversations WHERE id = @conversationId),
                  last_read_at = @now,
                  unread_count = 0
            WHERE conversation_id = @conversationId AND user_id = @userId
              AND last_read_message_id < (SELECT COALESCE(last_message_id, 0) FROM conversations WHERE id = @conversationId)`,
        )
        .run({ conversationId, userId, now }).changes;
      const row = this
        .sql('SELECT last_read_message_id, last_read_at FROM participants WHERE conversation_id = ? AND user_id = ?')
        .get(conversationId, userId) as { last_read_message_id: number; last_read_at: string | null } | undefined;
      return {
        changed: changed > 0,
        lastReadMessageId: row?.last_read_message_id ?? 0,
        lastReadAt: row?.last_read_at ?? null,
      };
    }).immediate();
  }

  /** The stored counter (migration 3): O(1) whatever the backlog. */
  async unreadCount(conversationId: number, userId: number): Promise<number> {
    const row = this.sql('SELECT unread_count FROM participants WHERE conversation_id = ? AND user_id = ?').get(conversationId, userId) as
      | { unread_count: number }
      | undefined;
    return row?.unread_count ?? 0;
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.sends.drain(); // sends already accepted are committed (and answered), not dropped
      this.db.close();
    }
  }
}
