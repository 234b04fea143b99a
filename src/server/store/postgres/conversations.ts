// Conversations, messages, read watermarks and unread counters on PostgreSQL, safe with several
// instances writing at once: the conversation row is locked before a message id is drawn, so ids
// within a conversation commit in order (paging with after_id never skips one); watermarks only
// move forwards; an idempotency key is held by an advisory lock so a concurrent retry replays.
import type pg from 'pg';
import { toMessage, type MessageRow } from '../sqlite/rows.js';
import type { ConversationSummary, MessagePage, NewMessage, Participant, ReadResult, SendResult, StoredMessage } from '../types.js';
import { transaction } from './connection.js';
import { sentMessage, summariesAfterSend, toSummary, type SummaryRow } from '../summary-rows.js';
import { MESSAGE_COLUMNS } from '../shared-sql.js';

const SUMMARY_SELECT = `
  SELECT c.id, c.created_at, c.updated_at,
         u.id AS other_id, u.name AS other_name, u.avatar AS other_avatar, u.last_seen_at AS other_last_seen_at,
         m.id AS m_id, m.sender_id AS m_sender_id, m.type AS m_type, m.body AS m_body, m.created_at AS m_created_at,
         me.unread_count
    FROM participants me
    JOIN conversations c ON c.id = me.conversation_id
    JOIN participants other ON other.conversation_id = c.id AND other.user_id != me.user_id
    JOIN users u ON u.id = other.user_id
    LEFT JOIN messages m ON m.id = c.last_message_id
   WHERE me.user_id = $1`;

interface WrittenRow {
  id: number;
  user_id: number;
  unread_count: number;
  name: string;
  avatar: string | null;
  last_seen_at: string | null;
  conversation_created_at: string;
}

const SEND_SQL = `
  WITH locked AS (
    SELECT id, created_at FROM conversations WHERE id = $1 FOR UPDATE
  ), inserted AS (
    INSERT INTO messages (conversation_id, sender_id, type, body, attachment, created_at)
    SELECT locked.id, $2, $3, $4, $5, $6 FROM locked
    RETURNING id
  ), moved AS (
    UPDATE conversations c SET last_message_id = inserted.id, updated_at = $6
      FROM inserted WHERE c.id = $1
    RETURNING c.id
  ), people AS (
    UPDATE participants p
       SET last_read_message_id = CASE WHEN p.user_id = $2 THEN GREATEST(p.last_read_message_id, inserted.id) ELSE p.last_read_message_id END,
           last_read_at         = CASE WHEN p.user_id = $2 THEN $6::timestamptz ELSE p.last_read_at END,
           unread_count         = CASE WHEN p.user_id = $2 THEN 0 ELSE p.unread_count + 1 END
      FROM inserted
     WHERE p.conversation_id = $1
    RETURNING p.user_id, p.unread_count
  )
  SELECT inserted.id, people.user_id, people.unread_count, u.name, u.avatar, u.last_seen_at, locked.created_at AS conversation_created_at
    FROM inserted CROSS JOIN locked JOIN people ON true JOIN users u ON u.id = people.user_id
   WHERE EXISTS (SELECT 1 FROM moved)`;

const safeId = (id: number): boolean => Number.isSafeInteger(id) && id >= 0 && id <= Number.MAX_SAFE_INTEGER;

export async function findOrCreateConversation(db: pg.Pool, now: string, userId: number, otherUserId: number) {
  const [low, high] = userId < otherUserId ? [userId, otherUserId] : [otherUserId, userId];
  return transaction(db, async (client) => {
    // ON CONFLICT: a concurrent creator waits for ours and then finds it.
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO conversations (user_low_id, user_high_id, created_at, updated_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (user_low_id, user_high_id) DO NOTHING RETURNING id`,
      [low, high, now],
    );
    const created = inserted.rows[0];
    if (created) {
      await client.query('INSERT INTO participants (conversation_id, user_id) VALUES ($1, $2), ($1, $3)', [created.id, low, high]);
      return { conversationId: created.id, created: true };
    }
    const existing = await client.query<{ id: number }>('SELECT id FROM conversations WHERE user_low_id = $1 AND user_high_id = $2', [low, high]);
    return { conversationId: (existing.rows[0] as { id: number }).id, created: false };
  });
}

export async function listConversations(db: pg.Pool, userId: number): Promise<ConversationSummary[]> {
  const { rows } = await db.query<SummaryRow>(
    `${SUMMARY_SELECT} ORDER BY c.updated_at DESC, c.last_message_id DESC NULLS LAST, c.id DESC`,
    [userId],
  );
  return rows.map(toSummary);
}

export async function getConversationSummary(db: pg.Pool, conversationId: number, userId: number): Promise<ConversationSummary | null> {
  if (!safeId(conversationId)) return null;
  const { rows } = await db.query<SummaryRow>(`${SUMMARY_SELECT} AND c.id = $2`, [userId, conversationId]);
  return rows[0] ? toSummary(rows[0]) : null;
}

export async function getParticipants(db: pg.Pool, conversationId: number): Promise<Participant[] | null> {
  if (!safeId(conversationId)) return null;
  const { rows } = await db.query<{ user_id: number; last_read_message_id: number; last_read_at: string | null }>(
    'SELECT user_id, last_read_message_id, last_read_at FROM participants WHERE conversation_id = $1 ORDER BY user_id',
    [conversationId],
  );
  if (rows.length === 0) return null;
  return rows.map((r) => ({ userId: r.user_id, lastReadMessageId: r.last_read_message_id, lastReadAt: r.last_read_at }));
}

async function selectMessage(db: pg.Pool | pg.PoolClient, id: number): Promise<StoredMessage | null> {
  const { rows } = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN users s ON s.id = m.sender_id WHERE m.id = $1`,
    [id],
  );
  return rows[0] ? toMessage(rows[0]) : null;
}

export async function getMessage(db: pg.Pool, messageId: number): Promise<StoredMessage | null> {
  return safeId(messageId) ? selectMessage(db, messageId) : null;
}

export async function sendMessage(db: pg.Pool, now: string, input: NewMessage): Promise<SendResult> {
  return transaction(db, async (client): Promise<SendResult> => {
    if (input.idempotency) {
      // One holder per (user, key) until commit: a concurrent duplicate waits here, then replays.
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' || $2::text, 0))", [input.senderId, input.idempotency.key]);
      const previous = await client.query<{ request_hash: string; message_id: number }>(
        'SELECT request_hash, message_id FROM idempotency_keys WHERE user_id = $1 AND key = $2',
        [input.senderId, input.idempotency.key],
      );
      const row = previous.rows[0];
      if (row) {
        if (row.request_hash !== input.idempotency.requestHash) return { kind: 'key-reused-with-different-request' };
        const message = await selectMessage(client, row.message_id);
        if (message) return { kind: 'replayed', message };
      }
    }
    // One statement: lock the conversation row first (so ids within a conversation commit in
    // order), insert, move last_message_id, and update both participants (the sender's watermark
    // forwards and unread to 0, the other's unread + 1). Returns what the list rows need.
    const written = await client.query<WrittenRow>(SEND_SQL, [
      input.conversationId,
      input.senderId,
      input.type,
      input.body,
      input.attachment ? JSON.stringify(input.attachment) : null,
      now,
    ]);
    const rows = written.rows;
    const mine = rows.find((r) => r.user_id === input.senderId);
    const id = rows[0]?.id;
    if (id === undefined || !mine) throw new Error(`conversation ${input.conversationId} has no participant ${input.senderId}`);
    if (input.idempotency) {
      await client.query(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, message_id, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, message_id = EXCLUDED.message_id, created_at = EXCLUDED.created_at`,
        [input.senderId, input.idempotency.key, input.idempotency.requestHash, id, now],
      );
    }
    const message = sentMessage(input, id, now, mine);
    const summaries = summariesAfterSend(message, rows, mine.conversation_created_at);
    return { kind: 'created', message, summaries };
  });
}

export async function listMessages(db: pg.Pool, conversationId: number, page: MessagePage): Promise<StoredMessage[]> {
  if (!safeId(conversationId)) return [];
  const base = `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN users s ON s.id = m.sender_id WHERE m.conversation_id = $1`;
  if (page.afterId !== undefined) {
    const { rows } = await db.query<MessageRow>(`${base} AND m.id > $2 ORDER BY m.id ASC LIMIT $3`, [conversationId, Math.min(page.afterId, Number.MAX_SAFE_INTEGER), page.limit]);
    return rows.map(toMessage);
  }
  const { rows } = await db.query<MessageRow>(`${base} AND ($2::bigint IS NULL OR m.id < $2) ORDER BY m.id DESC LIMIT $3`, [
    conversationId,
    page.beforeId === undefined ? null : Math.min(page.beforeId, Number.MAX_SAFE_INTEGER),
    page.limit,
  ]);
  return rows.reverse().map(toMessage);
}

export async function markRead(db: pg.Pool, now: string, conversationId: number, userId: number): Promise<ReadResult> {
  return transaction(db, async (client): Promise<ReadResult> => {
    // FOR SHARE waits for in-flight sends to this conversation: the latest id read here is final.
    const conversation = await client.query<{ last: number }>(
      'SELECT COALESCE(last_message_id, 0) AS last FROM conversations WHERE id = $1 FOR SHARE',
      [conversationId],
    );
    const last = conversation.rows[0]?.last ?? 0;
    const updated = await client.query(
      `UPDATE participants SET last_read_message_id = $1, last_read_at = $2, unread_count = 0
        WHERE conversation_id = $3 AND user_id = $4 AND last_read_message_id < $1`,
      [last, now, conversationId, userId],
    );
    const { rows } = await client.query<{ last_read_message_id: number; last_read_at: string | null }>(
      'SELECT last_read_message_id, last_read_at FROM participants WHERE conversation_id = $1 AND user_id = $2',
      [conversationId, userId],
    );
    return {
      changed: (updated.rowCount ?? 0) > 0,
      lastReadMessageId: rows[0]?.last_read_message_id ?? 0,
      lastReadAt: rows[0]?.last_read_at ?? null,
    };
  });
}

export async function unreadCount(db: pg.Pool, conversationId: number, userId: number): Promise<number> {
  if (!safeId(conversationId)) return 0;
  const { rows } = await db.query<{ n: number }>('SELECT unread_count AS n FROM participants WHERE conversation_id = $1 AND user_id = $2', [conversationId, userId]);
  return rows[0]?.n ?? 0;
}

export async function pruneIdempotencyKeys(db: pg.Pool, cutoff: string): Promise<number> {
  const result = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [cutoff]);
  return result.rowCount ?? 0;
}
