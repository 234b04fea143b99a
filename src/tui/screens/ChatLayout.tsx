// The chat screen's layout: conversation list | open conversation + compose, and the status bar. Lays the
// terminal out, hands keys to the command handler (input.ts) and runs $EDITOR when asked.
import { Box, Text, useApp, useInput, useStdin, useStdout, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ComposeBox } from '../components/ComposeBox.js';
import { ConversationList } from '../components/ConversationList.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { MessagePane } from '../components/MessagePane.js';
import { StatusBar } from '../components/StatusBar.js';
import { useUIActions, useUIState } from '../context.js';
import { editInEditor } from '../editor.js';
import { createCommandHandler } from '../input.js';
import { useUserSearch, type UserSearch } from '../hooks/useUserSearch.js';
import { commandsFor } from '../state/keys.js';
import { layoutWindow } from '../state/layout.js';
import { layoutScreen, type Focus } from '../state/screen.js';
import { oneLine } from '../state/text.js';
import { lastSeenText } from '../state/time.js';
import { NewChatScreen } from './NewChatScreen.js';

export type { Focus };

const HINTS: Record<Focus, string> = {
  list: '↑↓ select · Enter open · Tab write · u unread · m mute · ^N new chat · ? help · ^L log out · ^C quit',
  compose: 'Enter send · Alt-Enter/^J new line · ^O file · ^E editor · PgUp/PgDn scroll · Tab list · F1 help',
  new: 'type a name · ↑↓ choose · Enter start · Esc cancel',
};

export function ChatLayout(props: { columns: number; rows: number; onQuit?: () => void; onLogout?: () => void }) {
  const { columns, rows } = props;
  const state = useUIState();
  const actions = useUIActions();
  const { exit } = useApp();
  const { write } = useStdout();
  const { stdin, setRawMode } = useStdin();
  const { screen, conversation } = state;
  const { focus } = screen;

  const layout = layoutScreen(columns, rows, screen.text);
  const { pane } = layout;
  useEffect(() => actions.dispatch({ type: 'viewport', width: pane.width, height: pane.height }), [actions, pane.width, pane.height]);
  const view = useMemo(() => (conversation ? layoutWindow(conversation, pane) : null), [conversation, pane.width, pane.height]); // eslint-disable-line react-hooks/exhaustive-deps
  // Reaching the top of what is loaded fetches the page before it.
  const wantsOlder = !!view?.atTop && !!conversation?.hasOlder && !conversation.loadingOlder && !conversation.olderError;
  useEffect(() => {
    if (wantsOlder) actions.loadOlder();
  }, [wantsOlder, actions]);

  // "5m ago" in the list moves on even when nothing else happens.
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const onSearch = useCallback((search: UserSearch) => actions.dispatch({ type: 'screen', action: { type: 'search', search } }), [actions]);
  useUserSearch(actions.searchUsers, screen.query, focus === 'new', onSearch);

  const editor = useCallback(() => {
    // The editor gets the terminal as it is outside the chat: cooked mode, then back to raw.
    setRawMode(false);
    const edited = editInEditor(actions.store.getState().screen.text);
    setRawMode(true);
    stdin.resume();
    write('\u001b[2J\u001b[H'); // clears what the editor left; Ink redraws the whole frame after it
    if (edited instanceof Error) actions.say(edited.message);
    else actions.dispatch({ type: 'screen', action: { type: 'text', text: edited } });
  }, [actions, setRawMode, stdin, write]);

  const handler = useMemo(
    () =>
      createCommandHandler({
        actions,
        results: () => actions.store.getState().screen.search.results,
        quit: () => {
          props.onQuit?.();
          exit();
        },
        editor,
        logout: props.onLogout,
      }),
    [actions, exit, editor, props.onQuit, props.onLogout], // eslint-disable-line react-hooks/exhaustive-deps
  );
  useInput(
    useCallback(
      (input: string, key: Key) => {
        for (const command of commandsFor(input, key, actions.store.getState().screen.pasting)) handler(command);
      },
      [handler, actions],
    ),
  );

  if (columns < 30 || rows < 10) {
    return <Text>The terminal is too small for chatctl chat (at least 30×10). Ctrl-C quits.</Text>;
  }

  const { narrow, listWidth, rightWidth, mainHeight, paneHeight, height } = layout;
  const showList = !narrow || focus === 'list' || (!conversation && focus !== 'new');
  const showRight = !narrow || !showList;
  const failed = actions.hasRetryable() ? 'r retry · ' : '';
  const selected = conversation?.selectedId != null ? 's save · o open · Esc unselect · ' : '';
  const row = conversation ? state.list.rows.find((r) => r.id === conversation.conversationId) : undefined;
  const online = state.presence.supported ? state.presence.online : null;
  let presence = '';
  if (row && online) {
    presence = online.includes(row.other.id) ? 'online' : lastSeenText(state.presence.lastSeen[row.other.id] ?? row.other.lastSeenAt, now);
  }
  const typing = state.typing ? `${oneLine(state.typing.name)} is typing…` : null;
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Box flexDirection="row" height={mainHeight}>
        {screen.help ? (
          <HelpOverlay width={columns} height={mainHeight} />
        ) : (
          <>
            {showList ? (
              <ConversationList list={state.list} meId={state.me.id} width={listWidth} height={mainHeight} focused={focus === 'list'} now={now} online={online} muted={state.muted} />
            ) : null}
            {showRight ? (
              focus === 'new' ? (
                <NewChatScreen query={screen.query} search={screen.search} selected={screen.picked} starting={screen.starting} width={rightWidth} height={mainHeight} server={actions.server} />
              ) : (
                <Box flexDirection="column" width={rightWidth}>
                  <MessagePane conversation={conversation} view={view} typing={typing} presence={presence} width={rightWidth} height={conversation ? paneHeight : mainHeight} focused={focus === 'compose'} />
                  {conversation ? <ComposeBox text={screen.text} width={rightWidth} focused={focus === 'compose'} placeholder="Write a message…" /> : null}
                </Box>
              )
            ) : null}
          </>
        )}
      </Box>
      <StatusBar connection={state.connection.state} user={state.me.name} hints={failed + selected + HINTS[focus]} notice={state.notice} width={columns} />
    </Box>
  );
}
