// The chat screen: the controller (useChat) provides the UI state and the UI actions to the
// layout below it.
import { useStdout } from 'ink';
import { useState } from 'react';
import { accountKey, readChatSettings, saveMuted } from '../../client/chat-settings.js';
import type { ChatApi } from '../../client/api.js';
import { UIProvider } from '../context.js';
import { useChat } from '../hooks/useChat.js';
import type { Connect } from '../hooks/useRealtime.js';
import type { NotifyMode } from '../notify.js';
import type { ChatBootstrap } from '../session.js';
import { ChatLayout } from './ChatLayout.js';

/** The muted conversations kept in the profile for this server and user (null: not kept). */
function useSavedMutes(server: string | null, userId: number) {
  const [saved] = useState(() => {
    if (server === null) return null;
    try {
      return { muted: readChatSettings().muted[accountKey(server, userId)] ?? [], onMutedChange: (ids: number[]) => saveMuted(server, userId, ids) };
    } catch {
      return null; // an unreadable profile: mutes last for this run only
    }
  });
  return saved;
}

export interface ChatScreenProps {
  api: ChatApi;
  token: string;
  bootstrap: ChatBootstrap;
  columns: number;
  rows: number;
  connect?: Connect;
  onQuit?: () => void;
  /** bell (default), desktop or off */
  notify?: NotifyMode;
  /** Muted conversations, and where changes to them go (the profile). */
  muted?: number[];
  onMutedChange?: (ids: number[]) => void;
  /** Keep muted conversations in the profile (per server and user) instead of `muted`/`onMutedChange`. */
  rememberMuted?: boolean;
  /** Where `s` saves attachments (default: the current folder). */
  downloadDir?: string;
  /** `/logout` typed as a message (Ctrl-L is handled by the App). */
  onLogout?: () => void;
}

export function ChatScreen(props: ChatScreenProps) {
  const { write } = useStdout();
  const saved = useSavedMutes(props.rememberMuted ? props.api.baseUrl : null, props.bootstrap.me.id);
  const { state, actions } = useChat({
    api: props.api,
    token: props.token,
    bootstrap: props.bootstrap,
    connect: props.connect,
    notify: props.notify,
    write,
    muted: saved?.muted ?? props.muted,
    onMutedChange: saved?.onMutedChange ?? props.onMutedChange,
    downloadDir: props.downloadDir,
  });
  return (
    <UIProvider state={{ ...state, me: props.bootstrap.me }} actions={actions}>
      <ChatLayout columns={props.columns} rows={props.rows} onQuit={props.onQuit} onLogout={props.onLogout} />
    </UIProvider>
  );
}
