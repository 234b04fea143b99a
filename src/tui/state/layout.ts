// The open conversation laid out for a window of `width` × `height`: pre-wrapped lines of
// styled segments, only as many as fit, found from the scroll anchor (or from the bottom when
// following). Pure: the reducer never calls it, and the pane size is only an argument here.
import { sanitize, fit, textWidth, truncate, wrap } from './text.js';
import { clock, dayKey, dayLabel } from './time.js';
import { visiblePending, type ChatMessage, type MessagesState, type PendingMessage, type ScrollAnchor } from './messages.js';
import { attachmentLabel } from './attachments.js';

export type Tone = 'own' | 'other' | 'time' | 'dim' | 'marker' | 'error' | 'pending' | 'read' | 'selected';

export interface Segment {
  text: string;
  tone?: Tone;
}

export interface Line {
  key: string;
  segments: Segment[];
}

export interface Viewport {
  width: number;
  height: number;
}

type Item =
  | { kind: 'top'; key: string; text: string; tone: Tone }
  | { kind: 'day'; key: string; text: string }
  | { kind: 'new'; key: string }
  | { kind: 'message'; key: string; message: ChatMessage; suffix: string; suffixTone: Tone; selected: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; suffix: string; suffixTone: Tone };

function topItem(state: MessagesState, anything: boolean): Item {
  const at = (text: string, tone: Tone): Item => ({ kind: 'top', key: 'top', text, tone });
  if (state.status === 'loading') return at('loading…', 'dim');
  if (state.status === 'error') return at(`could not load the messages: ${state.error ?? 'unknown error'}`, 'error');
  if (state.olderError) return at(`could not load older messages (${state.olderError}); PgUp to try again`, 'error');
  if (state.hasOlder) return at(state.loadingOlder ? 'loading older messages…' : '↑ PgUp for older messages', 'dim');
  return at(anything ? 'start of the conversation' : 'No messages yet. Say hello!', 'dim');
}

function pendingSuffix(p: PendingMessage): string {
  if (p.status === 'failed') return p.retryable ? 'failed — press r to retry' : `not sent — ${p.error ?? 'refused'}`;
  if (p.upload) return `uploading ${Math.min(100, Math.floor((100 * p.upload.sent) / Math.max(1, p.upload.size)))}%…`;
  return 'sending…';
}

function items(state: MessagesState, now: Date): Item[] {
  const pending = visiblePending(state);
  const list: Item[] = [topItem(state, state.messages.length > 0 || pending.length > 0)];
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
    list.push({ kind: 'message', key: `m:${message.id}`, message, suffix, suffixTone, selected: message.id === state.selectedId });
  }
  for (const p of pending) {
    list.push({ kind: 'pending', key: `p:${p.key}`, pending: p, suffix: pendingSuffix(p), suffixTone: p.status === 'failed' ? 'error' : 'pending' });
  }
  return list;
}

const cache = new WeakMap<object, { signature: string; lines: Line[] }>();
const TIME_WIDTH = 5;

function messageText(message: ChatMessage): string {
  const body = sanitize(message.body);
  if (message.type === 'text' || !message.attachment) return body;
  const label = attachmentLabel(message.type, message.attachment);
  return body && !/^https?:\/\/\S+\/attachment$/.test(body) ? `${label} ${body}` : label;
}

function layoutBody(key: string, head: { time: string; name: string; tone: Tone }, text: string, suffix: string, suffixTone: Tone, nameW: number, width: number): Line[] {
  const prefixWidth = TIME_WIDTH + 1 + nameW + 1;
  const lines: Line[] = [];
  const stacked = width - prefixWidth < 12;
  const bodyWidth = stacked ? Math.max(1, width - 2) : width - prefixWidth;
  const indent = stacked ? '  ' : ' '.repeat(prefixWidth);
  const wrapped = wrap(text, bodyWidth);
  const headSegments: Segment[] = [
    { text: `${head.time} `, tone: 'time' },
    { text: stacked ? truncate(head.name, width - TIME_WIDTH - 1) : `${fit(head.name, nameW)} `, tone: head.tone },
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
    if (lastWidth + 2 + textWidth(suffix) <= bodyWidth) last.segments.push({ text: `  ${suffix}`, tone: suffixTone });
    else lines.push({ key: `${key}:s`, segments: [{ text: indent }, { text: truncate(suffix, bodyWidth), tone: suffixTone }] });
  }
  return lines;
}

function rule(text: string, width: number): string {
  const core = `── ${text} ──`;
  const w = textWidth(core);
  return w >= width ? truncate(core, width) : core + '─'.repeat(width - w);
}

function layoutItem(item: Item, state: MessagesState, width: number): Line[] {
  const target = item.kind === 'message' ? item.message : item.kind === 'pending' ? item.pending : null;
  const signature = `${width}|${state.otherName}|${item.kind === 'message' || item.kind === 'pending' ? item.suffix : ''}|${item.kind === 'message' && item.selected}`;
  if (target) {
    const hit = cache.get(target);
    if (hit && hit.signature === signature) return hit.lines;
  }
  const nameW = Math.min(12, Math.max(3, textWidth(sanitize(state.otherName))));
  let lines: Line[];
  switch (item.kind) {
    case 'top':
      lines = wrap(item.text, width).map((text, i) => ({ key: `top:${i}`, segments: [{ text, tone: item.tone }] }));
      break;
    case 'day':
      lines = [{ key: item.key, segments: [{ text: rule(item.text, width), tone: 'dim' }] }];
      break;
    case 'new':
      lines = [{ key: 'new', segments: [{ text: rule('new', width), tone: 'marker' }] }];
      break;
    case 'message': {
      const own = item.message.senderId === state.meId;
      const name = own ? 'You' : sanitize(item.message.senderName || state.otherName).replace(/\n/g, ' ');
      const head = { time: clock(item.message.createdAt), name, tone: (item.selected ? 'selected' : own ? 'own' : 'other') as Tone };
      lines = layoutBody(item.key, head, messageText(item.message), item.suffix, item.suffixTone, nameW, width);
      break;
    }
    case 'pending': {
      const text = item.pending.upload ? `[file: ${sanitize(item.pending.upload.name)}]` : sanitize(item.pending.body);
      lines = layoutBody(item.key, { time: clock(item.pending.createdAt), name: 'You', tone: 'own' }, text, item.suffix, item.suffixTone, nameW, width);
      break;
    }
  }
  if (target) cache.set(target, { signature, lines });
  return lines;
}

/** The laid-out conversation: items, and the lines of item i on demand. */
function document(state: MessagesState, viewport: Viewport, now: Date) {
  const list = items(state, now);
  const width = Math.max(1, viewport.width);
  return { list, lines: (i: number) => layoutItem(list[i]!, state, width) };
}

type Doc = ReturnType<typeof document>;

export interface MessageWindow {
  /** At most `height` lines, top to bottom. */
  lines: Line[];
  /** Lines of history below the window (0 when following the newest). */
  below: number;
  /** The first line of the loaded history is on screen. */
  atTop: boolean;
  /** Messages from the other side below the window that arrived (or were unread) while scrolled up. */
  unseenBelow: number;
  /** The newest message with a line in the window. */
  lastVisibleId: number | null;
  /** The window's top: item index and line within it. */
  top: { index: number; line: number };
}

/** The top position for an anchor, or null when it is gone (the window then follows the bottom). */
function resolve(doc: Doc, scroll: ScrollAnchor): { index: number; line: number } | null {
  let index = doc.list.findIndex((item) => item.key === scroll.anchor);
  if (index < 0) return null;
  let line = scroll.offset;
  while (line < 0) {
    if (index === 0) return { index: 0, line: 0 };
    index -= 1;
    line += doc.lines(index).length;
  }
  while (line >= doc.lines(index).length) {
    line -= doc.lines(index).length;
    index += 1;
    if (index >= doc.list.length) return null;
  }
  return { index, line };
}

function windowFrom(doc: Doc, state: MessagesState, height: number, top: { index: number; line: number } | null): MessageWindow {
  const n = doc.list.length;
  const out: Line[] = [];
  let start = top;
  if (start) {
    // Collect downwards; running out before the window is full means it shows the bottom.
    let count = -start.line;
    for (let i = start.index; i < n && count < height; i++) count += doc.lines(i).length;
    if (count < height) start = null;
  }
  if (!start) {
    let count = 0;
    let i = n - 1;
    for (; i > 0 && count + doc.lines(i).length < height; i--) count += doc.lines(i).length;
    start = { index: i, line: Math.max(0, doc.lines(i).length - (height - count)) };
  }
  let index = start.index;
  let skip = start.line;
  let lastVisibleId: number | null = null;
  let end = { index, lastLine: 0 };
  while (index < n && out.length < height) {
    const lines = doc.lines(index);
    const take = lines.slice(skip, skip + (height - out.length));
    out.push(...take);
    const item = doc.list[index]!;
    if (item.kind === 'message') lastVisibleId = item.message.id;
    end = { index, lastLine: skip + take.length };
    skip = 0;
    index += 1;
  }
  let below = doc.lines(end.index).length - end.lastLine;
  let unseenBelow = 0;
  const unseen = (i: number) => {
    const item = doc.list[i]!;
    return item.kind === 'message' && state.unseenFrom !== null && item.message.id >= state.unseenFrom && item.message.senderId !== state.meId;
  };
  if (below > 0 && unseen(end.index)) unseenBelow += 1;
  for (let i = end.index + 1; i < n; i++) {
    below += doc.lines(i).length;
    if (unseen(i)) unseenBelow += 1;
  }
  return { lines: out, below, atTop: start.index === 0 && start.line === 0, unseenBelow, lastVisibleId, top: start };
}

/** The lines that fit the window, from the scroll anchor (or the bottom). */
export function layoutWindow(state: MessagesState, viewport: Viewport, now: Date = new Date()): MessageWindow {
  const doc = document(state, viewport, now);
  const top = state.scroll ? resolve(doc, state.scroll) : null;
  return windowFrom(doc, state, Math.max(1, viewport.height), top);
}

/** An anchor for a top position: the first message at or below it, so it survives the items around it changing. */
function anchorFor(doc: Doc, top: { index: number; line: number }): ScrollAnchor {
  let above = -top.line;
  for (let i = top.index; i < doc.list.length; i++) {
    const item = doc.list[i]!;
    if (item.kind === 'message') return { anchor: item.key, offset: -above };
    above += doc.lines(i).length;
  }
  return { anchor: doc.list[top.index]!.key, offset: top.line };
}

/** Scrolls `delta` lines (positive: up, towards older messages); null follows the bottom again. */
export function scrollBy(state: MessagesState, viewport: Viewport, delta: number, now: Date = new Date()): { scroll: ScrollAnchor | null; lastVisibleId: number | null } {
  const doc = document(state, viewport, now);
  const height = Math.max(1, viewport.height);
  const current = windowFrom(doc, state, height, state.scroll ? resolve(doc, state.scroll) : null);
  let { index, line } = current.top;
  line -= delta;
  while (line < 0 && index > 0) {
    index -= 1;
    line += doc.lines(index).length;
  }
  if (line < 0) line = 0;
  while (index < doc.list.length && line >= doc.lines(index).length) {
    line -= doc.lines(index).length;
    index += 1;
  }
  if (index >= doc.list.length) return { scroll: null, lastVisibleId: current.lastVisibleId };
  const next = windowFrom(doc, state, height, { index, line });
  if (next.below === 0) return { scroll: null, lastVisibleId: next.lastVisibleId };
  return { scroll: anchorFor(doc, next.top), lastVisibleId: next.lastVisibleId };
}

/** The anchor that puts item `key` at the top, or null when everything from it on fits (then follow). */
export function scrollTo(state: MessagesState, viewport: Viewport, key: string, now: Date = new Date()): { scroll: ScrollAnchor | null; lastVisibleId: number | null } {
  const doc = document(state, viewport, now);
  const index = doc.list.findIndex((item) => item.key === key);
  if (index < 0) return { scroll: null, lastVisibleId: null };
  const view = windowFrom(doc, state, Math.max(1, viewport.height), { index, line: 0 });
  return { scroll: view.below === 0 ? null : { anchor: key, offset: 0 }, lastVisibleId: view.lastVisibleId };
}

/** All lines (tests). */
export function totalLines(state: MessagesState, viewport: Viewport, now: Date = new Date()): number {
  const doc = document(state, viewport, now);
  let total = 0;
  for (let i = 0; i < doc.list.length; i++) total += doc.lines(i).length;
  return total;
}
