// Row shapes as SQLite returns them, and their mapping to the store's domain types.
import { z } from 'zod';
import type { AccessToken, Attachment, MessageType, StoredMessage, User } from '../types.js';

export interface UserRow {
  id: number;
  name: string;
  email: string;
  password_hash: string;
  avatar: string | null;
  created_at: string;
  updated_at: string;
}

export interface TokenRow {
  id: number;
  user_id: number;
  name: string;
  token_hash: string;
  last_used_at: string | null;
  revoked_at: string | null;
  created_at: string;
}

export interface MessageRow {
  id: number;
  conversation_id: number;
  sender_id: number;
  type: MessageType;
  body: string;
  attachment: string | null;
  created_at: string;
  sender_name: string;
  sender_avatar: string | null;
  recipient_last_read: number | null;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    avatar: row.avatar,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toToken(row: TokenRow): AccessToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
  };
}

const attachmentSchema = z.object({
  storedName: z.string(),
  originalName: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
});

/** Stored JSON is read through a schema too: a damaged row must not become an odd object. */
function parseAttachment(json: string | null): Attachment | null {
  if (json === null) return null;
  try {
    const parsed = attachmentSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    senderId: row.sender_id,
    type: row.type,
    body: row.body,
    attachment: parseAttachment(row.attachment),
    createdAt: row.created_at,
    isRead: (row.recipient_last_read ?? 0) >= row.id,
    sender: { id: row.sender_id, name: row.sender_name, avatar: row.sender_avatar },
  };
}
