// JSON shapes of the seed API, shared by the HTTP routes and the real-time events. Keys and types
// must stay byte-compatible with seed.md; extra keys may be added, none removed or retyped.
// Nothing here sees a request: links come from the server's own public origin.
import type { ConversationSummary, StoredMessage, User } from '../store/index.js';

/** Seed timestamps are ISO 8601 UTC with `Z` and no fraction: 2026-01-25T10:00:00Z. */
export function isoSeconds(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

export interface PresentContext {
  /** Origin of attachment download links: APP_URL, else the address `serve` listens on. */
  baseUrl: string;
}

/** The conversation list also shows Laravel-style relative times ("5 minutes ago"). */
export interface ListPresentContext extends PresentContext {
  relativeTime(date: Date): string;
}

export function presentUser(user: Pick<User, 'id' | 'name' | 'avatar'>) {
  return { id: user.id, name: user.name, avatar: user.avatar };
}

export function presentAccount(user: User) {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    avatar: user.avatar,
    created_at: isoSeconds(user.createdAt),
    updated_at: isoSeconds(user.updatedAt),
  };
}

function attachmentUrl(messageId: number, ctx: PresentContext): string {
  return `${ctx.baseUrl}/api/chat/messages/${messageId}/attachment`;
}

/** An upload sent without a caption shows its download URL as the text, so older clients can render it. */
function messageText(message: StoredMessage, ctx: PresentContext): string {
  return message.body === '' && message.attachment ? attachmentUrl(message.id, ctx) : message.body;
}

function presentAttachment(message: StoredMessage, ctx: PresentContext) {
  if (!message.attachment) return null;
  return {
    url: attachmentUrl(message.id, ctx),
    name: message.attachment.originalName,
    mime: message.attachment.mime,
    size: message.attachment.size,
  };
}

/** An item of GET /api/chat/conversations/{id}/messages. */
export function presentMessage(message: StoredMessage, ctx: PresentContext) {
  return {
    id: message.id,
    conversation_id: message.conversationId,
    sender_id: message.senderId,
    message: messageText(message, ctx),
    type: message.type,
    is_read: message.isRead,
    created_at: isoSeconds(message.createdAt),
    sender: presentUser(message.sender),
    attachment: presentAttachment(message, ctx),
  };
}

/** The `data` of POST /api/chat/conversations/{id}/messages: the seed's five keys first. */
export function presentSentMessage(message: StoredMessage, ctx: PresentContext) {
  return {
    id: message.id,
    sender_id: message.senderId,
    message: messageText(message, ctx),
    type: message.type,
    created_at: isoSeconds(message.createdAt),
    conversation_id: message.conversationId,
    is_read: message.isRead,
    sender: presentUser(message.sender),
    attachment: presentAttachment(message, ctx),
  };
}

/** The `message.sent` event payload, exactly the seed's keys (plus the attachment for files). */
export function presentMessageEvent(message: StoredMessage, ctx: PresentContext) {
  const payload: Record<string, unknown> = {
    id: message.id,
    conversation_id: message.conversationId,
    sender_id: message.senderId,
    message: messageText(message, ctx),
    type: message.type,
    created_at: isoSeconds(message.createdAt),
    sender: presentUser(message.sender),
  };
  if (message.attachment) payload.attachment = presentAttachment(message, ctx);
  return payload;
}

/** An item of GET /api/chat/conversations. */
export function presentConversation(summary: ConversationSummary, ctx: ListPresentContext) {
  const latest = summary.latestMessage;
  return {
    id: summary.id,
    // last_seen_at is an extra key after the seed's three (null: never connected).
    other_user: { ...presentUser(summary.otherUser), last_seen_at: summary.otherUser.lastSeenAt ? isoSeconds(summary.otherUser.lastSeenAt) : null },
    latest_message: latest
      ? {
          message: latest.body === '' && latest.type !== 'text' ? attachmentUrl(latest.id, ctx) : latest.body,
          // Laravel stores whole seconds; compare from the truncated time as Carbon would.
          created_at: ctx.relativeTime(new Date(isoSeconds(latest.createdAt))),
          id: latest.id,
          sender_id: latest.senderId,
          type: latest.type,
          sent_at: isoSeconds(latest.createdAt),
        }
      : null,
    unread_count: summary.unreadCount,
    updated_at: isoSeconds(summary.updatedAt),
  };
}

/** What a conversation list needs to update one row live, for one user (the `conversation.*` events). */
export function presentListUpdate(summary: ConversationSummary) {
  const latest = summary.latestMessage;
  return {
    conversation_id: summary.id,
    other_user: presentUser(summary.otherUser),
    latest_message: latest
      ? { id: latest.id, sender_id: latest.senderId, message: latest.body, type: latest.type, created_at: isoSeconds(latest.createdAt) }
      : null,
    unread_count: summary.unreadCount,
    updated_at: isoSeconds(summary.updatedAt),
  };
}
