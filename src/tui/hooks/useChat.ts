// The chat's controller: one store for all of the chat's state (pure reducers in ../state), fed
// by the HTTP API and pusher-js, and the actions the screen's keys call. The actions are created
// once and stay the same object for the chat's life (UIActions), apart from the state (UIState).
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ChatApi, PublicUser } from '../../client/api.js';
import { fromApiMessage, fromListItem } from '../../client/decode.js';
import { describeError } from '../errors.js';
import { createNotifier, isNews, notificationFor, type NotifyMode } from '../notify.js';
import type { ChatBootstrap } from '../session.js';
import { chatReducer, initialChat, type ChatAction, type ChatState, type Notice } from '../state/chat.js';
import { emptyList, listReducer } from '../state/conversations.js';
import { scrollBy, scrollTo } from '../state/layout.js';
import { openConversation, retryablePending } from '../state/messages.js';
import { createStore, useStoreState, type Store } from '../state/store.js';
import { oneLine } from '../state/text.js';
import { useAttachments, type Attachments } from './useAttachments.js';
import { useNoticeTimeout } from './useNotice.js';
import { useRealtime, type Connect, type RealtimeHandlers } from './useRealtime.js';
import { useSendQueue, type SendQueue } from './useSendQueue.js';
import { PAGE_SIZE, usePolling, useSync, type Sync } from './useSync.js';
import { useTyping, useTypingTimeout, type Typing } from './useTyping.js';

export { describeError };

export interface ChatActions extends SendQueue, Attachments {
  store: Store<ChatState, ChatAction>;
  /** The server's URL (for the invitation line of the new-chat picker). */
  server: string;
  dispatch(action: ChatAction): void;
  select(delta: number): void;
  open(id: number): void;
  close(): void;
  hasRetryable(): boolean;
  scroll(lines: number): void;
  page(direction: 1 | -1): void;
  bottom(): void;
  typed(): void;
  searchUsers(query: string): Promise<PublicUser[]>;
  startWith(user: PublicUser): Promise<void>;
  say(text: string, tone?: Notice['tone']): void;
  /** Alt-U / `u`: the first conversation with unread messages is selected and opened. */
  jumpToUnread(): boolean;
  /** Every conversation with unread messages is marked read. */
  markAllRead(): void;
  /** `m`: mutes (or unmutes) the selected conversation's notifications. */
  toggleMute(): void;
  /** Alt-↑/↓: selects the previous/next message with an attachment. */
  selectMessage(delta: number): void;
  terminalFocus(focused: boolean): void;
  /** The page before the oldest message held (when there is one and none is on its way). */
  loadOlder(): void;
}

export interface ChatOptions {
  api: ChatApi;
  token: string;
  bootstrap: ChatBootstrap;
  connect?: Connect;
  notify?: NotifyMode;
  /** Where a notification goes: the terminal (the bell, OSC sequences). */
  write?: (data: string) => void;
  muted?: number[];
  /** Called when the muted conversations change (to keep them in the profile). */
  onMutedChange?: (ids: number[]) => void;
  downloadDir?: string;
}

export function useChat(options: ChatOptions): { state: ChatState; actions: ChatActions } {
  const { api, token, bootstrap } = options;
  const me = bootstrap.me;
  const [store] = useState(() =>
    createStore(chatReducer, initialChat(listReducer(emptyList, { type: 'loaded', rows: bootstrap.conversations.map(fromListItem) }), options.muted ?? [])),
  );
  const { dispatch, getState } = store;
  const state = useStoreState(store);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const [alive] = useState(() => () => mounted.current);
  // The options a notification needs, read when one is due (they may change with the props).
  const notifyRef = useRef({ mode: options.notify ?? 'bell', write: options.write, onMutedChange: options.onMutedChange });
  useEffect(() => {
    notifyRef.current = { mode: options.notify ?? 'bell', write: options.write, onMutedChange: options.onMutedChange };
  });

  // The handlers read everything through the store, so they are one object for the chat's life.
  // They need the sync and typing parts, which need the connection: those are wired in below.
  const [late] = useState(() => ({ sync: null as Sync | null, typing: null as Typing | null }));
  /** The conversation whose channel is subscribed: events reach us from then on. */
  const channelReady = useRef<number | null>(null);
  const [handlers] = useState<RealtimeHandlers>(() => ({
    onListRow: (row) => {
      const now = getState();
      if (isNews(now, row, me.id)) {
        const { mode, write } = notifyRef.current;
        createNotifier(mode, write ?? ((data) => process.stdout.write(data)))(notificationFor(row));
      }
      dispatch({ type: 'list', action: { type: 'upsert', row } });
    },
    onMessage: (message) => {
      dispatch({ type: 'conversation', conversationId: message.conversationId, action: { type: 'received', messages: [message] } });
      dispatch({ type: 'list', action: { type: 'message', message } });
      if (message.senderId !== me.id && getState().conversation?.conversationId === message.conversationId) {
        dispatch({ type: 'typing', typing: null });
        late.sync?.markRead(message.conversationId);
      }
    },
    onRead: (read) => dispatch({ type: 'conversation', conversationId: read.conversationId, action: { type: 'read', userId: read.userId, upTo: read.upTo } }),
    onTyping: (conversationId, userId) => late.typing?.heard(conversationId, userId),
    onReconnect: () => {
      late.sync?.refreshList();
      late.sync?.backfill();
    },
    onUserChannelReady: () => late.sync?.refreshList(),
    onConversationChannelReady: (conversationId) => {
      channelReady.current = conversationId;
      // Fills the gap between the page and the subscription (and, after a reconnect, the outage).
      late.sync?.backfill();
    },
  }));

  const link = useRealtime({ settings: bootstrap.settings, token, meId: me.id, openId: state.conversation?.conversationId ?? null, dispatch, handlers, connect: options.connect });
  const sync = useSync(store, api, link.socketId, alive);
  const typing = useTyping(store, me, link);
  late.sync = sync;
  late.typing = typing;
  const queue = useSendQueue(store, api, link.socketId, alive);
  const attachments = useAttachments(store, api.baseUrl, token, options.downloadDir ?? process.cwd());
  useNoticeTimeout(state.notice, dispatch);
  useTypingTimeout(state.typing, dispatch);
  usePolling(state.connection.state === 'off', sync);

  const actions = useMemo<ChatActions>(() => {
    const forOpen = (action: Extract<ChatAction, { type: 'conversation' }>['action']) => {
      const current = getState().conversation;
      if (current) dispatch({ type: 'conversation', conversationId: current.conversationId, action });
    };
    const say = (text: string, tone: Notice['tone'] = 'error') => dispatch({ type: 'notice', notice: { text: oneLine(text), tone } });
    const scroll = (lines: number) => {
      const { conversation, viewport } = getState();
      if (conversation) forOpen({ type: 'scroll', ...scrollBy(conversation, viewport, lines) });
    };
    const open = (id: number) => {
      const row = getState().list.rows.find((r) => r.id === id);
      if (!row) return;
      const unread = row.unread;
      dispatch({ type: 'open', state: openConversation({ conversationId: id, meId: me.id, otherName: row.other.name }) });
      channelReady.current = null;
      api.messages(id, { limit: PAGE_SIZE }).then(
        (page) => {
          if (!alive()) return;
          dispatch({ type: 'conversation', conversationId: id, action: { type: 'loaded', messages: page.map(fromApiMessage), unread, limit: PAGE_SIZE } });
          // Open at the `── new ──` line when the unread messages do not fit on the screen.
          const { conversation, viewport } = getState();
          if (conversation?.conversationId === id && conversation.newMarkerId !== null) {
            const jump = scrollTo(conversation, viewport, 'new');
            if (jump.scroll) dispatch({ type: 'conversation', conversationId: id, action: { type: 'scroll', ...jump, fromMarker: true } });
          }
          // Subscribed while the page was on its way: what was sent in between only HTTP has.
          if (channelReady.current === id) sync.backfill();
        },
        (error: unknown) => alive() && dispatch({ type: 'conversation', conversationId: id, action: { type: 'load-failed', error: describeError(error) } }),
      );
    };
    const setMuted = (ids: number[]) => {
      dispatch({ type: 'muted', ids });
      notifyRef.current.onMutedChange?.(ids);
    };
    return {
      ...queue,
      ...attachments,
      send: (text) => {
        const sent = queue.send(text);
        if (sent) typing.reset();
        return sent;
      },
      store,
      server: api.baseUrl,
      dispatch,
      say,
      select: (delta) => dispatch({ type: 'list', action: { type: 'move', delta } }),
      open,
      close: () => dispatch({ type: 'close' }),
      hasRetryable: () => retryablePending(getState().conversation).length > 0,
      scroll,
      page: (direction) => scroll(direction * Math.max(1, getState().viewport.height - 2)),
      bottom: () => forOpen({ type: 'bottom' }),
      typed: () => typing.typed(),
      searchUsers: (query) => api.searchUsers(query),
      startWith: async (user) => {
        const { conversation_id: id } = await api.startConversation(user.id);
        const rows = (await api.conversations()).map(fromListItem);
        if (!alive()) return;
        dispatch({ type: 'list', action: { type: 'loaded', rows } });
        open(id);
      },
      jumpToUnread: () => {
        const row = getState().list.rows.find((r) => r.unread > 0);
        if (!row) {
          say('no unread messages', 'info');
          return false;
        }
        dispatch({ type: 'list', action: { type: 'select', id: row.id } });
        if (getState().conversation?.conversationId !== row.id) open(row.id);
        return true;
      },
      markAllRead: () => {
        const unread = getState().list.rows.filter((r) => r.unread > 0);
        if (unread.length === 0) return say('everything is read already', 'info');
        Promise.allSettled(unread.map((r) => api.markReadFromSocket(r.id, link.socketId()))).then((results) => {
          if (!alive()) return;
          const failed = results.filter((r) => r.status === 'rejected').length;
          sync.refreshList();
          say(failed ? `could not mark ${failed} of ${unread.length} conversations read` : `marked ${unread.length} conversation${unread.length === 1 ? '' : 's'} read`, failed ? 'error' : 'info');
        });
      },
      toggleMute: () => {
        const { list, muted } = getState();
        const row = list.rows.find((r) => r.id === list.selectedId);
        if (!row) return;
        const on = !muted.includes(row.id);
        setMuted(on ? [...muted, row.id] : muted.filter((id) => id !== row.id));
        say(`${oneLine(row.other.name)}: notifications ${on ? 'muted' : 'on'}`, 'info');
      },
      selectMessage: (delta) => forOpen({ type: 'select-message', delta }),
      terminalFocus: (focused) => dispatch({ type: 'terminal-focus', focused }),
      loadOlder: () => {
        const current = getState().conversation;
        if (current && !current.olderError) sync.loadOlder();
      },
    };
  }, [store, api, me.id, queue, attachments, typing, sync, link, alive, dispatch, getState]);

  return { state, actions };
}
