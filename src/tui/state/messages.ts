// The open conversation as a pure reducer: messages merged by id (pages, live events, backfill
// and send replies in any order, never shown twice), optimistic sends, the `── new ──` marker,
// read receipts and scrolling. The view is laid out here too, into pre-wrapped lines, and only the
// lines that fit the window are ever handed to Ink.
import type { Message, MessageType } from '../../client/api.js';
import { fit, sanitize, textWidth, truncate, wrap } from './text.js';
import { clock, dayKey, dayLabel } from './time.js';

export interface ChatMessage {
  id: number;
  conversationId: number;
  senderId: number;
  senderName: string;
  body: string;
  type: MessageType;
  /** ISO 8601 */
  createdAt: string;
  attachmentName: string | null;
  /** From a page: whether the recipient had read it (events do not say). */
  isRead?: boolean;
}

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
  /** The first message that was unread when the conversation was opened (the `── new ──` line). */
  newMarkerId: number | null;
  /** The other participant has read my messages up to this id. */
  otherReadUpTo: number;
  /** Lines scrolled up from the bottom; 0 follows new messages. */
  scroll: number;
  /** Messages from this id on that arrived (or were unread) while scrolled up. */
  unseenFrom: number | null;
  width: number;
  height: number;
}

export type MessagesAction =
  | { type: 'loaded'; messages: ChatMessage[]; unread: number; limit: number }
  | { type: 'load-failed'; error: string }
  | { type: 'older-start' }
  | { type: 'older'; messages: ChatMessage[]; limit: number }
  | { type: 'older-failed'; error: string }
  | { type: 'received'; messages: ChatMessage[] }
  | { type: 'read'; userId: number; upTo: number }
  | { type: 'queued'; pending: PendingMessage }
  | { type: 'sent'; key: string; message: ChatMessage }
  | { type: 'send-failed'; key: string; error: string; retryable: boolean }
  | { type: 'retrying'; keys: string[] }
  | { type: 'scroll'; delta: number }
  | { type: 'bottom' }
  | { type: 'resize'; width: number; height: number };

export function openConversation(input: {
  conversationId: number;
  meId: number;
  otherName: string;
  pending?: PendingMessage[];
  width: number;
  height: number;
}): MessagesState {
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
    newMarkerId: null,
    otherReadUpTo: 0,
    scroll: 0,
    unseenFrom: null,
    width: Math.max(1, input.width),
    height: Math.max(1, input.height),
  };
}

// ---- conversions ------------------------------------------------------------

export function fromApiMessage(message: Message): ChatMessage {
  return {
    id: message.id,
    conversationId: message.conversation_id,
    senderId: message.sender_id,
    senderName: message.sender?.name ?? '',
    body: message.message ?? '',
    type: message.type,
    createdAt: message.created_at,
    attachmentName: message.attachment?.name ?? null,
    isRead: message.is_read,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message of a `message.sent` payload, or null when the payload is not one. */
export function fromSentEvent(payload: unknown): ChatMessage | null {
  if (!isObject(payload)) return null;
  const { id, conversation_id: conversationId, sender_id: senderId, message, type, created_at: createdAt, sender, attachment } = payload;
  if (typeof id !== 'number' || typeof conversationId !== 'number' || typeof senderId !== 'number') return null;
  return {
    id,
    conversationId,
    senderId,
    senderName: isObject(sender) && typeof sender.name === 'string' ? sender.name : '',
    body: typeof message === 'string' ? message : '',
    type: type === 'image' || type === 'file' ? type : 'text',
    createdAt: typeof createdAt === 'string' ? createdAt : new Date().toISOString(),
    attachmentName: isObject(attachment) && typeof attachment.name === 'string' ? attachment.name : null,
  };
}

// ---- merging ----------------------------------------------------------------

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
        const index = pending.findIndex((p) => p.claimedId === undefined && p.body === message.body);
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

// ---- the reducer ------------------------------------------------------------

/** New content at the bottom while scrolled up must not move what the reader is looking at. */
function anchored(prev: MessagesState, next: MessagesState): MessagesState {
  if (next === prev || prev.scroll === 0) return next;
  const grown = totalLines(next) - totalLines(prev);
  return { ...next, scroll: Math.max(0, prev.scroll + grown) };
}

/** Clamps the scroll position to the content; messages that came into view are no longer unseen. */
function clampScroll(state: MessagesState): MessagesState {
  const { scroll, lastVisibleId } = windowLines(state);
  let { unseenFrom } = state;
  if (scroll === 0) unseenFrom = null;
  else if (unseenFrom !== null && lastVisibleId !== null && lastVisibleId >= unseenFrom) {
    unseenFrom = state.messages.find((m) => m.id > lastVisibleId)?.id ?? null;
  }
  if (scroll === state.scroll && unseenFrom === state.unseenFrom) return state;
  return { ...state, scroll, unseenFrom };
}

export function messagesReducer(state: MessagesState, action: MessagesAction): MessagesState {
  switch (action.type) {
    case 'loaded': {
      const merged = merge({ ...state, status: 'ready', error: null, hasOlder: action.messages.length >= action.limit }, action.messages);
      const newMarkerId = firstUnreadId(merged.messages, state.meId, action.unread);
      let next: MessagesState = { ...merged, newMarkerId, scroll: 0, unseenFrom: null };
      if (newMarkerId !== null) {
        // Open at the first unread message when the unread ones do not fit on the screen.
        const below = linesFrom(next, 'new');
        if (below > next.height) next = clampScroll({ ...next, scroll: below - next.height, unseenFrom: newMarkerId });
      }
      return next;
    }
    case 'load-failed':
      return { ...state, status: 'error', error: action.error };
    case 'older-start':
      return { ...state, loadingOlder: true, olderError: null };
    case 'older': {
      // Prepending does not move the view: the scroll position counts lines from the bottom.
      const merged = merge(state, action.messages);
      return { ...merged, loadingOlder: false, hasOlder: action.messages.length >= action.limit };
    }
    case 'older-failed':
      return { ...state, loadingOlder: false, olderError: action.error };
    case 'received': {
      const before = new Set(state.messages.map((m) => m.id));
      const fresh = action.messages.filter((m) => m.conversationId === state.conversationId && !before.has(m.id));
      let next = merge(state, action.messages);
      if (state.scroll > 0) {
        const firstOther = fresh.find((m) => m.senderId !== state.meId);
        if (firstOther) {
          next = { ...next, unseenFrom: state.unseenFrom ?? firstOther.id, newMarkerId: state.newMarkerId ?? firstOther.id };
        }
      }
      return anchored(state, next);
    }
    case 'read':
      if (action.userId === state.meId || action.upTo <= state.otherReadUpTo) return state;
      return anchored(state, { ...state, otherReadUpTo: action.upTo });
    case 'queued':
      return { ...state, pending: [...state.pending, action.pending], scroll: 0, unseenFrom: null };
    case 'sent': {
      const without = { ...state, pending: state.pending.filter((p) => p.key !== action.key) };
      const message = { ...action.message, conversationId: state.conversationId };
      return anchored(state, merge(without, [message]));
    }
    case 'send-failed': {
      const pending = state.pending.flatMap((p) => {
        if (p.key !== action.key) return [p];
        // It failed to answer, but the server had already shown it: nothing is lost.
        if (p.claimedId !== undefined && state.messages.some((m) => m.id === p.claimedId)) return [];
        return [{ ...p, status: 'failed' as const, error: action.error, retryable: action.retryable }];
      });
      return anchored(state, { ...state, pending });
    }
    case 'retrying': {
      const keys = new Set(action.keys);
      const pending = state.pending.map((p) => (keys.has(p.key) ? { ...p, status: 'sending' as const, error: undefined } : p));
      return { ...state, pending, scroll: 0, unseenFrom: null };
    }
    case 'scroll': {
      const scroll = Math.max(0, state.scroll + action.delta);
      return clampScroll({ ...state, scroll, olderError: null, unseenFrom: scroll === 0 ? null : state.unseenFrom });
    }
    case 'bottom':
      return { ...state, scroll: 0, unseenFrom: null };
    case 'resize': {
      const width = Math.max(1, action.width);
      const height = Math.max(1, action.height);
      if (width === state.width && height === state.height) return state;
      return clampScroll({ ...state, width, height });
    }
  }
}

// ---- layout -------------------------------------------------------------------

export type Tone = 'own' | 'other' | 'time' | 'dim' | 'marker' | 'error' | 'pending' | 'read';

export interface Segment {
  text: string;
  tone?: Tone;
}

export interface Line {
  key: string;
  segments: Segment[];
}

type Item =
  | { kind: 'top'; key: string; text: string; tone: Tone }
  | { kind: 'day'; key: string; text: string }
  | { kind: 'new'; key: string }
  | { kind: 'message'; key: string; message: ChatMessage; suffix: string; suffixTone: Tone }
  | { kind: 'pending'; key: string; pending: PendingMessage; suffix: string; suffixTone: Tone };

function items(state: MessagesState, now: Date): Item[] {
  const list: Item[] = [];
  const pending = visiblePending(state);
  let top: Item;
  if (state.status === 'loading') top = { kind: 'top', key: 'top', text: 'loading…', tone: 'dim' };
  else if (state.status === 'error') top = { kind: 'top', key: 'top', text: `could not load the messages: ${state.error ?? 'unknown error'}`, tone: 'error' };
  else if (state.olderError) top = { kind: 'top', key: 'top', text: `could not load older messages (${state.olderError}); PgUp to try again`, tone: 'error' };
  else if (state.hasOlder) top = { kind: 'top', key: 'top', text: state.loadingOlder ? 'loading older messages…' : '↑ PgUp for older messages', tone: 'dim' };
  else if (state.messages.length > 0 || pending.length > 0) top = { kind: 'top', key: 'top', text: 'start of the conversation', tone: 'dim' };
  else top = { kind: 'top', key: 'top', text: 'No messages yet. Say hello!', tone: 'dim' };
  list.push(top);

  let lastOwnId = 0;
  for (const m of state.messages) if (m.senderId === state.meId) lastOwnId = m.id;
  let previousDay = '';
  for (const message of state.messages) {
    const day = dayKey(message.createdAt);
    if (day !== previousDay) list.push({ kind: 'day', key: `day:${message.id}`, text: dayLabel(message.createdAt, now) });
    previousDay = day;
    if (message.id === state.newMarkerId) list.push({ kind: 'new', key: 'new' });
    let suffix = '';
    let suffixTone: Tone = 'dim';
    if (message.senderId === state.meId) {
      const read = message.id <= state.otherReadUpTo;
      const last = message.id === lastOwnId && pending.length === 0;
      suffix = read ? (last ? '✓✓ read' : '✓✓') : last ? '✓ sent' : '✓';
      suffixTone = read ? 'read' : 'dim';
    }
    list.push({ kind: 'message', key: `m:${message.id}`, message, suffix, suffixTone });
  }
  for (const p of pending) {
    const failed = p.status === 'failed';
    const suffix = !failed ? 'sending…' : p.retryable ? 'failed — press r to retry' : `not sent — ${p.error ?? 'refused'}`;
    list.push({ kind: 'pending', key: `p:${p.key}`, pending: p, suffix, suffixTone: failed ? 'error' : 'pending' });
  }
  return list;
}

const cache = new WeakMap<object, { signature: string; lines: Line[] }>();

const TIME_WIDTH = 5;

function nameWidth(state: MessagesState): number {
  return Math.min(12, Math.max(3, textWidth(sanitize(state.otherName))));
}

function messageText(message: { body: string; type: MessageType; attachmentName: string | null }): string {
  const body = sanitize(message.body);
  if (message.type === 'text' || !message.attachmentName) return body;
  const label = `[${message.type}: ${sanitize(message.attachmentName).replace(/\n/g, ' ')}]`;
  return body && !/^https?:\/\/\S+\/attachment$/.test(body) ? `${label} ${body}` : label;
}

function layoutBody(
  key: string,
  head: { time: string; name: string; tone: Tone },
  text: string,
  suffix: string,
  suffixTone: Tone,
  state: MessagesState,
): Line[] {
  const nameW = nameWidth(state);
  const prefixWidth = TIME_WIDTH + 1 + nameW + 1;
  const lines: Line[] = [];
  const stacked = state.width - prefixWidth < 12;
  const bodyWidth = stacked ? Math.max(1, state.width - 2) : state.width - prefixWidth;
  const indent = stacked ? '  ' : ' '.repeat(prefixWidth);
  const wrapped = wrap(text, bodyWidth);
  const headSegments: Segment[] = [
    { text: `${head.time} `, tone: 'time' },
    { text: stacked ? truncate(head.name, state.width - TIME_WIDTH - 1) : `${fit(head.name, nameW)} `, tone: head.tone },
  ];
  if (stacked) lines.push({ key: `${key}:h`, segments: headSegments });
  wrapped.forEach((part, i) => {
    const segments: Segment[] = !stacked && i === 0 ? [...headSegments] : [{ text: indent }];
    segments.push({ text: part });
    lines.push({ key: `${key}:${i}`, segments });
  });
  if (suffix) {
    const last = lines[lines.length - 1]!;
    const lastWidth = textWidth(wrapped[wrapped.length - 1] ?? '');
    if (lastWidth + 2 + textWidth(suffix) <= bodyWidth) {
      last.segments.push({ text: `  ${suffix}`, tone: suffixTone });
    } else {
      lines.push({ key: `${key}:s`, segments: [{ text: indent }, { text: truncate(suffix, bodyWidth), tone: suffixTone }] });
    }
  }
  return lines;
}

function rule(text: string, width: number): string {
  const core = `── ${text} ──`;
  const w = textWidth(core);
  return w >= width ? truncate(core, width) : core + '─'.repeat(width - w);
}

function layoutItem(item: Item, state: MessagesState): Line[] {
  const target = item.kind === 'message' ? item.message : item.kind === 'pending' ? item.pending : null;
  const signature = `${state.width}|${state.otherName}|${item.kind === 'message' || item.kind === 'pending' ? item.suffix : ''}`;
  if (target) {
    const hit = cache.get(target);
    if (hit && hit.signature === signature) return hit.lines;
  }
  let lines: Line[];
  switch (item.kind) {
    case 'top':
      lines = wrap(item.text, state.width).map((text, i) => ({ key: `top:${i}`, segments: [{ text, tone: item.tone }] }));
      break;
    case 'day':
      lines = [{ key: item.key, segments: [{ text: rule(item.text, state.width), tone: 'dim' }] }];
      break;
    case 'new':
      lines = [{ key: 'new', segments: [{ text: rule('new', state.width), tone: 'marker' }] }];
      break;
    case 'message': {
      const own = item.message.senderId === state.meId;
      const name = own ? 'You' : sanitize(item.message.senderName || state.otherName).replace(/\n/g, ' ');
      lines = layoutBody(item.key, { time: clock(item.message.createdAt), name, tone: own ? 'own' : 'other' }, messageText(item.message), item.suffix, item.suffixTone, state);
      break;
    }
    case 'pending':
      lines = layoutBody(
        item.key,
        { time: clock(item.pending.createdAt), name: 'You', tone: 'own' },
        sanitize(item.pending.body),
        item.suffix,
        item.suffixTone,
        state,
      );
      break;
  }
  if (target) cache.set(target, { signature, lines });
  return lines;
}

/** All lines (used to keep the view still when content is added below it). */
export function totalLines(state: MessagesState, now: Date = new Date()): number {
  let total = 0;
  for (const item of items(state, now)) total += layoutItem(item, state).length;
  return total;
}

/** Lines from the item with this key to the bottom (0 when there is no such item). */
function linesFrom(state: MessagesState, key: string, now: Date = new Date()): number {
  const list = items(state, now);
  const index = list.findIndex((item) => item.key === key);
  if (index < 0) return 0;
  let total = 0;
  for (const item of list.slice(index)) total += layoutItem(item, state).length;
  return total;
}

export interface MessageWindow {
  /** At most `height` lines, top to bottom. */
  lines: Line[];
  /** The scroll position, clamped to the content. */
  scroll: number;
  /** The first line of the loaded history is on screen. */
  atTop: boolean;
  /** Messages from the other side below the window that arrived (or were unread) while scrolled up. */
  unseenBelow: number;
  /** The newest message with a line in the window. */
  lastVisibleId: number | null;
}

/** The lines that fit the window, laid out from the bottom up: never more than the screen needs. */
export function windowLines(state: MessagesState, now: Date = new Date()): MessageWindow {
  const list = items(state, now);
  const want = state.scroll + state.height;
  const collected: Line[][] = [];
  /** for each unseen message from the other side: how many lines lie below it */
  const unseenAt: number[] = [];
  /** message ids with the number of lines below each */
  const messagesAt: Array<{ id: number; below: number; height: number }> = [];
  let count = 0;
  let index = list.length - 1;
  for (; index >= 0 && count < want; index--) {
    const item = list[index]!;
    const lines = layoutItem(item, state);
    if (item.kind === 'message') {
      messagesAt.push({ id: item.message.id, below: count, height: lines.length });
      if (state.unseenFrom !== null && item.message.id >= state.unseenFrom && item.message.senderId !== state.meId) unseenAt.push(count);
    }
    collected.push(lines);
    count += lines.length;
  }
  const exhausted = index < 0;
  const all = collected.reverse().flat();
  const scroll = exhausted ? Math.min(state.scroll, Math.max(0, all.length - state.height)) : state.scroll;
  const end = all.length - scroll;
  const start = Math.max(0, end - state.height);
  // A message is unseen while its last line is below the window.
  const unseenBelow = unseenAt.filter((below) => below < scroll).length;
  // The newest message whose top line is above the window's bottom edge.
  const lastVisibleId = messagesAt.find((m) => m.below + m.height > scroll && m.below < scroll + state.height)?.id ?? null;
  return { lines: all.slice(start, end), scroll, atTop: exhausted && start === 0, unseenBelow, lastVisibleId };
}
