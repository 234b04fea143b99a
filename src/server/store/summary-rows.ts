// The conversation-list row as both stores' SQL returns it, and the rows a send produces,
// mapped to ConversationSummary in one place so SQLite and PostgreSQL cannot drift apart.
import type { ConversationSummary, NewMessage, StoredMessage } from './types.js';

/** One row of the list query (the `SUMMARY_SELECT` of each store). */
export interface SummaryRow {
  id: number;
  created_at: string;
  updated_at: string;
  other_id: number;
  other_name: string;
  other_avatar: string | null;
  other_last_seen_at: string | null;
  m_id: number | null;
  m_sender_id: number | null;
  m_type: StoredMessage['type'] | null;
  m_body: string | null;
  m_created_at: string | null;
  unread_count: number;
}

export function toSummary(row: SummaryRow): ConversationSummary {
  return {
    id: row.id,
    otherUser: { id: row.other_id, name: row.other_name, avatar: row.other_avatar, lastSeenAt: row.other_last_seen_at },
    latestMessage:
      row.m_id === null
        ? null
        : {
            id: row.m_id,
            senderId: row.m_sender_id as number,
            type: row.m_type as StoredMessage['type'],
            body: row.m_body as string,
            createdAt: row.m_created_at as string,
          },
    unreadCount: row.unread_count,
    updatedAt: row.updated_at,
    createdAt: row.created_at,
  };
}

/** A participant as the send transaction reads them back (with the counter it just changed). */
export interface ParticipantAfterSend {
  user_id: number;
  name: string;
  avatar: string | null;
  last_seen_at: string | null;
  unread_count: number;
}

/** The message a send just inserted as `id` at `createdAt`, written by `sender`. */
export function sentMessage(input: NewMessage, id: number, createdAt: string, sender: ParticipantAfterSend): StoredMessage {
  return {
    id,
    conversationId: input.conversationId,
    senderId: input.senderId,
    type: input.type,
    body: input.body,
    attachment: input.attachment,
    createdAt,
    // The newest message: nobody else's watermark can be at or past it yet.
    isRead: false,
    sender: { id: sender.user_id, name: sender.name, avatar: sender.avatar },
  };
}

/** Each participant's list row after `message`, as getConversationSummary would read it. */
export function summariesAfterSend(
  message: StoredMessage,
  people: readonly ParticipantAfterSend[],
  conversationCreatedAt: string,
): { userId: number; summary: ConversationSummary }[] {
  return people.flatMap((me) => {
    const other = people.find((p) => p.user_id !== me.user_id);
    if (!other) return [];
    const summary: ConversationSummary = {
      id: message.conversationId,
      otherUser: { id: other.user_id, name: other.name, avatar: other.avatar, lastSeenAt: other.last_seen_at },
      latestMessage: { id: message.id, senderId: message.senderId, type: message.type, body: message.body, createdAt: message.createdAt },
      unreadCount: me.unread_count,
      updatedAt: message.createdAt,
      createdAt: conversationCreatedAt,
    };
    return [{ userId: me.user_id, summary }];
  });
}
