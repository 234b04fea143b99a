// The chat screen's own state (focus, the text being written, the new-chat picker, the help
// overlay) as a pure reducer, and its layout: how the terminal is split between the panes.
import type { PublicUser } from '../../client/api.js';
import { backspace, clearLine, composeLines, deleteWord, insert } from './compose.js';

export type Focus = 'list' | 'compose' | 'new';

/** The new-chat picker's search: its results, or that it is under way or failed. */
export interface UserSearch {
  results: PublicUser[];
  loading: boolean;
  error: string | null;
}

export interface ScreenState {
  focus: Focus;
  /** The compose box. */
  text: string;
  /** Between the bracketed-paste markers: everything, Enter included, is text. */
  pasting: boolean;
  /** The new-chat picker: what is typed, and which result is highlighted. */
  query: string;
  picked: number;
  search: UserSearch;
  starting: boolean;
  help: boolean;
}

export const initialScreen: ScreenState = { focus: 'list', text: '', pasting: false, query: '', picked: 0, search: { results: [], loading: false, error: null }, starting: false, help: false };

export type ScreenAction =
  | { type: 'focus'; focus: Focus }
  | { type: 'text'; text: string }
  | { type: 'insert'; text: string }
  | { type: 'edit'; edit: 'backspace' | 'delete-word' | 'clear-line' }
  | { type: 'pasting'; pasting: boolean }
  | { type: 'query'; query: string }
  | { type: 'pick'; picked: number }
  | { type: 'search'; search: UserSearch }
  | { type: 'starting'; starting: boolean }
  | { type: 'help'; help: boolean };

const EDITS = { backspace, 'delete-word': deleteWord, 'clear-line': clearLine } as const;

export function screenReducer(state: ScreenState, action: ScreenAction): ScreenState {
  switch (action.type) {
    case 'focus':
      return state.focus === action.focus ? state : { ...state, focus: action.focus };
    case 'text':
      return { ...state, text: action.text };
    case 'insert':
      return { ...state, text: insert(state.text, action.text) };
    case 'edit':
      return { ...state, text: EDITS[action.edit](state.text) };
    case 'pasting':
      return { ...state, pasting: action.pasting };
    case 'query':
      return { ...state, query: action.query, picked: 0 };
    case 'pick':
      return { ...state, picked: Math.max(0, action.picked) };
    case 'search': {
      const same = action.search.results === state.search.results;
      return { ...state, search: action.search, picked: same ? state.picked : 0 };
    }
    case 'starting':
      return { ...state, starting: action.starting };
    case 'help':
      return { ...state, help: action.help };
  }
}

/** Below this many columns only one pane is shown at a time. */
export const NARROW = 70;
/** Most lines of the message shown while writing (the rest scrolls out at the top). */
export const COMPOSE_MAX_LINES = 5;
export const PROMPT = '› ';
/** Rows the message pane uses around the message lines: borders, title, info line. */
export const PANE_CHROME_ROWS = 4;
/** Columns the message pane uses around the message lines: borders and padding. */
export const PANE_CHROME_COLUMNS = 4;

/** Columns for the compose text (borders, padding and the prompt around it). */
export function composeWidth(width: number): number {
  return Math.max(2, width - 4 - PROMPT.length);
}

/** The compose box's height for a text: its lines plus the border. */
export function composeHeight(text: string, width: number): number {
  return Math.min(COMPOSE_MAX_LINES, composeLines(text, composeWidth(width) - 1, COMPOSE_MAX_LINES).lines.length) + 2;
}

export interface Layout {
  height: number;
  mainHeight: number;
  narrow: boolean;
  listWidth: number;
  rightWidth: number;
  paneHeight: number;
  /** The message pane's text area. */
  pane: { width: number; height: number };
}

export function layoutScreen(columns: number, rows: number, text: string): Layout {
  const height = Math.max(6, rows - 1); // one row spare: a full screen makes Ink clear it on every frame
  const mainHeight = height - 1;
  const narrow = columns < NARROW;
  const listWidth = narrow ? columns : Math.min(36, Math.max(24, Math.floor(columns * 0.3)));
  const rightWidth = narrow ? columns : columns - listWidth;
  const paneHeight = mainHeight - composeHeight(text, rightWidth);
  const pane = { width: Math.max(1, rightWidth - PANE_CHROME_COLUMNS), height: Math.max(1, paneHeight - PANE_CHROME_ROWS) };
  return { height, mainHeight, narrow, listWidth, rightWidth, paneHeight, pane };
}
