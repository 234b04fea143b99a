// Telling the user about a message they are not looking at: the terminal bell, or a desktop
// notification through the terminal (OSC 9 / OSC 777) or notify-send. The text is the sender's
// and a preview, made safe first: it goes inside an escape sequence.
import { spawn, spawnSync } from 'node:child_process';
import type { ConversationRow } from '../client/decode.js';
import type { ChatState } from './state/chat.js';
import { oneLine, truncate } from './state/text.js';

import { NOTIFY_MODES, type NotifyMode } from '../client/chat-settings.js';

export { NOTIFY_MODES, type NotifyMode };

export const BELL = '\u0007';

export interface Notification {
  title: string;
  body: string;
}

/** Whether a list update is news worth a notification: someone else's new message, not muted, not in front of me. */
export function isNews(state: Pick<ChatState, 'list' | 'muted' | 'terminalFocused'>, row: ConversationRow, meId: number): boolean {
  const latest = row.latest;
  if (!latest || latest.senderId === meId || state.muted.includes(row.id)) return false;
  const previous = state.list.rows.find((r) => r.id === row.id)?.latest?.id ?? 0;
  if (latest.id <= previous) return false;
  return row.id !== state.list.openId || !state.terminalFocused;
}

export function notificationFor(row: ConversationRow): Notification {
  const preview = row.latest ? (row.latest.type === 'text' ? row.latest.text : `[${row.latest.type}]`) : '';
  return { title: `chatctl: ${oneLine(row.other.name)}`, body: preview };
}

/** Text fit for an escape sequence's argument: one line, no control characters, no `;`. */
function field(text: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  return truncate(oneLine(text).replace(/[\u0000-\u001f\u007f-\u009f;]/g, ' '), width);
}

/** Terminals known to show OSC 9 as a notification (the rest get OSC 777, as foot, Ghostty and urxvt read it). */
function speaksOsc9(env: NodeJS.ProcessEnv): boolean {
  return ['iTerm.app', 'WezTerm', 'vscode'].includes(env.TERM_PROGRAM ?? '') || env.TERM === 'xterm-kitty' || !!env.WT_SESSION || !!env.KITTY_WINDOW_ID;
}

/** tmux passes an escape sequence on to the outer terminal only inside its passthrough envelope. */
function throughTmux(sequence: string, env: NodeJS.ProcessEnv): string {
  // eslint-disable-next-line no-control-regex
  return env.TMUX ? `\u001bPtmux;${sequence.replace(/\u001b/g, '\u001b\u001b')}\u001b\\` : sequence;
}

export function desktopSequence(n: Notification, env: NodeJS.ProcessEnv = process.env): string {
  const title = field(n.title, 80);
  const body = field(n.body, 200);
  const sequence = speaksOsc9(env) ? `\u001b]9;${title}: ${body}\u0007` : `\u001b]777;notify;${title};${body}\u0007`;
  return throughTmux(sequence, env);
}

let notifySend: boolean | undefined;
function hasNotifySend(env: NodeJS.ProcessEnv): boolean {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
  notifySend ??= !spawnSync('notify-send', ['--version'], { stdio: 'ignore' }).error;
  return notifySend;
}

/** A function that notifies the way `mode` says; `write` goes to the terminal. */
export function createNotifier(mode: NotifyMode, write: (data: string) => void, env: NodeJS.ProcessEnv = process.env): (n: Notification) => void {
  if (mode === 'off') return () => undefined;
  if (mode === 'bell') return () => write(BELL);
  return (n) => {
    if (!speaksOsc9(env) && hasNotifySend(env)) {
      const child = spawn('notify-send', ['--app-name=chatctl', field(n.title, 80), field(n.body, 200)], { stdio: 'ignore', detached: true });
      child.on('error', () => write(BELL));
      child.unref();
      return;
    }
    write(desktopSequence(n, env));
  };
}
