// The pusher-js connection for the chat: the connection state for the badge, the user's channel
// (list rows) and the open conversation's channel (messages, read receipts, typing whispers).
import { useEffect, useRef, useState } from 'react';
import type { RealtimeSettings } from '../../client/api.js';
import { connectRealtime, type PusherClient } from '../../client/realtime.js';
import { fromListEvent, type ConversationRow } from '../state/conversations.js';
import { fromSentEvent, type ChatMessage } from '../state/messages.js';

/** pusher-js connection states, plus `off` when the server has no real-time driver. */
export type ConnectionState = 'initialized' | 'connecting' | 'connected' | 'unavailable' | 'failed' | 'disconnected' | 'off';

export interface RealtimeHandlers {
  onListRow(row: ConversationRow): void;
  onMessage(message: ChatMessage): void;
  onRead(read: { conversationId: number; userId: number; upTo: number }): void;
  onTyping(conversationId: number, data: unknown): void;
  /** `connected` again after the connection was lost: time to catch up over HTTP. */
  onReconnect(): void;
  /** The user channel is subscribed for the first time (events from now on reach us). */
  onUserChannelReady(): void;
  /** The open conversation's channel is subscribed (again). */
  onConversationChannelReady(conversationId: number): void;
}

export interface Realtime {
  state: ConnectionState;
  /** Why there is no connection, when state is `off`. */
  offReason: string | null;
  /** This connection's socket id (sent as X-Socket-ID so the server does not echo our own events). */
  socketId(): string | undefined;
  /** A client event on a conversation's channel; false when it could not be sent. */
  whisper(conversationId: number, event: `client-${string}`, data: unknown): boolean;
}

export type Connect = (settings: RealtimeSettings, token: string) => PusherClient;

export function useRealtime(options: {
  settings: RealtimeSettings;
  token: string;
  meId: number;
  openId: number | null;
  handlers: RealtimeHandlers;
  connect?: Connect;
}): Realtime {
  const { settings, token, meId, openId } = options;
  const handlers = useRef(options.handlers);
  handlers.current = options.handlers;
  const connect = useRef(options.connect ?? connectRealtime);
  const [client, setClient] = useState<PusherClient | null>(null);
  const [state, setState] = useState<ConnectionState>(settings.enabled ? 'connecting' : 'off');
  const [offReason, setOffReason] = useState<string | null>(settings.enabled ? null : `the server's broadcasting driver is ${settings.driver}`);

  useEffect(() => {
    let pusher: PusherClient;
    try {
      pusher = connect.current(settings, token);
    } catch (error) {
      setState('off');
      setOffReason((error as Error).message);
      return;
    }
    setClient(pusher);
    let everConnected = false;
    let lost = false;
    pusher.connection.bind('state_change', ({ current }: { current: ConnectionState }) => {
      setState(current);
      if (current === 'connected') {
        if (everConnected && lost) handlers.current.onReconnect();
        everConnected = true;
        lost = false;
      } else if (everConnected) {
        lost = true;
      }
    });
    const userChannel = pusher.subscribe(`private-user.${meId}`);
    let userReady = false;
    userChannel.bind('pusher:subscription_succeeded', () => {
      if (!userReady) handlers.current.onUserChannelReady();
      userReady = true;
    });
    const onRow = (data: unknown) => {
      const row = fromListEvent(data);
      if (row) handlers.current.onListRow(row);
    };
    userChannel.bind('conversation.created', onRow);
    userChannel.bind('conversation.updated', onRow);
    return () => {
      setClient(null);
      pusher.connection.unbind('state_change');
      pusher.disconnect();
    };
  }, [settings, token, meId]);

  useEffect(() => {
    if (!client || openId === null) return;
    const name = `private-conversation.${openId}`;
    const channel = client.subscribe(name);
    channel.bind('pusher:subscription_succeeded', () => handlers.current.onConversationChannelReady(openId));
    channel.bind('message.sent', (data: unknown) => {
      const message = fromSentEvent(data);
      if (message) handlers.current.onMessage(message);
    });
    channel.bind('message.read', (data: unknown) => {
      const read = data as { conversation_id?: unknown; user_id?: unknown; last_read_message_id?: unknown } | null;
      if (read && typeof read.user_id === 'number' && typeof read.last_read_message_id === 'number') {
        handlers.current.onRead({ conversationId: openId, userId: read.user_id, upTo: read.last_read_message_id });
      }
    });
    channel.bind('client-typing', (data: unknown) => handlers.current.onTyping(openId, data));
    return () => {
      channel.unbind_all();
      client.unsubscribe(name);
    };
  }, [client, openId]);

  return {
    state,
    offReason,
    socketId: () => (client && client.connection.state === 'connected' ? client.connection.socket_id : undefined),
    whisper: (conversationId, event, data) => {
      const channel = client?.channel(`private-conversation.${conversationId}`);
      if (!client || client.connection.state !== 'connected' || !channel?.subscribed) return false;
      return channel.trigger(event, data);
    },
  };
}
