// The open conversation's reducer: merge by id, optimistic sends, the new marker, read receipts,
// scrolling and the windowed layout. Pure: no terminal, no server.
import { describe, expect, it } from 'vitest';
import {
  firstUnreadId,
  fromSentEvent,
  messagesReducer,
  openConversation,
  totalLines,
  visiblePending,
  windowLines,
  type ChatMessage,
  type MessagesAction,
  type MessagesState,
  type PendingMessage,
} from '../../src/tui/state/messages.js';

const ME = 1;
const BOB = 2;
const AT = '2026-03-04T10:00:00Z';

function msg(id: number, senderId = BOB, body = `message ${id}`, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, conversationId: 7, senderId, senderName: senderId === ME ? 'Ann' : 'Bob', body, type: 'text', createdAt: AT, attachmentName: null, ...extra };
}

function pending(key: string, body: string, status: PendingMessage['status'] = 'sending'): PendingMessage {
  return { key, body, createdAt: AT, status, retryable: true };
}

function state(overrides: Partial<MessagesState> = {}): MessagesState {
  return { ...openConversation({ conversationId: 7, meId: ME, otherName: 'Bob', width: 60, height: 10 }), ...overrides };
}

function run(initial: MessagesState, ...actions: MessagesAction[]): MessagesState {
  return actions.reduce(messagesReducer, initial);
}

const text = (s: MessagesState) => windowLines(s).lines.map((l) => l.segments.map((x) => x.text).join(''));
const ids = (s: MessagesState) => s.messages.map((m) => m.id);

describe('merging by id', () => {
  it('keeps one copy of each message whatever the order of pages, events and backfill', () => {
    const s = run(
      state(),
      { type: 'received', messages: [msg(5)] }, // an event before the page
      { type: 'loaded', messages: [msg(3), msg(4), msg(5)], unread: 0, limit: 50 },
      { type: 'received', messages: [msg(4), msg(6)] }, // backfill overlapping
      { type: 'older', messages: [msg(1), msg(2), msg(3)], limit: 50 },
    );
    expect(ids(s)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.hasOlder).toBe(false);
  });

  it('ignores messages of another conversation', () => {
    const s = run(state(), { type: 'received', messages: [msg(1, BOB, 'x', { conversationId: 8 })] });
    expect(s.messages).toEqual([]);
  });

  it('a full first page means there may be older ones', () => {
    expect(run(state(), { type: 'loaded', messages: [msg(1), msg(2)], unread: 0, limit: 2 }).hasOlder).toBe(true);
    expect(run(state(), { type: 'loaded', messages: [msg(1)], unread: 0, limit: 2 }).hasOlder).toBe(false);
  });
});

describe('optimistic sends', () => {
  const loaded = run(state(), { type: 'loaded', messages: [msg(1)], unread: 0, limit: 50 });

  it('shows "sending…" until the reply, then the server message in its place', () => {
    const sending = run(loaded, { type: 'queued', pending: pending('k1', 'hi Bob') });
    expect(text(sending).join('\n')).toMatch(/You +hi Bob +sending…/);
    const sent = run(sending, { type: 'sent', key: 'k1', message: msg(2, ME, 'hi Bob') });
    expect(sent.pending).toEqual([]);
    expect(ids(sent)).toEqual([1, 2]);
    const shown = text(sent).join('\n');
    expect(shown.match(/hi Bob/g)).toHaveLength(1);
    expect(shown).toContain('✓ sent');
  });

  it('is never shown twice when message.sent arrives before the reply', () => {
    const s = run(
      loaded,
      { type: 'queued', pending: pending('k1', 'same text') },
      { type: 'received', messages: [msg(2, ME, 'same text')] },
    );
    expect(visiblePending(s)).toEqual([]);
    expect(text(s).join('\n').match(/same text/g)).toHaveLength(1);
    const confirmed = run(s, { type: 'sent', key: 'k1', message: msg(2, ME, 'same text') });
    expect(confirmed.pending).toEqual([]);
    expect(ids(confirmed)).toEqual([1, 2]);
    expect(text(confirmed).join('\n').match(/same text/g)).toHaveLength(1);
  });

  it('two identical texts in flight each claim one server message', () => {
    const s = run(
      loaded,
      { type: 'queued', pending: pending('a', 'ok') },
      { type: 'queued', pending: pending('b', 'ok') },
      { type: 'received', messages: [msg(2, ME, 'ok')] },
    );
    expect(visiblePending(s).map((p) => p.key)).toEqual(['b']);
    const both = run(s, { type: 'received', messages: [msg(3, ME, 'ok')] });
    expect(visiblePending(both)).toEqual([]);
    expect(text(both).join('\n').match(/ ok/g)).toHaveLength(2);
  });

  it('a failed send says how to retry; retrying keeps its key', () => {
    const failed = run(
      loaded,
      { type: 'queued', pending: pending('k1', 'flaky') },
      { type: 'send-failed', key: 'k1', error: 'Cannot reach the server', retryable: true },
    );
    expect(text(failed).join('\n')).toContain('failed — press r to retry');
    const again = run(failed, { type: 'retrying', keys: ['k1'] });
    expect(again.pending).toEqual([expect.objectContaining({ key: 'k1', status: 'sending' })]);
    const refused = run(
      loaded,
      { type: 'queued', pending: pending('k2', 'x'.repeat(10)) },
      { type: 'send-failed', key: 'k2', error: 'The message field must not be greater than 5000 characters', retryable: false },
    );
    expect(text(refused).join('\n')).toContain('not sent — The message');
  });

  it('a failed send that the server had already shown disappears (nothing was lost)', () => {
    const s = run(
      loaded,
      { type: 'queued', pending: pending('k1', 'stored anyway') },
      { type: 'received', messages: [msg(2, ME, 'stored anyway')] },
      { type: 'send-failed', key: 'k1', error: 'socket hang up', retryable: true },
    );
    expect(s.pending).toEqual([]);
    expect(ids(s)).toEqual([1, 2]);
  });
});

describe('the new marker', () => {
  it('sits before the first unread message from the other side', () => {
    const page = [msg(1), msg(2, ME), msg(3), msg(4)];
    expect(firstUnreadId(page, ME, 2)).toBe(3);
    expect(firstUnreadId(page, ME, 0)).toBeNull();
    expect(firstUnreadId(page, ME, 9)).toBe(1); // more unread than loaded: before the page
    const s = run(state(), { type: 'loaded', messages: page, unread: 2, limit: 50 });
    expect(s.newMarkerId).toBe(3);
    const lines = text(s);
    const marker = lines.findIndex((l) => l.startsWith('── new ──'));
    expect(marker).toBeGreaterThan(0);
    expect(lines[marker + 1]).toContain('message 3');
    expect(lines[marker - 1]).toContain('message 2');
  });

  it('opens at the marker when the unread messages do not fit', () => {
    const page = Array.from({ length: 30 }, (_, i) => msg(i + 1));
    const s = run(state({ height: 5 }), { type: 'loaded', messages: page, unread: 20, limit: 50 });
    expect(s.scroll).toBeGreaterThan(0);
    const view = windowLines(s);
    expect(view.lines[0]!.segments[0]!.text).toMatch(/^── new ──/);
    expect(view.unseenBelow).toBeGreaterThan(0);
  });
});

describe('read receipts', () => {
  it('own messages read by the other side show ✓✓, the last one "✓✓ read"', () => {
    const s = run(state(), { type: 'loaded', messages: [msg(1, ME), msg(2, ME), msg(3, ME)], unread: 0, limit: 50 });
    expect(text(s).join('\n')).toContain('✓ sent');
    const read = run(s, { type: 'read', userId: BOB, upTo: 3 });
    const shown = text(read);
    expect(shown.at(-1)).toContain('✓✓ read');
    expect(shown.filter((l) => l.includes('✓✓'))).toHaveLength(3);
    // my own read events (another device of mine) do not count
    expect(run(s, { type: 'read', userId: ME, upTo: 3 }).otherReadUpTo).toBe(0);
  });

  it('is_read from a page and a reply from the other side both mean read', () => {
    const page = run(state(), { type: 'loaded', messages: [msg(1, ME, 'a', { isRead: true }), msg(2, ME, 'b', { isRead: false })], unread: 0, limit: 50 });
    expect(page.otherReadUpTo).toBe(1);
    expect(run(page, { type: 'received', messages: [msg(3, BOB)] }).otherReadUpTo).toBe(2);
  });
});

describe('scrolling', () => {
  const many = run(state({ height: 6 }), { type: 'loaded', messages: Array.from({ length: 40 }, (_, i) => msg(i + 1)), unread: 0, limit: 40 });

  it('shows only the lines that fit, newest at the bottom', () => {
    const view = windowLines(many);
    expect(view.lines).toHaveLength(6);
    expect(view.lines.at(-1)!.segments.map((s) => s.text).join('')).toContain('message 40');
    expect(view.atTop).toBe(false);
  });

  it('clamps at the top and says so (time to load the older page)', () => {
    const top = run(many, { type: 'scroll', delta: 10_000 });
    expect(top.scroll).toBe(totalLines(top) - 6);
    expect(windowLines(top).atTop).toBe(true);
    expect(run(top, { type: 'scroll', delta: -10_000 }).scroll).toBe(0);
  });

  it('does not move the view when messages arrive while scrolled up, and counts them', () => {
    const up = run(many, { type: 'scroll', delta: 10 });
    const before = text(up);
    const after = run(up, { type: 'received', messages: [msg(41), msg(42, ME)] });
    expect(text(after)).toEqual(before);
    expect(windowLines(after).unseenBelow).toBe(1);
    expect(after.newMarkerId).toBe(41);
    const bottom = run(after, { type: 'bottom' });
    expect(windowLines(bottom).unseenBelow).toBe(0);
    expect(text(bottom).at(-1)).toContain('message 42');
  });

  it('follows new messages at the bottom', () => {
    const s = run(many, { type: 'received', messages: [msg(41)] });
    expect(s.scroll).toBe(0);
    expect(text(s).at(-1)).toContain('message 41');
  });

  it('keeps the view when an older page is prepended', () => {
    const up = run(many, { type: 'scroll', delta: 5 });
    const before = text(up);
    const older = run(up, { type: 'older-start' }, { type: 'older', messages: [msg(-2), msg(-1), msg(0)], limit: 50 });
    expect(ids(older).slice(0, 3)).toEqual([-2, -1, 0]);
    expect(text(older)).toEqual(before);
  });

  it('sending jumps to the bottom', () => {
    const up = run(many, { type: 'scroll', delta: 5 }, { type: 'queued', pending: pending('k', 'now') });
    expect(up.scroll).toBe(0);
  });
});

describe('layout', () => {
  it('wraps long and multi-line messages under the text column, never wider than the pane', () => {
    const s = run(state({ width: 30 }), { type: 'loaded', messages: [msg(1, BOB, 'first line\nsecond line that is long enough to wrap around')], unread: 0, limit: 50 });
    const lines = text(s).filter((l) => !l.includes('──') && !l.includes('start of'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines[0]).toMatch(/^\d\d:\d\d Bob first line$/);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(30);
    expect(lines[1]!.startsWith(' '.repeat(10))).toBe(true);
  });

  it('neutralises terminal escape sequences in message text', () => {
    const s = run(state(), { type: 'loaded', messages: [msg(1, BOB, 'evil \u001b[2J\u001b]0;title\u0007 text')], unread: 0, limit: 50 });
    const shown = text(s).join('\n');
    expect(shown).not.toContain('\u001b');
    expect(shown).not.toContain('\u0007');
  });

  it('reads message.sent payloads (and rejects junk)', () => {
    expect(fromSentEvent({ id: 3, conversation_id: 7, sender_id: 2, message: 'hi', type: 'text', created_at: AT, sender: { id: 2, name: 'Bob', avatar: null } })).toMatchObject({
      id: 3,
      senderName: 'Bob',
      body: 'hi',
    });
    expect(fromSentEvent({ id: '3' })).toBeNull();
    expect(fromSentEvent(null)).toBeNull();
  });
});
