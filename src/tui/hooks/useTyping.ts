// "Bob is typing…": shown for a while after each whisper; and my own whispers while I type, at
// most one every TYPING_EVERY_MS.
import { useEffect, useState } from 'react';
import { EVENTS } from '../../shared/wire.js';
import type { ChatAction, ChatState } from '../state/chat.js';
import type { Store } from '../state/store.js';
import type { RealtimeLink } from './useRealtime.js';

/** A typing whisper at most this often while typing. */
export const TYPING_EVERY_MS = 2000;
/** How long "X is typing…" stays after the last whisper. */
export const TYPING_SHOWN_MS = 3000;

export function useTypingTimeout(typing: ChatState['typing'], dispatch: (action: ChatAction) => void): void {
  useEffect(() => {
    if (!typing) return;
    const timer = setTimeout(() => dispatch({ type: 'typing', typing: null }), Math.max(0, typing.until - Date.now()));
    return () => clearTimeout(timer);
  }, [typing, dispatch]);
}

export interface Typing {
  /** The other side whispered in the open conversation. */
  heard(conversationId: number, userId: number): void;
  /** I typed something: whisper (throttled). */
  typed(): void;
  /** I sent: the next keystroke whispers again. */
  reset(): void;
}

export function useTyping(store: Store<ChatState, ChatAction>, me: { id: number; name: string }, link: RealtimeLink): Typing {
  const [typing] = useState<Typing>(() => {
    let last = 0;
    return {
      heard(conversationId, userId) {
        const current = store.getState().conversation;
        if (!current || current.conversationId !== conversationId || userId === me.id) return;
        store.dispatch({ type: 'typing', typing: { name: current.otherName, until: Date.now() + TYPING_SHOWN_MS } });
      },
      typed() {
        const current = store.getState().conversation;
        if (!current) return;
        const now = Date.now();
        if (now - last < TYPING_EVERY_MS) return;
        if (link.whisper(current.conversationId, EVENTS.typing, { user_id: me.id, name: me.name, typing: true })) last = now;
      },
      reset() {
        last = 0;
      },
    };
  });
  return typing;
}
