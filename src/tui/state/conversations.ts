// The conversation list: rows from GET /api/chat/conversations and the live rows of
// conversation.created / conversation.updated (decoded in src/client/decode.ts), newest activity
// first. A pure reducer.
import type { ChatMessage, ConversationRow, LatestMessage } from '../../client/decode.js';

export type { ConversationRow, LatestMessage };

export interface ListState {
  rows: ConversationRow[];
  /** The highlighted row's conversation id (stays on the same conversation when rows move). */
  selectedId: number | null;
  /** The conversation open on the right: its unread count stays 0 while it is open. */
  openId: number | null;
}

export type ListAction =
  | { type: 'loaded'; rows: ConversationRow[] }
  | { type: 'upsert'; row: ConversationRow }
  | { type: 'move'; delta: number }
  | { type: 'select'; id: number }
  | { type: 'open'; id: number | null }
  /** A message seen in the open conversation (sent or received): the row's preview follows it. */
  | { type: 'message'; message: ChatMessage };

export const emptyList: ListState = { rows: [], selectedId: null, openId: null };

const activity = (row: ConversationRow) => Date.parse(row.latest?.at ?? row.updatedAt) || 0;

function sorted(rows: ConversationRow[]): ConversationRow[] {
  return [...rows].sort((a, b) => activity(b) - activity(a) || (b.latest?.id ?? 0) - (a.latest?.id ?? 0) || b.id - a.id);
}

function withOpen(rows: ConversationRow[], openId: number | null): ConversationRow[] {
  return openId === null ? rows : rows.map((row) => (row.id === openId && row.unread !== 0 ? { ...row, unread: 0 } : row));
}

function keepSelection(state: ListState, rows: ConversationRow[]): number | null {
  if (state.selectedId !== null && rows.some((r) => r.id === state.selectedId)) return state.selectedId;
  return rows[0]?.id ?? null;
}

export function listReducer(state: ListState, action: ListAction): ListState {
  switch (action.type) {
    case 'loaded': {
      const rows = withOpen(sorted(action.rows), state.openId);
      return { ...state, rows, selectedId: keepSelection(state, rows) };
    }
    case 'upsert': {
      const current = state.rows.find((r) => r.id === action.row.id);
      // An update about an older message than the one shown arrived late: keep the newer row.
      if (current?.latest && action.row.latest && action.row.latest.id < current.latest.id) return state;
      let row = current && current.latest && !action.row.latest ? { ...action.row, latest: current.latest } : action.row;
      // Events carry no last_seen_at: keep the one the list had.
      if (current && row.other.lastSeenAt === undefined && current.other.lastSeenAt !== undefined) row = { ...row, other: { ...row.other, lastSeenAt: current.other.lastSeenAt } };
      const rows = withOpen(sorted([...state.rows.filter((r) => r.id !== row.id), row]), state.openId);
      return { ...state, rows, selectedId: keepSelection(state, rows) };
    }
    case 'message': {
      const { message } = action;
      const current = state.rows.find((r) => r.id === message.conversationId);
      if (!current || (current.latest && current.latest.id >= message.id)) return state;
      const latest: LatestMessage = { id: message.id, senderId: message.senderId, text: message.body, type: message.type, at: message.createdAt };
      const rows = withOpen(sorted(state.rows.map((r) => (r.id === current.id ? { ...r, latest, updatedAt: message.createdAt } : r))), state.openId);
      return { ...state, rows };
    }
    case 'move': {
      if (state.rows.length === 0) return state;
      const index = Math.max(0, state.rows.findIndex((r) => r.id === state.selectedId));
      const next = Math.min(state.rows.length - 1, Math.max(0, index + action.delta));
      return { ...state, selectedId: state.rows[next]?.id ?? null };
    }
    case 'select':
      return state.rows.some((r) => r.id === action.id) ? { ...state, selectedId: action.id } : state;
    case 'open':
      return { ...state, openId: action.id, selectedId: action.id ?? state.selectedId, rows: withOpen(state.rows, action.id) };
  }
}

/** A window of rows around the selection, `count` rows tall. */
export function visibleRows(state: ListState, count: number): { rows: ConversationRow[]; first: number } {
  const n = Math.max(1, count);
  const index = Math.max(0, state.rows.findIndex((r) => r.id === state.selectedId));
  const first = Math.max(0, Math.min(index - Math.floor(n / 2), state.rows.length - n));
  return { rows: state.rows.slice(first, first + n), first };
}
