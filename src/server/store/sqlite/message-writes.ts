// The write behind one send, run inside a group-commit savepoint: a constant four statements
// (six with an idempotency key), whatever the size of the history or the unread backlog.
// It returns everything the route publishes, so a send needs no read-back queries afterwards.
import type { Statement } from 'better-sqlite3';
import type { NewMessage, SendResult, StoredMessage } from '../types.js';
import { sentMessage, summariesAfterSend, type ParticipantAfterSend } from '../summary-rows.js';

type Sql = (source: string) => Statement;

export function writeMessage(sql: Sql, input: NewMessage, now: string, replay: (messageId: number) => StoredMessage | null): SendResult {
  if (input.idempotency) {
    const previous = sql('SELECT request_hash, message_id FROM idempotency_keys WHERE user_id = ? AND key = ?').get(
      input.senderId,
      input.idempotency.key,
    ) as { request_hash: string; message_id: number } | undefined;
    if (previous) {
      if (previous.request_hash !== input.idempotency.requestHash) return { kind: 'key-reused-with-different-request' };
      const message = replay(previous.message_id);
      if (message) return { kind: 'replayed', message };
    }
  }
  const { id } = sql(
    `INSERT INTO messages (conversation_id, sender_id, type, body, attachment, created_at)
     VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
  ).get(
    input.conversationId,
    input.senderId,
    input.type,
    input.body,
    input.attachment ? JSON.stringify(input.attachment) : null,
    now,
  ) as { id: number };
  const conversation = sql('UPDATE conversations SET last_message_id = ?, updated_at = ? WHERE id = ? RETURNING created_at').get(
    id,
    now,
    input.conversationId,
  ) as { created_at: string } | undefined;
  if (!conversation) throw new Error(`conversation ${input.conversationId} does not exist`);
  // The sender has, by definition, read everything up to their own message (unread 0);
  // everyone else has one more unread message.
  sql(
    `UPDATE participants
        SET unread_count = CASE WHEN user_id = @sender THEN 0 ELSE unread_count + 1 END,
            last_read_message_id = CASE WHEN user_id = @sender THEN @id ELSE last_read_message_id END,
            last_read_at = CASE WHEN user_id = @sender THEN @now ELSE last_read_at END
      WHERE conversation_id = @conversation`,
  ).run({ sender: input.senderId, id, now, conversation: input.conversationId });
  const people = sql(
    `SELECT p.user_id, u.name, u.avatar, u.last_seen_at, p.unread_count
       FROM participants p JOIN users u ON u.id = p.user_id
      WHERE p.conversation_id = ? ORDER BY p.user_id`,
  ).all(input.conversationId) as ParticipantAfterSend[];
  if (input.idempotency) {
    sql('INSERT OR REPLACE INTO idempotency_keys (user_id, key, request_hash, message_id, created_at) VALUES (?, ?, ?, ?, ?)').run(
      input.senderId,
      input.idempotency.key,
      input.idempotency.requestHash,
      id,
      now,
    );
  }
  const sender = people.find((p) => p.user_id === input.senderId);
  if (!sender) throw new Error(`user ${input.senderId} is not in conversation ${input.conversationId}`);
  const message = sentMessage(input, id, now, sender);
  return { kind: 'created', message, summaries: summariesAfterSend(message, people, conversation.created_at) };
}
