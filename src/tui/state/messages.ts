// The open conversation as a pure reducer: messages merged by id (pages, live events, backfill
// and send replies in any order, never shown twice), optimistic sends, the `── new ──` marker,
// read receipts and where the reader is scrolled to. It knows nothing about the screen: the
// scroll position is an anchor (a message and a line offset from it), so messages arriving below
// or pages prepended above never move what the reader is looking at, and layout.ts lays it out.
import type { ChatMessage } from '../../client/decode.js';

export type { ChatMessage };

export interface PendingMessage {
  /** The Idempotency-Key: a retry sends the same one, so the server stores the message once. */
  key: string;
  body: string;
  createdAt: string;
  status: 'sending' | 'failed';
  /** false when the server refused the message itself (a retry would fail the same way) */
  retryable: boolean;
  error?: string;
  /** The server's id, when the message showed up (event or page) before the send's reply. */
  claimedId?: number;
  /** An attachment being uploaded: its file name and size (bytes), and how much was sent. */
  upload?: { name: string; size: number; sent: number };
}

/**
 * Where the window's top line is: `offset` lines below the first line of the item `anchor`
 * (negative: above it). null follows the newest message at the bottom.
 */
export interface ScrollAnchor {
  anchor: string;
  offset: number;
}

export interface MessagesState {
  conversationId: number;
  meId: number;
  otherName: string;
  messages: ChatMessage[];
  pending: PendingMessage[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  olderError: string | null;
  /** A catch-up after a reconnect (or a poll) failed: shown until the next one works. */
  syncError: string | null;
  /** The first message that was unread when the conversation was opened (the `── new ──` line). */
  newMarkerId: number | null;
  /** The other participant has read my messages up to this id. */
  otherReadUpTo: number;
  scroll: ScrollAnchor | null;
  /** Messages from this id on that arrived (or were unread) while scrolled up. */
  unseenFrom: number | null;
  /** The selected message (for saving or opening its attachment), or null. */
  selectedId: number | null;
}

export type MessagesAction =
  | { type: 'loaded'; messages: ChatMessage[]; unread: number; limit: number }
  | { type: 'load-failed'; error: string }
  | { type: 'older-start' }
  | { type: 'older'; messages: ChatMessage[]; limit: number }
  | { type: 'older-failed'; error: string }
  | { type: 'received'; messages: ChatMessage[] }
  | { type: 'sync-failed'; error: string }
  | { type: 'read'; userId: number; upTo: number }
  | { type: 'queued'; pending: PendingMessage }
  | { type: 'progress'; key: string; sent: number }
  | { type: 'sent'; key: string; message: ChatMessage }
  | { type: 'send-failed'; key: string; error: string; retryable: boolean }
  | { type: 'retrying'; keys: string[] }
  /** Computed by layout.scrollBy: the new anchor and the newest message then on screen. */
  | { type: 'scroll'; scroll: ScrollAnchor | null; lastVisibleId: number | null; fromMarker?: boolean }
  | { type: 'bottom' }
  | { type: 'select-message'; delta: number };

export function openConversation(input: { conversationId: number; meId: number; otherName: string; pending?: PendingMessage[] }): MessagesState {
  return {
    conversationId: input.conversationId,
    meId: input.meId,
    otherName: input.otherName,
    messages: [],
    pending: input.pending ?? [],
    status: 'loading',
    error: null,
    hasOlder: false,
    loadingOlder: false,
    olderError: null,
    syncError: null,
    newMarkerId: null,
    otherReadUpTo: 0,
    scroll: null,
    unseenFrom: null,
    selectedId: null,
  };
}

/** Merges messages by id (ascending); claims pending sends that the server already shows. */
function merge(state: MessagesState, incoming: ChatMessage[]): MessagesState {
  const relevant = incoming.filter((m) => m.conversationId === state.conversationId);
  if (relevant.length === 0) return state;
  const byId = new Map(state.messages.map((m) => [m.id, m]));
  let pending = state.pending;
  let otherReadUpTo = state.otherReadUpTo;
  for (const message of relevant) {
    const existing = byId.get(message.id);
    byId.set(message.id, existing ? { ...existing, ...message, isRead: message.isRead ?? existing.isRead } : message);
    if (message.senderId === state.meId) {
      if (message.isRead) otherReadUpTo = Math.max(otherReadUpTo, message.id);
      const alreadyClaimed = pending.some((p) => p.claimedId === message.id);
      if (!existing && !alreadyClaimed) {
        // Our own message arrived before the reply to its send: show it once, as the server's.
        const index = pending.findIndex((p) => p.claimedId === undefined && p.upload === undefined && p.body === message.body);
        if (index >= 0) pending = pending.map((p, i) => (i === index ? { ...p, claimedId: message.id } : p));
      }
    } else {
      // Sending moves the sender's read point: the other side has read everything before this.
      otherReadUpTo = Math.max(otherReadUpTo, message.id - 1);
    }
  }
  const messages = [...byId.values()].sort((a, b) => a.id - b.id);
  return { ...state, messages, pending, otherReadUpTo };
}

/** The first message that was unread: before the `unread`-th last message from the other side. */
export function firstUnreadId(messages: ChatMessage[], meId: number, unread: number): number | null {
  if (unread <= 0) return null;
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.senderId !== meId && ++seen === unread) return message.id;
  }
  // More unread than this page holds: they start before it.
  return messages.find((m) => m.senderId !== meId)?.id ?? null;
}

/** Pending sends still to show (not yet known to be on the server). */
export function visiblePending(state: MessagesState): PendingMessage[] {
  return state.pending.filter((p) => p.claimedId === undefined);
}

/** Failed sends that a retry may fix. */
export function retryablePending(state: MessagesState | null): PendingMessage[] {
  return state?.pending.filter((p) => p.status === 'failed' && p.retryable && p.claimedId === undefined) ?? [];
}

const following = { scroll: null, unseenFrom: null } as const;

export function messagesReducer(state: MessagesState, action: MessagesAction): MessagesState {
  switch (action.type) {
    case 'loaded': {
      const merged = merge({ ...state, status: 'ready', error: null, hasOlder: action.messages.length >= action.limit }, action.messages);
      return { ...merged, newMarkerId: firstUnreadId(merged.messages, state.meId, action.unread), ...following };
    }
    case 'load-failed':
      return { ...state, status: 'error', error: action.error };
    case 'older-start':
      return { ...state, loadingOlder: true, olderError: null };
    case 'older': {
      const merged = merge(state, action.messages);
      return { ...merged, loadingOlder: false, hasOlder: action.messages.length >= action.limit };
    }
    case 'older-failed':
      return { ...state, loadingOlder: false, olderError: action.error };
    case 'received': {
      const before = new Set(state.messages.map((m) => m.id));
      const fresh = action.messages.filter((m) => m.conversationId === state.conversationId && !before.has(m.id));
      let next = merge(state, action.messages);
      if (next.syncError !== null) next = { ...next, syncError: null };
      const firstOther = fresh.find((m) => m.senderId !== state.meId);
      if (state.scroll !== null && firstOther) {
        next = { ...next, unseenFrom: state.unseenFrom ?? firstOther.id, newMarkerId: state.newMarkerId ?? firstOther.id };
      }
      return next;
    }
    case 'sync-failed':
      return { ...state, syncError: action.error };
    case 'read':
      if (action.userId === state.meId || action.upTo <= state.otherReadUpTo) return state;
      return { ...state, otherReadUpTo: action.upTo };
    case 'queued':
      return { ...state, pending: [...state.pending, action.pending], ...following };
    case 'progress':
      return {
        ...state,
        pending: state.pending.map((p) => (p.key === action.key && p.upload ? { ...p, upload: { ...p.upload, sent: action.sent } } : p)),
      };
    case 'sent': {
      const without = { ...state, pending: state.pending.filter((p) => p.key !== action.key) };
      return merge(without, [{ ...action.message, conversationId: state.conversationId }]);
    }
    case 'send-failed': {
      const pending = state.pending.flatMap((p) => {
        if (p.key !== action.key) return [p];
        // It failed to answer, but the server had already shown it: nothing is lost.
        if (p.claimedId !== undefined && state.messages.some((m) => m.id === p.claimedId)) return [];
        return [{ ...p, status: 'failed' as const, error: action.error, retryable: action.retryable }];
      });
      return { ...state, pending };
    }
    case 'retrying': {
      const keys = new Set(action.keys);
      const pending = state.pending.map((p) => (keys.has(p.key) ? { ...p, status: 'sending' as const, error: undefined } : p));
      return { ...state, pending, ...following };
    }
    case 'scroll': {
      if (action.scroll === null) return { ...state, olderError: null, ...following };
      // Opening at the `── new ──` line: everything from it on is still to be read.
      let unseenFrom = action.fromMarker ? state.newMarkerId : state.unseenFrom;
      // Messages that came into view are no longer unseen.
      const seen = action.lastVisibleId;
      if (unseenFrom !== null && seen !== null && seen >= unseenFrom) unseenFrom = state.messages.find((m) => m.id > seen)?.id ?? null;
      return { ...state, scroll: action.scroll, olderError: null, unseenFrom };
    }
    case 'bottom':
      return { ...state, ...following };
    case 'select-message': {
      if (action.delta === 0) return state.selectedId === null ? state : { ...state, selectedId: null };
      const withFiles = state.messages.filter((m) => m.attachment !== null);
      if (withFiles.length === 0) return state.selectedId === null ? state : { ...state, selectedId: null };
      const index = withFiles.findIndex((m) => m.id === state.selectedId);
      // Starting from nothing selected, "up" picks the newest attachment.
      const next = index < 0 ? (action.delta < 0 ? withFiles.length - 1 : 0) : index + action.delta;
      if (next >= withFiles.length) return { ...state, selectedId: null };
      return { ...state, selectedId: withFiles[Math.max(0, next)]!.id };
    }
  }
}
