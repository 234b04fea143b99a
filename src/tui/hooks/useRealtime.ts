// The pusher-js connection for the chat: the connection state for the badge, the user's channel
// (list rows), the open conversation's channel (messages, read receipts, typing whispers) and,
// where the server has watchlists, who of my conversation partners is online.
import { useEffect, useState } from 'react';
import type { RealtimeSettings } from '../../client/api.js';
import { fromListEvent, fromReadEvent, fromSentEvent, fromTypingEvent, fromWatchlistEvent, type ChatMessage, type ConversationRow, type ReadReceipt } from '../../client/decode.js';
import { connectRealtime, type PusherClient } from '../../client/realtime.js';
import { conversationChannel, EVENTS, userChannel, WATCHLIST_OFFLINE, WATCHLIST_ONLINE } from '../../shared/wire.js';
import type { ChatAction, ConnectionState } from '../state/chat.js';

export type { ConnectionState };

export interface RealtimeHandlers {
  onListRow(row: ConversationRow): void;
  onMessage(message: ChatMessage): void;
  onRead(read: ReadReceipt): void;
  onTyping(conversationId: number, userId: number): void;
  /** `connected` again after the connection was lost: time to catch up over HTTP. */
  onReconnect(): void;
  /** The user channel is subscribed for the first time (events from now on reach us). */
  onUserChannelReady(): void;
  /** The open conversation's channel is subscribed (again). */
  onConversationChannelReady(conversationId: number): void;
}

/** What the rest of the chat may do with the connection (stable for the hook's life). */
export interface RealtimeLink {
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
  dispatch: (action: ChatAction) => void;
  /** Stable for the hook's life. */
  handlers: RealtimeHandlers;
  connect?: Connect;
}): RealtimeLink {
  const { settings, token, meId, openId, dispatch, handlers } = options;
  const [connect] = useState(() => options.connect ?? connectRealtime);
  const [client, setClient] = useState<PusherClient | null>(null);
  // The link outlives connections: it always speaks through the current one.
  const [link] = useState(() => {
    const holder: { client: PusherClient | null } & RealtimeLink = {
      client: null,
      socketId: () => (holder.client && holder.client.connection.state === 'connected' ? holder.client.connection.socket_id : undefined),
      whisper: (conversationId, event, data) => {
        const current = holder.client;
        const channel = current?.channel(conversationChannel(conversationId));
        if (!current || current.connection.state !== 'connected' || !channel?.subscribed) return false;
        return channel.trigger(event, data);
      },
    };
    return holder;
  });

  useEffect(() => {
    if (!settings.enabled) {
      dispatch({ type: 'connection', state: 'off', offReason: `the server's broadcasting driver is ${settings.driver}` });
      return;
    }
    let pusher: PusherClient;
    try {
      pusher = connect(settings, token);
    } catch (error) {
      dispatch({ type: 'connection', state: 'off', offReason: (error as Error).message });
      return;
    }
    link.client = pusher;
    setClient(pusher);
    let everConnected = false;
    let lost = false;
    pusher.connection.bind('state_change', ({ current }: { current: ConnectionState }) => {
      dispatch({ type: 'connection', state: current });
      if (current === 'connected') {
        if (everConnected && lost) handlers.onReconnect();
        everConnected = true;
        lost = false;
      } else if (everConnected) {
        lost = true;
        // Who is online is unknown while disconnected; the signin after reconnecting tells again.
        dispatch({ type: 'presence', reset: true });
      }
    });
    const channel = pusher.subscribe(userChannel(meId));
    let userReady = false;
    channel.bind('pusher:subscription_succeeded', () => {
      if (!userReady) handlers.onUserChannelReady();
      userReady = true;
    });
    const onRow = (data: unknown) => {
      const row = fromListEvent(data);
      if (row) handlers.onListRow(row);
    };
    channel.bind(EVENTS.conversationCreated, onRow);
    channel.bind(EVENTS.conversationUpdated, onRow);
    if (settings.watchlist) {
      dispatch({ type: 'presence', supported: true });
      pusher.user.watchlist.bind(WATCHLIST_ONLINE, (event: unknown) => dispatch({ type: 'presence', online: fromWatchlistEvent(event) }));
      pusher.user.watchlist.bind(WATCHLIST_OFFLINE, (event: unknown) => dispatch({ type: 'presence', offline: fromWatchlistEvent(event), at: new Date().toISOString() }));
      pusher.signin();
    }
    return () => {
      link.client = null;
      setClient(null);
      pusher.connection.unbind('state_change');
      pusher.disconnect();
    };
  }, [settings, token, meId, connect, dispatch, handlers, link]);

  useEffect(() => {
    if (!client || openId === null) return;
    const name = conversationChannel(openId);
    const channel = client.subscribe(name);
    channel.bind('pusher:subscription_succeeded', () => handlers.onConversationChannelReady(openId));
    channel.bind(EVENTS.messageSent, (data: unknown) => {
      const message = fromSentEvent(data);
      if (message) handlers.onMessage(message);
    });
    channel.bind(EVENTS.messageRead, (data: unknown) => {
      const read = fromReadEvent(openId, data);
      if (read) handlers.onRead(read);
    });
    channel.bind(EVENTS.typing, (data: unknown) => {
      const from = fromTypingEvent(data);
      if (from !== null) handlers.onTyping(openId, from);
    });
    return () => {
      channel.unbind_all();
      client.unsubscribe(name);
    };
  }, [client, openId, handlers]);

  return link;
}
