// The open conversation's reducer: merge by id, optimistic sends, the new marker, read receipts,
// scrolling (an anchor) and the windowed layout. Pure: no terminal, no server.
import { describe, expect, it } from 'vitest';
import { fromSentEvent } from '../../src/client/decode.js';
import { layoutWindow, scrollBy, scrollTo, totalLines, type Viewport } from '../../src/tui/state/layout.js';
import {
  firstUnreadId,
  messagesReducer,
  openConversation,
  visiblePending,
  type ChatMessage,
  type MessagesAction,
  type MessagesState,
  type PendingMessage,
} from '../../src/tui/state/messages.js';

const ME = 1;
const BOB = 2;
const AT = '2026-03-04T10:00:00Z';

function msg(id: number, senderId = BOB, body = `message ${id}`, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { id, conversationId: 7, senderId, senderName: senderId === ME ? 'Ann' : 'Bob', body, type: 'text', createdAt: AT, attachment: null, ...extra };
}

function pending(key: string, body: string, status: PendingMessage['status'] = 'sending'): PendingMessage {
  return { key, body, createdAt: AT, status, retryable: true };
}

const VIEW: Viewport = { width: 60, height: 10 };

function state(overrides: Partial<MessagesState> = {}): MessagesState {
  return { ...openConversation({ conversationId: 7, meId: ME, otherName: 'Bob' }), ...overrides };
}

function run(initial: MessagesState, ...actions: MessagesAction[]): MessagesState {
  return actions.reduce(messagesReducer, initial);
}

/** The scroll action the controller dispatches for `delta` lines (layout computes it). */
function scrolled(s: MessagesState, delta: number, view: Viewport = VIEW): MessagesState {
  return run(s, { type: 'scroll', ...scrollBy(s, view, delta) });
}

const text = (s: MessagesState, view: Viewport = VIEW) => layoutWindow(s, view).lines.map((l) => l.segments.map((x) => x.text).join(''));
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
    const small = { width: 60, height: 5 };
    const page = Array.from({ length: 30 }, (_, i) => msg(i + 1));
    const loaded = run(state(), { type: 'loaded', messages: page, unread: 20, limit: 50 });
    const jump = scrollTo(loaded, small, 'new');
    expect(jump.scroll).toEqual({ anchor: 'new', offset: 0 });
    const s = run(loaded, { type: 'scroll', ...jump, fromMarker: true });
    const view = layoutWindow(s, small);
    expect(view.lines[0]!.segments[0]!.text).toMatch(/^── new ──/);
    expect(view.unseenBelow).toBeGreaterThan(0);
    // when they fit, the view follows the bottom
    expect(scrollTo(run(state(), { type: 'loaded', messages: page, unread: 2, limit: 50 }), small, 'new').scroll).toBeNull();
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
  const SIX = { width: 60, height: 6 };
  const many = run(state(), { type: 'loaded', messages: Array.from({ length: 40 }, (_, i) => msg(i + 1)), unread: 0, limit: 40 });

  it('shows only the lines that fit, newest at the bottom', () => {
    const view = layoutWindow(many, SIX);
    expect(view.lines).toHaveLength(6);
    expect(view.lines.at(-1)!.segments.map((s) => s.text).join('')).toContain('message 40');
    expect(view.atTop).toBe(false);
    expect(view.below).toBe(0);
  });

  it('is an anchor message and an offset, and moves by lines', () => {
    const up = scrolled(many, 3, SIX);
    expect(up.scroll).toEqual({ anchor: expect.stringMatching(/^m:\d+$/), offset: expect.any(Number) });
    expect(layoutWindow(up, SIX).below).toBe(3);
    expect(layoutWindow(scrolled(up, 2, SIX), SIX).below).toBe(5);
    expect(scrolled(up, -3, SIX).scroll).toBeNull(); // back at the bottom: following again
  });

  it('clamps at the top and says so (time to load the older page)', () => {
    const top = scrolled(many, 10_000, SIX);
    const view = layoutWindow(top, SIX);
    expect(view.atTop).toBe(true);
    expect(view.below).toBe(totalLines(top, SIX) - 6);
    expect(scrolled(top, -10_000, SIX).scroll).toBeNull();
  });

  it('does not move the view when messages arrive while scrolled up, and counts them', () => {
    const up = scrolled(many, 10, SIX);
    const before = text(up, SIX);
    const after = run(up, { type: 'received', messages: [msg(41), msg(42, ME)] });
    expect(text(after, SIX)).toEqual(before);
    expect(layoutWindow(after, SIX).unseenBelow).toBe(1);
    expect(after.newMarkerId).toBe(41);
    const bottom = run(after, { type: 'bottom' });
    expect(layoutWindow(bottom, SIX).unseenBelow).toBe(0);
    expect(text(bottom, SIX).at(-1)).toContain('message 42');
  });

  it('follows new messages at the bottom', () => {
    const s = run(many, { type: 'received', messages: [msg(41)] });
    expect(s.scroll).toBeNull();
    expect(text(s, SIX).at(-1)).toContain('message 41');
  });

  it('keeps the view when an older page is prepended, and when the pane is resized', () => {
    const up = scrolled(many, 5, SIX);
    const before = text(up, SIX);
    const older = run(up, { type: 'older-start' }, { type: 'older', messages: [msg(-2), msg(-1), msg(0)], limit: 50 });
    expect(ids(older).slice(0, 3)).toEqual([-2, -1, 0]);
    expect(text(older, SIX)).toEqual(before);
    // a taller pane keeps the same top line
    expect(text(older, { width: 60, height: 8 })[0]).toBe(before[0]);
  });

  it('sending jumps to the bottom', () => {
    const up = run(scrolled(many, 5, SIX), { type: 'queued', pending: pending('k', 'now') });
    expect(up.scroll).toBeNull();
  });
});

describe('layout', () => {
  it('wraps long and multi-line messages under the text column, never wider than the pane', () => {
    const s = run(state(), { type: 'loaded', messages: [msg(1, BOB, 'first line\nsecond line that is long enough to wrap around')], unread: 0, limit: 50 });
    const lines = text(s, { width: 30, height: 10 }).filter((l) => !l.includes('──') && !l.includes('start of'));
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
