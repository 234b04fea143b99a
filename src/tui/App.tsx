// The chat client's root: loads who I am, the real-time settings and the list (unless the
// caller already did), then shows the chat screen. All data comes from src/client.
import { Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import { ChatApi } from '../client/api.js';
import { describeError } from './errors.js';
import type { Connect } from './hooks/useRealtime.js';
import { useTerminalSize, type Size } from './hooks/useTerminalSize.js';
import { ChatScreen, type ChatScreenProps } from './screens/ChatScreen.js';
import { loadBootstrap, type ChatBootstrap } from './session.js';
import { ColorProvider, colorsWanted } from './theme.js';

export interface AppProps {
  server: string;
  token: string;
  /** Already loaded (chatctl chat loads it first, so a refused token is a plain error). */
  bootstrap?: ChatBootstrap;
  /** Default: on unless NO_COLOR is set. */
  colors?: boolean;
  /** Default: the terminal's, following resizes. */
  size?: Size;
  /** Default: pusher-js configured from the server's /api/chat/realtime. */
  connect?: Connect;
  /** Called when the user quits (before the app unmounts). */
  onQuit?: () => void;
  /** Notifications, muted conversations, downloads (see ChatScreenProps). */
  chat?: Pick<ChatScreenProps, 'notify' | 'muted' | 'onMutedChange' | 'downloadDir'>;
}

export function App(props: AppProps) {
  const { server, token } = props;
  const api = useMemo(() => new ChatApi(server, token), [server, token]);
  const [bootstrap, setBootstrap] = useState<ChatBootstrap | null>(props.bootstrap ?? null);
  const [error, setError] = useState<string | null>(null);
  const size = useTerminalSize(props.size);
  const { exit } = useApp();

  useEffect(() => {
    if (bootstrap) return;
    let live = true;
    loadBootstrap(api).then(
      (loaded) => live && setBootstrap(loaded),
      (failure: unknown) => live && setError(describeError(failure)),
    );
    return () => {
      live = false;
    };
  }, [api, bootstrap]);

  useInput(
    (input, key) => {
      if (key.ctrl && (input === 'c' || input === 'd')) {
        props.onQuit?.();
        exit();
      }
    },
    { isActive: bootstrap === null },
  );

  const colors = props.colors ?? colorsWanted();
  return (
    <ColorProvider enabled={colors}>
      {bootstrap ? (
        <ChatScreen api={api} token={token} bootstrap={bootstrap} columns={size.columns} rows={size.rows} connect={props.connect} onQuit={props.onQuit} {...props.chat} />
      ) : (
        <Text>{error ? `Cannot start the chat: ${error}. Ctrl-C quits.` : `Connecting to ${server}…`}</Text>
      )}
    </ColorProvider>
  );
}
