// The chat screen: conversation list | open conversation + compose, and the status bar. Owns the
// focus (list, compose, new-chat picker) and turns keys into the controller's actions.
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatApi } from '../../client/api.js';
import { ComposeBox, composeHeight } from '../components/ComposeBox.js';
import { ConversationList } from '../components/ConversationList.js';
import { MessagePane, PANE_CHROME_COLUMNS, PANE_CHROME_ROWS } from '../components/MessagePane.js';
import { StatusBar } from '../components/StatusBar.js';
import { describeError, useChat } from '../hooks/useChat.js';
import type { Connect } from '../hooks/useRealtime.js';
import { useUserSearch } from '../hooks/useUserSearch.js';
import type { ChatBootstrap } from '../session.js';
import { backspace, clearLine, deleteWord, insert } from '../state/compose.js';
import { commandsFor, type Command } from '../state/keys.js';
import { NewChatScreen } from './NewChatScreen.js';

export type Focus = 'list' | 'compose' | 'new';

/** Below this many columns only one pane is shown at a time. */
const NARROW = 70;

const HINTS: Record<Focus, string> = {
  list: '↑↓ select · Enter open · Tab write · PgUp/PgDn scroll · ^N new chat · ^L log out · ^C quit',
  compose: 'Enter send · Alt-Enter/^J new line · PgUp/PgDn scroll · End latest · Tab list · ^C quit',
  new: 'type a name · ↑↓ choose · Enter start · Esc cancel',
};

export function ChatScreen(props: {
  api: ChatApi;
  token: string;
  bootstrap: ChatBootstrap;
  columns: number;
  rows: number;
  connect?: Connect;
  onQuit?: () => void;
  /** `/logout` typed as a message (Ctrl-L is handled by the App). */
  onLogout?: () => void;
}) {
  const { api, token, bootstrap, columns, rows } = props;
  const { exit } = useApp();
  const [focus, setFocus] = useState<Focus>('list');
  const [text, setText] = useState('');
  const textRef = useRef(text);
  const pasting = useRef(false);
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState(0);
  const [starting, setStarting] = useState(false);

  // Layout: everything is sized here, so the panes lay out only what fits.
  const height = Math.max(6, rows - 1); // one row spare: a full screen makes Ink clear it on every frame
  const mainHeight = height - 1;
  const narrow = columns < NARROW;
  const listWidth = narrow ? columns : Math.min(36, Math.max(24, Math.floor(columns * 0.3)));
  const rightWidth = narrow ? columns : columns - listWidth;
  const composeRows = composeHeight(text, rightWidth);
  const paneHeight = mainHeight - composeRows;
  const pane = { width: Math.max(1, rightWidth - PANE_CHROME_COLUMNS), height: Math.max(1, paneHeight - PANE_CHROME_ROWS) };

  const chat = useChat({ api, token, bootstrap, pane, connect: props.connect });
  // "5m ago" in the list moves on even when nothing else happens.
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const search = useUserSearch(chat.searchUsers, query, focus === 'new');
  const pickedRef = useRef(picked);
  const pick = (index: number) => {
    pickedRef.current = index;
    setPicked(index);
  };
  useEffect(() => pick(0), [search.results]);

  const focusRef = useRef(focus);
  const changeFocus = (next: Focus) => {
    focusRef.current = next;
    setFocus(next);
  };

  const setComposed = (next: string) => {
    textRef.current = next;
    setText(next);
  };

  const quit = () => {
    props.onQuit?.();
    exit();
  };

  const startPicked = () => {
    const user = search.results[pickedRef.current];
    if (!user || starting) return;
    setStarting(true);
    chat.startWith(user).then(
      () => {
        setStarting(false);
        changeFocus(chat.openId() !== null ? 'compose' : 'list');
      },
      (error: unknown) => {
        setStarting(false);
        chat.say(`could not start the conversation: ${describeError(error)}`);
      },
    );
  };

  const scrollKeys = (command: Command): boolean => {
    switch (command.type) {
      case 'page-up':
        chat.page(1);
        return true;
      case 'page-down':
        chat.page(-1);
        return true;
      case 'bottom':
        chat.bottom();
        return true;
      case 'retry':
        if (!chat.retry()) chat.say('nothing to retry', 'info');
        return true;
      default:
        return false;
    }
  };

  const edit = (command: Command): boolean => {
    const current = textRef.current;
    switch (command.type) {
      case 'insert':
        // `r` on an empty line retries a failed send (as its line says).
        if (command.text === 'r' && current === '' && !pasting.current && chat.hasRetryable()) {
          chat.retry();
          return true;
        }
        setComposed(insert(current, command.text));
        chat.typed();
        return true;
      case 'newline':
        setComposed(insert(current, '\n'));
        chat.typed();
        return true;
      case 'backspace':
        setComposed(backspace(current));
        return true;
      case 'delete-word':
        setComposed(deleteWord(current));
        return true;
      case 'clear-line':
        setComposed(clearLine(current));
        return true;
      default:
        return false;
    }
  };

  const handle = (command: Command, focusNow: Focus): Focus => {
    if (command.type === 'quit') {
      quit();
      return focusNow;
    }
    if (command.type === 'paste-start') {
      pasting.current = true;
      return focusNow === 'list' && chat.openId() !== null ? 'compose' : focusNow;
    }
    if (command.type === 'paste-end') {
      pasting.current = false;
      return focusNow;
    }
    if (command.type === 'new-chat') {
      setQuery('');
      return 'new';
    }
    if (focusNow === 'new') {
      switch (command.type) {
        case 'insert':
          setQuery((q) => q + command.text.replace(/\s+/g, ' '));
          break;
        case 'backspace':
          setQuery((q) => backspace(q));
          break;
        case 'delete-word':
        case 'clear-line':
          setQuery('');
          break;
        case 'up':
          pick(Math.max(0, pickedRef.current - 1));
          break;
        case 'down':
          pick(Math.min(Math.max(0, search.results.length - 1), pickedRef.current + 1));
          break;
        case 'enter':
          startPicked();
          break;
        case 'escape':
          return chat.openId() !== null ? 'compose' : 'list';
        default:
          break;
      }
      return 'new';
    }
    if (scrollKeys(command)) return focusNow;
    if (focusNow === 'list') {
      switch (command.type) {
        case 'up':
          chat.select(-1);
          return 'list';
        case 'down':
          chat.select(1);
          return 'list';
        case 'enter': {
          const id = chat.selectedId();
          if (id === null) return 'list';
          if (id !== chat.openId()) chat.open(id);
          return 'compose';
        }
        case 'tab':
          return chat.openId() !== null ? 'compose' : 'list';
        case 'escape':
          if (chat.openId() !== null) chat.close();
          return 'list';
        case 'insert':
        case 'newline':
          // Typing while the list has the focus writes into the open conversation.
          if (chat.openId() === null) return 'list';
          edit(command);
          return 'compose';
        default:
          return 'list';
      }
    }
    // compose
    switch (command.type) {
      case 'enter':
        if (textRef.current.trim() === '/logout' && props.onLogout) {
          props.onLogout();
          return 'compose';
        }
        if (textRef.current.trim() !== '' && chat.send(textRef.current)) setComposed('');
        return 'compose';
      case 'up':
        chat.scroll(1);
        return 'compose';
      case 'down':
        chat.scroll(-1);
        return 'compose';
      case 'tab':
      case 'escape':
        return 'list';
      default:
        edit(command);
        return 'compose';
    }
  };

  const onInput = (input: string, key: Key) => {
    let next = focusRef.current;
    for (const command of commandsFor(input, key, pasting.current)) next = handle(command, next);
    if (next === 'compose' && chat.openId() === null) next = 'list';
    changeFocus(next);
  };
  // One subscription for the screen's life, always calling this render's handler.
  const inputRef = useRef(onInput);
  inputRef.current = onInput;
  useInput(useCallback((input: string, key: Key) => inputRef.current(input, key), []));

  if (columns < 30 || rows < 10) {
    return <Text>The terminal is too small for chatctl chat (at least 30×10). Ctrl-C quits.</Text>;
  }

  const showList = !narrow || focus === 'list' || (!chat.conversation && focus !== 'new');
  const showRight = !narrow || !showList;
  const failed = chat.hasRetryable() ? 'r retry · ' : '';
  const placeholder = chat.conversation ? 'Write a message…' : '';
  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Box flexDirection="row" height={mainHeight}>
        {showList ? (
          <ConversationList list={chat.list} meId={chat.me.id} width={listWidth} height={mainHeight} focused={focus === 'list'} now={now} />
        ) : null}
        {showRight ? (
          focus === 'new' ? (
            <NewChatScreen query={query} search={search} selected={picked} starting={starting} width={rightWidth} height={mainHeight} server={api.baseUrl} />
          ) : (
            <Box flexDirection="column" width={rightWidth}>
              <MessagePane
                conversation={chat.conversation}
                view={chat.view}
                typing={chat.typing}
                width={rightWidth}
                height={chat.conversation ? paneHeight : mainHeight}
                focused={focus === 'compose'}
              />
              {chat.conversation ? <ComposeBox text={text} width={rightWidth} focused={focus === 'compose'} placeholder={placeholder} /> : null}
            </Box>
          )
        ) : null}
      </Box>
      <StatusBar connection={chat.connection} user={chat.me.name} hints={failed + HINTS[focus]} notice={chat.notice} width={columns} />
    </Box>
  );
}
