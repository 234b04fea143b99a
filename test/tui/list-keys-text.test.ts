// Pure pieces of the chat client: the conversation list reducer, key mapping (typing, pastes,
// Enter vs new line), the compose buffer and terminal text width/wrapping.
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { backspace, clearLine, composeLines, deleteWord, insert, outgoing } from '../../src/tui/state/compose.js';
import { fromListEvent, fromListItem } from '../../src/client/decode.js';
import { emptyList, listReducer, visibleRows, type ConversationRow } from '../../src/tui/state/conversations.js';
import { commandsFor } from '../../src/tui/state/keys.js';
import { sanitize, textWidth, truncate, wrap } from '../../src/tui/state/text.js';
import { ago } from '../../src/tui/state/time.js';
import { colorsWanted } from '../../src/tui/theme.js';

function row(id: number, latestId: number | null, at: string, unread = 0): ConversationRow {
  return {
    id,
    other: { id: id + 100, name: `User ${id}`, avatar: null },
    latest: latestId === null ? null : { id: latestId, senderId: id + 100, text: `latest ${latestId}`, type: 'text', at },
    unread,
    updatedAt: at,
  };
}

describe('conversation list', () => {
  const loaded = listReducer(emptyList, {
    type: 'loaded',
    rows: [row(1, 10, '2026-03-04T10:00:00Z', 2), row(2, 20, '2026-03-04T11:00:00Z'), row(3, null, '2026-03-04T09:00:00Z')],
  });

  it('sorts by latest activity and selects the first row', () => {
    expect(loaded.rows.map((r) => r.id)).toEqual([2, 1, 3]);
    expect(loaded.selectedId).toBe(2);
  });

  it('moves a conversation to the top on a live update and keeps the selection on the same conversation', () => {
    const moved = listReducer(loaded, { type: 'move', delta: 1 });
    expect(moved.selectedId).toBe(1);
    const updated = listReducer(moved, { type: 'upsert', row: row(3, 30, '2026-03-04T12:00:00Z', 1) });
    expect(updated.rows.map((r) => r.id)).toEqual([3, 2, 1]);
    expect(updated.selectedId).toBe(1);
    expect(updated.rows[0]!.unread).toBe(1);
  });

  it('ignores an update about an older message that arrives late', () => {
    const stale = listReducer(loaded, { type: 'upsert', row: row(2, 19, '2026-03-04T10:59:00Z', 5) });
    expect(stale).toBe(loaded);
  });

  it('keeps the open conversation at 0 unread', () => {
    const open = listReducer(loaded, { type: 'open', id: 1 });
    expect(open.rows.find((r) => r.id === 1)!.unread).toBe(0);
    const update = listReducer(open, { type: 'upsert', row: row(1, 11, '2026-03-04T12:00:00Z', 3) });
    expect(update.rows.find((r) => r.id === 1)!.unread).toBe(0);
  });

  it('clamps moves at both ends and windows long lists around the selection', () => {
    expect(listReducer(loaded, { type: 'move', delta: -5 }).selectedId).toBe(2);
    expect(listReducer(loaded, { type: 'move', delta: 50 }).selectedId).toBe(3);
    const many = listReducer(emptyList, { type: 'loaded', rows: Array.from({ length: 40 }, (_, i) => row(i + 1, i + 1, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString())) });
    const far = listReducer(many, { type: 'move', delta: 30 });
    const { rows } = visibleRows(far, 5);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.id)).toContain(far.selectedId);
  });

  it('reads list items and live rows (and rejects junk)', () => {
    const item = fromListItem({
      id: 4,
      other_user: { id: 9, name: 'Bob', avatar: null },
      latest_message: { message: 'hi', created_at: '5 seconds ago', id: 8, sender_id: 9, type: 'text', sent_at: '2026-03-04T10:00:00Z' },
      unread_count: 1,
      updated_at: '2026-03-04T10:00:00Z',
    });
    expect(item.latest).toEqual({ id: 8, senderId: 9, text: 'hi', type: 'text', at: '2026-03-04T10:00:00Z' });
    const live = fromListEvent({
      conversation_id: 4,
      other_user: { id: 9, name: 'Bob', avatar: null },
      latest_message: { id: 8, sender_id: 9, message: 'hi', type: 'text', created_at: '2026-03-04T10:00:00Z' },
      unread_count: 1,
      updated_at: '2026-03-04T10:00:00Z',
    });
    expect(live).toEqual(item);
    expect(fromListEvent({ conversation_id: 'x' })).toBeNull();
  });

  it('says how long ago in a few characters', () => {
    const now = new Date('2026-03-04T12:00:00Z');
    expect(ago('2026-03-04T11:59:30Z', now)).toBe('now');
    expect(ago('2026-03-04T11:55:00Z', now)).toBe('5m');
    expect(ago('2026-03-04T09:00:00Z', now)).toBe('3h');
    expect(ago('2026-03-02T12:00:00Z', now)).toBe('2d');
  });
});

const none: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const key = (k: Partial<Key>): Key => ({ ...none, ...k });

describe('keys', () => {
  it('Enter sends; Shift/Alt-Enter and Ctrl-J add a line', () => {
    expect(commandsFor('\r', key({ return: true }))).toEqual([{ type: 'enter' }]);
    expect(commandsFor('\r', key({ return: true, shift: true }))).toEqual([{ type: 'newline' }]);
    expect(commandsFor('\r', key({ return: true, meta: true }))).toEqual([{ type: 'newline' }]);
    expect(commandsFor('\n', key({}))).toEqual([{ type: 'newline' }]);
  });

  it('a chunk with line breaks inside is a paste; a break at its end is Enter', () => {
    expect(commandsFor('one\rtwo', key({}))).toEqual([{ type: 'insert', text: 'one\ntwo' }]);
    expect(commandsFor('hello\r', key({}))).toEqual([{ type: 'insert', text: 'hello' }, { type: 'enter' }]);
    expect(commandsFor('one\r\ntwo\r\n', key({}))).toEqual([{ type: 'insert', text: 'one\ntwo\n' }]);
  });

  it('inside a bracketed paste everything is text, Enter included', () => {
    expect(commandsFor('[200~', key({}))).toEqual([{ type: 'paste-start' }]);
    expect(commandsFor('\r', key({ return: true }), true)).toEqual([{ type: 'insert', text: '\n' }]);
    expect(commandsFor('a\rb\r', key({}), true)).toEqual([{ type: 'insert', text: 'a\nb\n' }]);
    expect(commandsFor('[200~line\rend[201~', key({}))).toEqual([{ type: 'paste-start' }, { type: 'insert', text: 'line\nend' }, { type: 'paste-end' }]);
  });

  it('control keys', () => {
    expect(commandsFor('c', key({ ctrl: true }))).toEqual([{ type: 'quit' }]);
    expect(commandsFor('d', key({ ctrl: true }))).toEqual([{ type: 'quit' }]);
    expect(commandsFor('n', key({ ctrl: true }))).toEqual([{ type: 'new-chat' }]);
    expect(commandsFor('', key({ pageUp: true }))).toEqual([{ type: 'page-up' }]);
    expect(commandsFor('', key({ end: true }))).toEqual([{ type: 'bottom' }]);
    expect(commandsFor('', key({ delete: true }))).toEqual([{ type: 'backspace' }]);
    expect(commandsFor('', key({ tab: true }))).toEqual([{ type: 'tab' }]);
    // typed fast, text and Tab come in one chunk: the Tab is still the key (path completion)
    expect(commandsFor('/file sli\t', key({}))).toEqual([{ type: 'insert', text: '/file sli' }, { type: 'tab' }]);
    expect(commandsFor('', key({ escape: true, meta: true }))).toEqual([{ type: 'escape' }]);
    // focus reports are commands, never text; other unknown sequences are nothing
    expect(commandsFor('[I', key({}))).toEqual([{ type: 'focus-in' }]);
    expect(commandsFor('[O', key({}))).toEqual([{ type: 'focus-out' }]);
    expect(commandsFor('[2;5~', key({}))).toEqual([]);
    expect(commandsFor('e', key({ ctrl: true }))).toEqual([{ type: 'editor' }]);
    expect(commandsFor('o', key({ ctrl: true }))).toEqual([{ type: 'attach' }]);
    expect(commandsFor('u', key({ meta: true }))).toEqual([{ type: 'jump-unread' }]);
    expect(commandsFor('', key({ meta: true, upArrow: true }))).toEqual([{ type: 'select-message', delta: -1 }]);
  });
});

describe('compose buffer', () => {
  it('edits at the end', () => {
    expect(insert('a', 'b\r\nc\td\u001b')).toBe('ab\nc    d');
    expect(backspace('héllo 👍🏽')).toBe('héllo ');
    expect(deleteWord('hello big world  ')).toBe('hello big ');
    expect(clearLine('one\ntwo')).toBe('one\n');
    expect(clearLine('one\n')).toBe('one');
    expect(outgoing('  \n hi there \n')).toBe('hi there');
  });

  it('shows the last lines of a long message', () => {
    const { lines, hidden } = composeLines('1\n2\n3\n4\n5\n6\n7', 20, 5);
    expect(lines).toEqual(['3', '4', '5', '6', '7']);
    expect(hidden).toBe(2);
  });
});

describe('terminal text', () => {
  it('measures wide characters and emoji as two columns', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('👍🏽')).toBe(2);
    expect(textWidth('é')).toBe(1);
  });

  it('wraps at spaces, hard-wraps long words, keeps paragraphs', () => {
    expect(wrap('hello big world', 9)).toEqual(['hello big', 'world']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('a\n\nb', 5)).toEqual(['a', '', 'b']);
    expect(wrap('日本語のテキスト', 6).every((l) => textWidth(l) <= 6)).toBe(true);
  });

  it('truncates with an ellipsis and sanitizes control characters', () => {
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('hi', 6)).toBe('hi');
    expect(sanitize('a\u001b[31mb\tc\r\nd\u202e')).toBe('a\uFFFD[31mb    c\nd');
  });
});

describe('colours', () => {
  it('are off with NO_COLOR (any non-empty value) or TERM=dumb', () => {
    expect(colorsWanted({ TERM: 'xterm-256color' })).toBe(true);
    expect(colorsWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colorsWanted({ NO_COLOR: '' })).toBe(true);
    expect(colorsWanted({ TERM: 'dumb' })).toBe(false);
  });
});
