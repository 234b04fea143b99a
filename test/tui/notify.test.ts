// Notifications as bytes for the terminal: the bell, OSC 9 / OSC 777 desktop notifications (made
// safe: the sender's text goes inside an escape sequence), tmux's passthrough, and when to notify.
import { describe, expect, it } from 'vitest';
import { BELL, createNotifier, desktopSequence, isNews } from '../../src/tui/notify.js';
import { emptyList, listReducer, type ConversationRow } from '../../src/tui/state/conversations.js';

const row = (id: number, latestId: number, senderId: number, text = 'hi'): ConversationRow => ({
  id,
  other: { id: 100 + id, name: `User ${id}`, avatar: null },
  latest: { id: latestId, senderId, text, type: 'text', at: '2026-03-04T10:00:00Z' },
  unread: 1,
  updatedAt: '2026-03-04T10:00:00Z',
});

describe('notifications', () => {
  it('bell writes BEL, off writes nothing', () => {
    const out: string[] = [];
    createNotifier('bell', (d) => out.push(d), {})({ title: 't', body: 'b' });
    createNotifier('off', (d) => out.push(d), {})({ title: 't', body: 'b' });
    expect(out).toEqual([BELL]);
  });

  it('desktop: OSC 777 by default, OSC 9 where the terminal shows it, wrapped for tmux; hostile text neutralised', () => {
    const hostile = { title: 'chatctl: Eve\u0007\u001b]0;owned', body: 'a;b\u001b[2J' };
    const osc777 = desktopSequence(hostile, { TERM: 'xterm-256color' });
    // control characters become U+FFFD and `;` (the field separator) a space: one sequence, nothing more
    expect(osc777).toBe('\u001b]777;notify;chatctl: Eve\uFFFD\uFFFD]0 owned;a b\uFFFD[2J\u0007');
    expect([...osc777.slice(1, -1)].some((c) => c === '\u0007' || c === '\u001b')).toBe(false);
    expect(desktopSequence({ title: 'chatctl: Bob', body: 'hello' }, { TERM_PROGRAM: 'iTerm.app' })).toBe('\u001b]9;chatctl: Bob: hello\u0007');
    expect(desktopSequence({ title: 'chatctl: Bob', body: 'hello' }, { TERM: 'xterm-kitty', TMUX: '/tmp/tmux-0/default,1,0' })).toBe(
      '\u001bPtmux;\u001b\u001b]9;chatctl: Bob: hello\u0007\u001b\\',
    );
    // through the desktop notifier (no notify-send without a display) it is written to the terminal
    const out: string[] = [];
    createNotifier('desktop', (d) => out.push(d), { TERM: 'foot' })({ title: 'chatctl: Bob', body: 'hello' });
    expect(out).toEqual(['\u001b]777;notify;chatctl: Bob;hello\u0007']);
  });

  it('only for news: someone else’s new message, not muted, not the open conversation while focused', () => {
    const list = listReducer(emptyList, { type: 'loaded', rows: [row(1, 10, 101), row(2, 20, 102)] });
    const state = { list: listReducer(list, { type: 'open', id: 1 }), muted: [] as number[], terminalFocused: true };
    expect(isNews(state, row(2, 21, 102), 7)).toBe(true);
    expect(isNews(state, row(2, 20, 102), 7)).toBe(false); // nothing new (a read update)
    expect(isNews(state, row(2, 21, 7), 7)).toBe(false); // my own
    expect(isNews({ ...state, muted: [2] }, row(2, 21, 102), 7)).toBe(false);
    expect(isNews(state, row(1, 11, 101), 7)).toBe(false); // open and looked at
    expect(isNews({ ...state, terminalFocused: false }, row(1, 11, 101), 7)).toBe(true); // open but unfocused
  });
});
