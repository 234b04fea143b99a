// The chat screen: the controller (useChat) provides the UI state and the UI actions to the
// layout below it.
import { useStdout } from 'ink';
import type { ChatApi } from '../../client/api.js';
import { UIProvider } from '../context.js';
import { useChat } from '../hooks/useChat.js';
import type { Connect } from '../hooks/useRealtime.js';
import type { NotifyMode } from '../notify.js';
import type { ChatBootstrap } from '../session.js';
import { ChatLayout } from './ChatLayout.js';

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
  /** Where `s` saves attachments (default: the current folder). */
  downloadDir?: string;
}

export function ChatScreen(props: ChatScreenProps) {
  const { write } = useStdout();
  const { state, actions } = useChat({
    api: props.api,
    token: props.token,
    bootstrap: props.bootstrap,
    connect: props.connect,
    notify: props.notify,
    write,
    muted: props.muted,
    onMutedChange: props.onMutedChange,
    downloadDir: props.downloadDir,
  });
  return (
    <UIProvider state={{ ...state, me: props.bootstrap.me }} actions={actions}>
      <ChatLayout columns={props.columns} rows={props.rows} onQuit={props.onQuit} />
    </UIProvider>
  );
}
