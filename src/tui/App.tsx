// The chat client's root: the login screen when there is no working token, then who I am, the
// real-time settings and the list (unless the caller already loaded them), then the chat screen.
// A 401 mid-session, Ctrl-L or /logout bring the login screen back. All data comes from src/client.
import { Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../client/api.js';
import { describeError } from './hooks/useChat.js';
import type { Session } from './hooks/useLogin.js';
import type { Connect } from './hooks/useRealtime.js';
import { useTerminalSize, type Size } from './hooks/useTerminalSize.js';
import { ChatScreen, type ChatScreenProps } from './screens/ChatScreen.js';
import { LoginScreen } from './screens/LoginScreen.js';
import { loadBootstrap, type ChatBootstrap } from './session.js';
import { endSession, SESSION_ENDED, TOKEN_REFUSED_AT_START } from './session-end.js';
import { SessionApi } from './session-api.js';
import { watchedConnect } from './session-watch.js';
import type { Banner } from './state/login-form.js';
import { ColorProvider, colorsWanted } from './theme.js';

export interface AppProps {
  /** The server to use, and the login screen's default. */
  server: string;
  /** Without one, the login screen comes first. */
  token?: string;
  /** Already loaded (chatctl chat loads it first, so an unreachable server is a plain error). */
  bootstrap?: ChatBootstrap;
  /** A line for the login screen when it comes first (e.g. the saved token was refused). */
  notice?: string;
  /** The login screen's e-mail, pre-filled. */
  email?: string;
  /** Where the profile lives (CHATCTL_CONFIG_DIR); default process.env. */
  profileEnv?: NodeJS.ProcessEnv;
  /** Default: on unless NO_COLOR is set. */
  colors?: boolean;
  /** Default: the terminal's, following resizes. */
  size?: Size;
  /** Default: pusher-js configured from the server's /api/chat/realtime. */
  connect?: Connect;
  /** Called when the user quits (before the app unmounts). */
  onQuit?: () => void;
  /** Notifications, muted conversations, downloads (see ChatScreenProps). */
  chat?: Pick<ChatScreenProps, 'notify' | 'muted' | 'onMutedChange' | 'rememberMuted' | 'downloadDir'>;
}

type Stage =
  | { kind: 'login'; server: string; email?: string; banner: Banner | null }
  | { kind: 'starting'; session: Pick<Session, 'server' | 'token'> }
  | { kind: 'chat'; session: Pick<Session, 'server' | 'token'>; bootstrap: ChatBootstrap }
  | { kind: 'broken'; server: string; message: string };

function firstStage(props: AppProps): Stage {
  if (!props.token) {
    return { kind: 'login', server: props.server, email: props.email, banner: props.notice ? { text: props.notice, tone: 'error' } : null };
  }
  const session = { server: props.server, token: props.token };
  return props.bootstrap ? { kind: 'chat', session, bootstrap: props.bootstrap } : { kind: 'starting', session };
}

export function App(props: AppProps) {
  const [stage, setStage] = useState<Stage>(() => firstStage(props));
  const stageRef = useRef(stage);
  stageRef.current = stage;
  const size = useTerminalSize(props.size);
  const { exit } = useApp();
  const env = props.profileEnv ?? process.env;

  const { onQuit } = props;
  const quit = useCallback(() => {
    onQuit?.();
    exit();
  }, [onQuit, exit]);

  /** Leaves the chat for the login screen; `revoke` also logs the token out on the server. */
  const leave = useCallback(
    (why: string, revoke: boolean) => {
      const current = stageRef.current;
      if (current.kind !== 'chat' && current.kind !== 'starting') return;
      const { server, token } = current.session;
      const email = current.kind === 'chat' ? current.bootstrap.me.email : undefined;
      const next: Stage = { kind: 'login', server, email, banner: { text: why, tone: revoke ? 'info' : 'error' } };
      stageRef.current = next;
      setStage(next);
      void endSession({ server, token, revoke, env }).then((outcome) => {
        if (stageRef.current === next && outcome) setStage({ ...next, banner: { text: outcome, tone: 'info' } });
      });
    },
    [env],
  );

  // One client per session; its 401 ends that session.
  const sessionServer = stage.kind === 'chat' || stage.kind === 'starting' ? stage.session.server : null;
  const sessionToken = stage.kind === 'chat' || stage.kind === 'starting' ? stage.session.token : null;
  const api = useMemo(
    () => (sessionServer && sessionToken ? new SessionApi(sessionServer, sessionToken, () => leave(SESSION_ENDED, false)) : null),
    [sessionServer, sessionToken, leave],
  );

  // A connection the server ends may mean the token was revoked: one /api/user tells.
  const connect = useMemo(() => watchedConnect(props.connect, () => void api?.me().catch(() => undefined)), [props.connect, api]);

  useEffect(() => {
    if (stage.kind !== 'starting' || !api) return;
    let live = true;
    const { session } = stage;
    loadBootstrap(api).then(
      (bootstrap) => live && setStage({ kind: 'chat', session, bootstrap }),
      (failure: unknown) => {
        if (!live) return;
        if (failure instanceof ApiError && failure.status === 401) setStage({ kind: 'login', server: session.server, banner: { text: TOKEN_REFUSED_AT_START, tone: 'error' } });
        else setStage({ kind: 'broken', server: session.server, message: describeError(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [stage, api]);

  // Ctrl-C in the screens without their own keys; Ctrl-L logs out of the chat.
  useInput(
    (input, key) => {
      if (!key.ctrl) return;
      if (stageRef.current.kind === 'chat') {
        if (input === 'l') leave(`Logged out of ${stageRef.current.session.server}.`, true);
        return;
      }
      if (input === 'c' || input === 'd') quit();
    },
    { isActive: stage.kind !== 'login' },
  );

  const colors = props.colors ?? colorsWanted();
  let screen;
  switch (stage.kind) {
    case 'login':
      screen = (
        <LoginScreen
          server={stage.server}
          email={stage.email}
          banner={stage.banner}
          profileEnv={env}
          columns={size.columns}
          rows={size.rows}
          onSession={(session) => setStage({ kind: 'starting', session: { server: session.server, token: session.token } })}
          onQuit={quit}
        />
      );
      break;
    case 'starting':
      screen = <Text>{`Connecting to ${stage.session.server}…`}</Text>;
      break;
    case 'broken':
      screen = <Text>{`Cannot start the chat: ${stage.message}. Ctrl-C quits.`}</Text>;
      break;
    case 'chat':
      screen = (
        <ChatScreen
          api={api as SessionApi}
          token={stage.session.token}
          bootstrap={stage.bootstrap}
          columns={size.columns}
          rows={size.rows}
          connect={connect}
          onQuit={props.onQuit}
          onLogout={() => leave(`Logged out of ${stage.session.server}.`, true)}
          {...props.chat}
        />
      );
      break;
  }
  return <ColorProvider enabled={colors}>{screen}</ColorProvider>;
}
