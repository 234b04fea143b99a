// The chat's real-time events: which channel, which name, which payload.
// Routes call these after the store has committed; the store never knows about broadcasting.
// Payloads come from the shared presenters with the server's own origin, never from a request.
import { isoSeconds, presentListUpdate, presentMessageEvent, type PresentContext } from '../presenters/index.js';
import type { ConversationSummary, StoredMessage } from '../store/index.js';
import { conversationChannel, EVENTS, userChannel } from '../../shared/wire.js';
import type { BroadcastEvent, Broadcaster } from './broadcaster.js';

export class ChatEvents {
  constructor(
    private readonly broadcaster: Broadcaster,
    /** The links context (APP_URL or the listen address), read at publish time. */
    private readonly present: () => PresentContext,
    /** Called instead of throwing: once a message is committed, its sender gets the 201 regardless. */
    private readonly report: (error: unknown) => void = () => undefined,
  ) {}

  private publish(build: () => BroadcastEvent): void {
    try {
      this.broadcaster.publish(build());
    } catch (error) {
      this.report(error);
    }
  }

  /** `message.sent` on the conversation, as seed.md defines it. */
  messageSent(message: StoredMessage, exceptSocketId?: string): void {
    this.publish(() => ({
      channels: [conversationChannel(message.conversationId)],
      event: EVENTS.messageSent,
      payload: presentMessageEvent(message, this.present()),
      exceptSocketId,
    }));
  }

  /** `message.read`: who read, up to which message, when. */
  messageRead(conversationId: number, readerId: number, lastReadMessageId: number, readAt: string, exceptSocketId?: string): void {
    this.publish(() => ({
      channels: [conversationChannel(conversationId)],
      event: EVENTS.messageRead,
      payload: {
        conversation_id: conversationId,
        user_id: readerId,
        last_read_message_id: lastReadMessageId,
        read_at: isoSeconds(readAt),
      },
      exceptSocketId,
    }));
  }

  /** `conversation.created` on each participant's user channel. */
  conversationCreated(userId: number, summary: ConversationSummary): void {
    this.publish(() => ({ channels: [userChannel(userId)], event: EVENTS.conversationCreated, payload: presentListUpdate(summary) }));
  }

  /** `conversation.updated` on a user's channel: new latest message and/or unread count change. */
  conversationUpdated(userId: number, summary: ConversationSummary, exceptSocketId?: string): void {
    this.publish(() => ({
      channels: [userChannel(userId)],
      event: EVENTS.conversationUpdated,
      payload: presentListUpdate(summary),
      exceptSocketId,
    }));
  }
}
