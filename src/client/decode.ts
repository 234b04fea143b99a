// API answers and real-time payloads → the client's own types. Every payload from the server or
// the socket is untrusted: it is checked with a schema, and a payload that is not what it claims
// to be becomes null (and is ignored) rather than an object of the wrong shape.
import { z } from 'zod';
import { MESSAGE_TYPES, type MessageType } from '../shared/wire.js';
import type { ConversationItem, Message, PublicUser } from './api.js';

export interface Attachment {
  url: string;
  name: string;
  mime: string;
  /** bytes */
  size: number;
}

export interface ChatMessage {
  id: number;
  conversationId: number;
  senderId: number;
  senderName: string;
  body: string;
  type: MessageType;
  /** ISO 8601 */
  createdAt: string;
  attachment: Attachment | null;
  /** From a page: whether the recipient had read it (events do not say). */
  isRead?: boolean;
}

export interface LatestMessage {
  id: number;
  senderId: number;
  text: string;
  type: MessageType;
  /** ISO 8601 */
  at: string;
}

export interface Partner extends PublicUser {
  /** ISO 8601, when the server tells (an extra key on `other_user`). */
  lastSeenAt?: string | null;
}

export interface ConversationRow {
  id: number;
  other: Partner;
  latest: LatestMessage | null;
  unread: number;
  /** ISO 8601 */
  updatedAt: string;
}

export interface ReadReceipt {
  conversationId: number;
  userId: number;
  upTo: number;
}

const id = z.number().int().positive();
const text = (max: number) => z.string().max(max);
const messageType = z.enum(MESSAGE_TYPES).catch('text');
const isoOrNow = z.string().max(64).catch(() => new Date().toISOString());

const attachmentSchema = z.object({ url: text(2048), name: text(1024), mime: text(255), size: z.number().int().nonnegative() });
const userSchema = z.object({ id, name: text(1024), avatar: text(2048).nullable().catch(null), last_seen_at: z.string().max(64).nullable().optional() });

const sentEventSchema = z.object({
  id,
  conversation_id: id,
  sender_id: id,
  message: z.string().catch(''),
  type: messageType,
  created_at: isoOrNow,
  sender: z.object({ name: text(1024) }).nullable().optional().catch(null),
  attachment: attachmentSchema.nullable().optional().catch(null),
});

const listEventSchema = z.object({
  conversation_id: id,
  other_user: userSchema,
  latest_message: z
    .object({ id, sender_id: id, message: z.string().catch(''), type: messageType, created_at: isoOrNow })
    .nullable()
    .catch(null),
  unread_count: z.number().int().nonnegative().catch(0),
  updated_at: isoOrNow,
});

const readEventSchema = z.object({ conversation_id: id.optional(), user_id: id, last_read_message_id: z.number().int().nonnegative() });
const typingSchema = z.object({ user_id: id });

function partner(user: z.infer<typeof userSchema> | PublicUser & { last_seen_at?: string | null }): Partner {
  const out: Partner = { id: user.id, name: user.name, avatar: user.avatar ?? null };
  if (user.last_seen_at !== undefined) out.lastSeenAt = user.last_seen_at;
  return out;
}

/** A message from an API page or a send's reply (typed by the API client already). */
export function fromApiMessage(message: Message): ChatMessage {
  return {
    id: message.id,
    conversationId: message.conversation_id,
    senderId: message.sender_id,
    senderName: message.sender?.name ?? '',
    body: message.message ?? '',
    type: message.type,
    createdAt: message.created_at,
    attachment: message.attachment ?? null,
    isRead: message.is_read,
  };
}

/** The message of a `message.sent` payload, or null when the payload is not one. */
export function fromSentEvent(payload: unknown): ChatMessage | null {
  const parsed = sentEventSchema.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    id: p.id,
    conversationId: p.conversation_id,
    senderId: p.sender_id,
    senderName: p.sender?.name ?? '',
    body: p.message,
    type: p.type,
    createdAt: p.created_at,
    attachment: p.attachment ?? null,
  };
}

/** A row's latest message from its wire fields; `at` is the source's ISO 8601 timestamp (sent_at in a page, created_at in an event). */
function latestMessage(raw: { id: number; sender_id: number; message: string; type: MessageType }, at: string): LatestMessage {
  return { id: raw.id, senderId: raw.sender_id, text: raw.message, type: raw.type, at };
}

/** A row of GET /api/chat/conversations. */
export function fromListItem(item: ConversationItem): ConversationRow {
  const latest = item.latest_message;
  return {
    id: item.id,
    other: partner(item.other_user),
    latest: latest ? latestMessage(latest, latest.sent_at) : null,
    unread: item.unread_count,
    updatedAt: item.updated_at,
  };
}

/** The row of a conversation.created / conversation.updated payload, or null when it is not one. */
export function fromListEvent(payload: unknown): ConversationRow | null {
  const parsed = listEventSchema.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  const raw = p.latest_message;
  return {
    id: p.conversation_id,
    other: partner(p.other_user),
    latest: raw ? latestMessage(raw, raw.created_at) : null,
    unread: p.unread_count,
    updatedAt: p.updated_at,
  };
}

/** A `message.read` payload on the channel of `conversationId`, or null. */
export function fromReadEvent(conversationId: number, payload: unknown): ReadReceipt | null {
  const parsed = readEventSchema.safeParse(payload);
  if (!parsed.success) return null;
  return { conversationId, userId: parsed.data.user_id, upTo: parsed.data.last_read_message_id };
}

/** Who a `client-typing` whisper says is typing, or null for junk. */
export function fromTypingEvent(payload: unknown): number | null {
  const parsed = typingSchema.safeParse(payload);
  return parsed.success ? parsed.data.user_id : null;
}

/** User ids of a watchlist event (`{name, user_ids: ["7"]}`), as numbers; junk ids are dropped. */
export function fromWatchlistEvent(payload: unknown): number[] {
  const parsed = z.object({ user_ids: z.array(z.unknown()).max(1000) }).safeParse(payload);
  if (!parsed.success) return [];
  return parsed.data.user_ids.map((v) => (typeof v === 'string' && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : NaN)).filter((n) => Number.isSafeInteger(n));
}
