// The chat's real-time events: which channel, which name, which payload.
// Routes call these after the store has committed; the store never knows about broadcasting.
import type { ConversationSummary, StoredMessage } from '../store/index.js';
import { isoSeconds, presentMessageEvent, presentUser, type PresentContext } from '../http/presenters.js';
import { conversationChannel, EVENTS, userChannel } from '../../shared/wire.js';
import type { Broadcaster } from './broadcaster.js';

export { conversationChannel, userChannel };

/** What a conversation list needs to update one row live, for one user. */
function listUpdate(summary: ConversationSummary) {
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

export class ChatEvents {
  constructor(private readonly broadcaster: Broadcaster) {}

  /** `message.sent` on the conversation, as seed.md defines it. */
  messageSent(message: StoredMessage, ctx: PresentContext, exceptSocketId?: string): void {
    this.broadcaster.publish({
      channels: [conversationChannel(message.conversationId)],
      event: EVENTS.messageSent,
      payload: presentMessageEvent(message, ctx),
      exceptSocketId,
    });
  }

  /** `message.read`: who read, up to which message, when. */
  messageRead(conversationId: number, readerId: number, lastReadMessageId: number, readAt: string, exceptSocketId?: string): void {
    this.broadcaster.publish({
      channels: [conversationChannel(conversationId)],
      event: EVENTS.messageRead,
      payload: {
        conversation_id: conversationId,
        user_id: readerId,
        last_read_message_id: lastReadMessageId,
        read_at: isoSeconds(readAt),
      },
      exceptSocketId,
    });
  }

  /** `conversation.created` on each participant's user channel. */
  conversationCreated(userId: number, summary: ConversationSummary): void {
    this.broadcaster.publish({ channels: [userChannel(userId)], event: EVENTS.conversationCreated, payload: listUpdate(summary) });
  }

  /** `conversation.updated` on a user's channel: new latest message and/or unread count change. */
  conversationUpdated(userId: number, summary: ConversationSummary, exceptSocketId?: string): void {
    this.broadcaster.publish({
      channels: [userChannel(userId)],
      event: EVENTS.conversationUpdated,
      payload: listUpdate(summary),
      exceptSocketId,
    });
  }
}
