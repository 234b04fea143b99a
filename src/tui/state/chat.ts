// The whole chat client's state and its one reducer: the list, the open conversation, the
// unconfirmed sends of the closed ones, typing, the notice line, who is online, muted
// conversations and the screen (focus, compose text, pickers, overlays). Pure.
import type { Layout } from './screen.js';
import { emptyList, listReducer, type ListAction, type ListState } from './conversations.js';
import { messagesReducer, type MessagesAction, type MessagesState, type PendingMessage } from './messages.js';
import { screenReducer, initialScreen, type ScreenAction, type ScreenState } from './screen.js';

export interface Notice {
  text: string;
  tone: 'error' | 'info';
}

export interface Presence {
  /** The server sends watchlist events (the embedded one does; soketi and Reverb do not). */
  supported: boolean;
  online: readonly number[];
  /** When a partner was last seen going offline here (ISO 8601), newer than the API's last_seen_at. */
  lastSeen: Readonly<Record<number, string>>;
}

/** pusher-js connection states, plus `off` when the server has no real-time driver. */
export type ConnectionState = 'initialized' | 'connecting' | 'connected' | 'unavailable' | 'failed' | 'disconnected' | 'off';

export interface ChatState {
  connection: { state: ConnectionState; offReason: string | null };
  /** The terminal has the focus (focus reporting; assumed until it says otherwise). */
  terminalFocused: boolean;
  list: ListState;
  conversation: MessagesState | null;
  /** Unconfirmed sends of conversations that are not open, so switching away loses none. */
  stash: Readonly<Record<number, PendingMessage[]>>;
  typing: { name: string; until: number } | null;
  notice: Notice | null;
  presence: Presence;
  muted: readonly number[];
  /** The message pane's text area, as the screen last laid it out. */
  viewport: Layout['pane'];
  screen: ScreenState;
}

export type ChatAction =
  | { type: 'connection'; state: ConnectionState; offReason?: string | null }
  | { type: 'terminal-focus'; focused: boolean }
  | { type: 'list'; action: ListAction }
  | { type: 'open'; state: MessagesState }
  | { type: 'close' }
  | { type: 'conversation'; conversationId: number; action: MessagesAction }
  | { type: 'typing'; typing: ChatState['typing'] }
  | { type: 'notice'; notice: Notice | null }
  | { type: 'presence'; online?: number[]; offline?: number[]; supported?: boolean; reset?: boolean; at?: string }
  | { type: 'muted'; ids: number[] }
  | { type: 'viewport'; width: number; height: number }
  | { type: 'screen'; action: ScreenAction };

export function initialChat(list: ListState = emptyList, muted: number[] = []): ChatState {
  return {
    connection: { state: 'connecting', offReason: null },
    terminalFocused: true,
    list,
    conversation: null,
    stash: {},
    typing: null,
    notice: null,
    presence: { supported: false, online: [], lastSeen: {} },
    muted,
    viewport: { width: 60, height: 10 },
    screen: initialScreen,
  };
}

/** Send results for a conversation that is not open land in its stash. */
function stashed(pending: PendingMessage[], action: MessagesAction): PendingMessage[] {
  switch (action.type) {
    case 'sent':
      return pending.filter((p) => p.key !== action.key);
    case 'send-failed':
      return pending.map((p) => (p.key === action.key ? { ...p, status: 'failed' as const, error: action.error, retryable: action.retryable } : p));
    case 'progress':
      return pending.map((p) => (p.key === action.key && p.upload ? { ...p, upload: { ...p.upload, sent: action.sent } } : p));
    default:
      return pending;
  }
}

function withStash(state: ChatState): ChatState['stash'] {
  const open = state.conversation;
  return open ? { ...state.stash, [open.conversationId]: open.pending } : state.stash;
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case 'connection': {
      const offReason = action.offReason === undefined ? state.connection.offReason : action.offReason;
      if (action.state === state.connection.state && offReason === state.connection.offReason) return state;
      return { ...state, connection: { state: action.state, offReason } };
    }
    case 'terminal-focus':
      return state.terminalFocused === action.focused ? state : { ...state, terminalFocused: action.focused };
    case 'list': {
      const list = listReducer(state.list, action.action);
      return list === state.list ? state : { ...state, list };
    }
    case 'open': {
      const stash = withStash(state);
      const id = action.state.conversationId;
      const conversation = { ...action.state, pending: stash[id] ?? action.state.pending };
      return { ...state, stash, conversation, typing: null, list: listReducer(state.list, { type: 'open', id }) };
    }
    case 'close':
      return { ...state, stash: withStash(state), conversation: null, typing: null, list: listReducer(state.list, { type: 'open', id: null }) };
    case 'conversation': {
      const open = state.conversation;
      if (open && open.conversationId === action.conversationId) {
        const next = messagesReducer(open, action.action);
        return next === open ? state : { ...state, conversation: next };
      }
      const kept = state.stash[action.conversationId];
      if (!kept) return state;
      return { ...state, stash: { ...state.stash, [action.conversationId]: stashed(kept, action.action) } };
    }
    case 'typing':
      return { ...state, typing: action.typing };
    case 'notice':
      return { ...state, notice: action.notice };
    case 'presence': {
      const online = new Set(action.reset ? [] : state.presence.online);
      for (const id of action.online ?? []) online.add(id);
      const lastSeen = { ...state.presence.lastSeen };
      for (const id of action.offline ?? []) {
        online.delete(id);
        if (action.at) lastSeen[id] = action.at;
      }
      return { ...state, presence: { supported: action.supported ?? state.presence.supported, online: [...online], lastSeen } };
    }
    case 'muted':
      return { ...state, muted: action.ids };
    case 'viewport': {
      const { width, height } = action;
      if (width === state.viewport.width && height === state.viewport.height) return state;
      return { ...state, viewport: { width: Math.max(1, width), height: Math.max(1, height) } };
    }
    case 'screen': {
      const screen = screenReducer(state.screen, action.action);
      return screen === state.screen ? state : { ...state, screen };
    }
  }
}
