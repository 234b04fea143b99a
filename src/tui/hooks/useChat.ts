// The chat's controller: the list and the open conversation (pure reducers in ../state), fed by
// the HTTP API and pusher-js, and the actions the screen's keys call. HTTP history is the truth;
// real-time events are merged by id and, after a reconnect, the gap is filled with after_id.
import { randomUUID } from 'node:crypto';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { ApiError, type ChatApi, type PublicUser } from '../../client/api.js';
import type { ChatBootstrap } from '../session.js';
import { MESSAGE_MAX, outgoing } from '../state/compose.js';
import { emptyList, fromListItem, listReducer, type ConversationRow, type ListAction } from '../state/conversations.js';
import {
  fromApiMessage,
  messagesReducer,
  openConversation,
  windowLines,
  type MessagesAction,
  type MessagesState,
  type MessageWindow,
  type PendingMessage,
} from '../state/messages.js';
import { oneLine } from '../state/text.js';
import { useRealtime, type Connect, type ConnectionState } from './useRealtime.js';

/** Messages per page (the first page, and each older page). */
export const PAGE_SIZE = 50;
/** A typing whisper at most this often while typing. */
export const TYPING_EVERY_MS = 2000;
/** How long "X is typing…" stays after the last whisper. */
export const TYPING_SHOWN_MS = 3000;
const BACKFILL_PAGE = 200;
const BACKFILL_MAX_PAGES = 20;
const NOTICE_MS = 6000;
/** How often to poll when the server has no real-time driver. */
const POLL_MS = 5000;

export interface Notice {
  text: string;
  tone: 'error' | 'info';
}

type ConversationAction = { type: 'set'; state: MessagesState | null } | { type: 'for'; conversationId: number; action: MessagesAction };

function conversationReducer(state: MessagesState | null, action: ConversationAction): MessagesState | null {
  if (action.type === 'set') return action.state;
  if (!state || state.conversationId !== action.conversationId) return state;
  return messagesReducer(state, action.action);
}

/** One sentence for a failed request. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'the server refused the token (401); run chatctl login again';
    return error.message.replace(/\.$/, '');
  }
  return error instanceof Error ? error.message : String(error);
}

/** Network trouble, server errors, time-outs and rate limits are worth retrying; a refusal is not. */
function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 409 || error.status === 429;
}

/** Runs `task` now, or once more after the current run when called while it runs. */
function coalesced(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void task()
      .catch(() => undefined)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return run;
}

export interface Chat {
  me: ChatBootstrap['me'];
  list: ReturnType<typeof listReducer>;
  conversation: MessagesState | null;
  view: MessageWindow | null;
  connection: ConnectionState;
  connectionNote: string | null;
  typing: string | null;
  notice: Notice | null;
  /** The highlighted and the open conversation, as of the last action (not the last render). */
  selectedId(): number | null;
  openId(): number | null;
  select(delta: number): void;
  open(id: number): void;
  close(): void;
  /** Sends the text; false when there was nothing to send or it could not be sent. */
  send(text: string): boolean;
  /** Retries failed sends of the open conversation; false when there were none. */
  retry(): boolean;
  hasRetryable(): boolean;
  scroll(lines: number): void;
  page(direction: 1 | -1): void;
  bottom(): void;
  typed(): void;
  searchUsers(query: string): Promise<PublicUser[]>;
  startWith(user: PublicUser): Promise<void>;
  say(text: string, tone?: Notice['tone']): void;
}

export function useChat(options: {
  api: ChatApi;
  token: string;
  bootstrap: ChatBootstrap;
  /** The message pane's text area. */
  pane: { width: number; height: number };
  connect?: Connect;
}): Chat {
  const { api, token, bootstrap, pane } = options;
  const me = bootstrap.me;
  const [list, dispatchListState] = useReducer(listReducer, bootstrap, (b) =>
    listReducer(emptyList, { type: 'loaded', rows: b.conversations.map(fromListItem) }),
  );
  const [conversation, dispatchConversationState] = useReducer(conversationReducer, null);
  const [typing, setTyping] = useState<{ name: string; until: number } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  // Latest values for callbacks that outlive a render (requests, pusher events).
  const listRef = useRef(list);
  listRef.current = list;
  const conversationRef = useRef(conversation);
  conversationRef.current = conversation;
  const paneRef = useRef(pane);
  paneRef.current = pane;
  /** Unconfirmed sends of conversations that are not open, so switching away loses none. */
  const stash = useRef(new Map<number, PendingMessage[]>());
  const sendQueue = useRef<Promise<void>>(Promise.resolve());
  const lastTyping = useRef(0);
  const markReadTimer = useRef<NodeJS.Timeout | undefined>(undefined);
  /** The conversation whose channel is subscribed: events reach us from then on. */
  const channelReady = useRef<number | null>(null);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
      clearTimeout(markReadTimer.current);
    },
    [],
  );

  // Dispatch and update the refs at once, so a key handled right after (same input chunk,
  // before React renders) already sees the result.
  const dispatchList = (action: ListAction) => {
    listRef.current = listReducer(listRef.current, action);
    dispatchListState(action);
  };
  const dispatchConversation = (action: ConversationAction) => {
    conversationRef.current = conversationReducer(conversationRef.current, action);
    dispatchConversationState(action);
  };
  const forOpen = (conversationId: number, action: MessagesAction) => dispatchConversation({ type: 'for', conversationId, action });

  const say = useCallback((text: string, tone: Notice['tone'] = 'error') => setNotice({ text: oneLine(text), tone }), []);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  useEffect(() => {
    if (!typing) return;
    const timer = setTimeout(() => setTyping(null), Math.max(0, typing.until - Date.now()));
    return () => clearTimeout(timer);
  }, [typing]);

  // Keep each conversation's unconfirmed sends when it is closed.
  useEffect(() => {
    if (conversation) stash.current.set(conversation.conversationId, conversation.pending);
  }, [conversation?.conversationId, conversation?.pending]);

  useEffect(() => {
    if (conversation) forOpen(conversation.conversationId, { type: 'resize', width: pane.width, height: pane.height });
  }, [conversation?.conversationId, pane.width, pane.height]);

  // ---- HTTP ----

  const refreshList = useMemo(
    () =>
      coalesced(async () => {
        try {
          const rows = (await api.conversations()).map(fromListItem);
          if (mounted.current) dispatchList({ type: 'loaded', rows });
        } catch (error) {
          if (mounted.current) say(`could not refresh the conversation list: ${describeError(error)}`);
        }
      }),
    [api, say],
  );

  /**
   * Everything after the newest message held (a reconnect's gap), merged by id. It starts at my
   * oldest message not known to be read, so read receipts missed meanwhile are caught up too.
   */
  const backfill = useMemo(
    () =>
      coalesced(async () => {
        const current = conversationRef.current;
        if (!current || current.status !== 'ready') return;
        const id = current.conversationId;
        const newest = current.messages.at(-1)?.id;
        const ownUnread = current.messages.find((m) => m.senderId === current.meId && m.id > current.otherReadUpTo)?.id;
        let after = newest === undefined ? undefined : Math.min(newest, (ownUnread ?? Infinity) - 1);
        for (let page = 0; page < BACKFILL_MAX_PAGES; page++) {
          const batch = (await api.messages(id, after === undefined ? { limit: PAGE_SIZE } : { afterId: after, limit: BACKFILL_PAGE })).map(fromApiMessage);
          if (!mounted.current) return;
          forOpen(id, { type: 'received', messages: batch });
          const last = batch.at(-1);
          if (last) dispatchList({ type: 'message', message: last });
          if (after === undefined || batch.length < BACKFILL_PAGE || !last) return;
          after = last.id;
        }
      }),
    [api],
  );

  const loadOlder = useCallback(() => {
    const current = conversationRef.current;
    if (!current || current.status !== 'ready' || !current.hasOlder || current.loadingOlder) return;
    const id = current.conversationId;
    const first = current.messages[0]?.id;
    if (first === undefined) return;
    forOpen(id, { type: 'older-start' });
    api.messages(id, { beforeId: first, limit: PAGE_SIZE }).then(
      (page) => mounted.current && forOpen(id, { type: 'older', messages: page.map(fromApiMessage), limit: PAGE_SIZE }),
      (error: unknown) => mounted.current && forOpen(id, { type: 'older-failed', error: describeError(error) }),
    );
  }, [api]);

  const scheduleMarkRead = useCallback(
    (conversationId: number) => {
      clearTimeout(markReadTimer.current);
      markReadTimer.current = setTimeout(() => {
        api.markReadFromSocket(conversationId, realtimeRef.current?.socketId()).catch(() => undefined);
      }, 300);
    },
    [api],
  );

  // ---- real-time ----

  const realtime = useRealtime({
    settings: bootstrap.settings,
    token,
    meId: me.id,
    openId: conversation?.conversationId ?? null,
    connect: options.connect,
    handlers: {
      onListRow: (row) => dispatchList({ type: 'upsert', row }),
      onMessage: (message) => {
        forOpen(message.conversationId, { type: 'received', messages: [message] });
        dispatchList({ type: 'message', message });
        if (message.senderId !== me.id && conversationRef.current?.conversationId === message.conversationId) {
          setTyping(null);
          scheduleMarkRead(message.conversationId);
        }
      },
      onRead: (read) => forOpen(read.conversationId, { type: 'read', userId: read.userId, upTo: read.upTo }),
      onTyping: (conversationId, data) => {
        const current = conversationRef.current;
        if (!current || current.conversationId !== conversationId) return;
        const from = (data as { user_id?: unknown } | null)?.user_id;
        if (from === me.id) return;
        setTyping({ name: current.otherName, until: Date.now() + TYPING_SHOWN_MS });
      },
      onReconnect: () => {
        refreshList();
        backfill();
      },
      onUserChannelReady: () => refreshList(),
      onConversationChannelReady: (conversationId) => {
        channelReady.current = conversationId;
        // Fills the gap between the page and the subscription (and, after a reconnect, the outage).
        backfill();
      },
    },
  });
  const realtimeRef = useRef(realtime);
  realtimeRef.current = realtime;

  // Without real-time (a server with the log or null driver) the list and the open
  // conversation are polled instead.
  useEffect(() => {
    if (realtime.state !== 'off') return;
    const timer = setInterval(() => {
      refreshList();
      backfill();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [realtime.state, refreshList, backfill]);

  // ---- actions ----

  const open = useCallback(
    (id: number) => {
      const row: ConversationRow | undefined = listRef.current.rows.find((r) => r.id === id);
      if (!row) return;
      const unread = row.unread;
      const previous = conversationRef.current;
      if (previous) stash.current.set(previous.conversationId, previous.pending);
      setTyping(null);
      dispatchList({ type: 'open', id });
      const { width, height } = paneRef.current;
      const state = openConversation({ conversationId: id, meId: me.id, otherName: row.other.name, pending: stash.current.get(id), width, height });
      dispatchConversation({ type: 'set', state });
      channelReady.current = null;
      api.messages(id, { limit: PAGE_SIZE }).then(
        (page) => {
          if (!mounted.current) return;
          forOpen(id, { type: 'loaded', messages: page.map(fromApiMessage), unread, limit: PAGE_SIZE });
          // Subscribed while the page was on its way: what was sent in between came before the
          // subscription, so only HTTP has it.
          if (channelReady.current === id) backfill();
        },
        (error: unknown) => mounted.current && forOpen(id, { type: 'load-failed', error: describeError(error) }),
      );
    },
    [api, me.id],
  );

  const close = useCallback(() => {
    const current = conversationRef.current;
    if (current) stash.current.set(current.conversationId, current.pending);
    setTyping(null);
    dispatchList({ type: 'open', id: null });
    dispatchConversation({ type: 'set', state: null });
  }, []);

  /** Sends one pending message (queued behind earlier ones, so they arrive in order). */
  const deliver = useCallback(
    (conversationId: number, pending: PendingMessage) => {
      sendQueue.current = sendQueue.current.then(async () => {
        try {
          const sent = await api.sendTextMessage(conversationId, pending.body, { idempotencyKey: pending.key, socketId: realtimeRef.current.socketId() });
          if (!mounted.current) return;
          const message = fromApiMessage(sent);
          dispatchList({ type: 'message', message });
          if (conversationRef.current?.conversationId === conversationId) {
            forOpen(conversationId, { type: 'sent', key: pending.key, message });
          } else {
            const rest = (stash.current.get(conversationId) ?? []).filter((p) => p.key !== pending.key);
            stash.current.set(conversationId, rest);
          }
        } catch (error) {
          if (!mounted.current) return;
          const failure = { error: describeError(error), retryable: retryable(error) };
          if (conversationRef.current?.conversationId === conversationId) {
            forOpen(conversationId, { type: 'send-failed', key: pending.key, ...failure });
          } else {
            const kept = (stash.current.get(conversationId) ?? []).map((p) => (p.key === pending.key ? { ...p, status: 'failed' as const, ...failure } : p));
            stash.current.set(conversationId, kept);
          }
        }
      });
    },
    [api],
  );

  const send = useCallback(
    (text: string) => {
      const current = conversationRef.current;
      const body = outgoing(text);
      if (!current || body === '') return false;
      if (body.length > MESSAGE_MAX) {
        say(`the message is ${body.length} characters long; the server accepts at most ${MESSAGE_MAX}`);
        return false;
      }
      const pending: PendingMessage = { key: randomUUID(), body, createdAt: new Date().toISOString(), status: 'sending', retryable: true };
      forOpen(current.conversationId, { type: 'queued', pending });
      lastTyping.current = 0;
      deliver(current.conversationId, pending);
      return true;
    },
    [deliver, say],
  );

  const failedRetryable = () => conversationRef.current?.pending.filter((p) => p.status === 'failed' && p.retryable && p.claimedId === undefined) ?? [];

  const retry = useCallback(() => {
    const current = conversationRef.current;
    const failed = failedRetryable();
    if (!current || failed.length === 0) return false;
    forOpen(current.conversationId, { type: 'retrying', keys: failed.map((p) => p.key) });
    for (const pending of failed) deliver(current.conversationId, pending);
    return true;
  }, [deliver]);

  const typed = useCallback(() => {
    const current = conversationRef.current;
    if (!current) return;
    const now = Date.now();
    if (now - lastTyping.current < TYPING_EVERY_MS) return;
    if (realtimeRef.current.whisper(current.conversationId, 'client-typing', { user_id: me.id, name: me.name, typing: true })) {
      lastTyping.current = now;
    }
  }, [me.id, me.name]);

  const view = useMemo(() => (conversation ? windowLines(conversation) : null), [conversation]);

  // Reaching the top of what is loaded fetches the page before it.
  useEffect(() => {
    if (view?.atTop && conversation?.hasOlder && !conversation.loadingOlder && !conversation.olderError) loadOlder();
  }, [view?.atTop, conversation?.hasOlder, conversation?.loadingOlder, conversation?.olderError, loadOlder]);

  return {
    me,
    list,
    conversation,
    view,
    connection: realtime.state,
    connectionNote: realtime.offReason,
    typing: typing ? `${oneLine(typing.name)} is typing…` : null,
    notice,
    selectedId: () => listRef.current.selectedId,
    openId: () => conversationRef.current?.conversationId ?? null,
    select: (delta) => dispatchList({ type: 'move', delta }),
    open,
    close,
    send,
    retry,
    hasRetryable: () => failedRetryable().length > 0,
    scroll: (lines) => {
      const current = conversationRef.current;
      if (current) forOpen(current.conversationId, { type: 'scroll', delta: lines });
    },
    page: (direction) => {
      const current = conversationRef.current;
      if (!current) return;
      const step = Math.max(1, current.height - 2);
      forOpen(current.conversationId, { type: 'scroll', delta: direction * step });
    },
    bottom: () => {
      const current = conversationRef.current;
      if (current) forOpen(current.conversationId, { type: 'bottom' });
    },
    typed,
    searchUsers: (query) => api.searchUsers(query),
    startWith: async (user) => {
      const { conversation_id: id } = await api.startConversation(user.id);
      const rows = (await api.conversations()).map(fromListItem);
      if (!mounted.current) return;
      dispatchList({ type: 'loaded', rows });
      open(id);
    },
    say,
  };
}
