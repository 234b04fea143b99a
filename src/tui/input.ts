// What each command does on the chat screen, by focus. It reads the state from the store at
// every command (a chunk of keys sees the result of the keys before it) and calls the actions.
import type { PublicUser } from '../client/api.js';
import { completePath, expandPath, FILE_COMMAND } from './complete.js';
import type { ChatActions } from './hooks/useChat.js';
import type { Command } from './state/keys.js';
import type { Focus, ScreenAction } from './state/screen.js';

export interface InputDeps {
  actions: ChatActions;
  /** The new-chat picker's current results. */
  results(): PublicUser[];
  quit(): void;
  /** Runs $EDITOR on the compose text (the terminal is handed over meanwhile). */
  editor(): void;
  /** `/logout` typed as a message. */
  logout?: () => void;
}

export function createCommandHandler(deps: InputDeps): (command: Command) => void {
  const { actions } = deps;
  const screen = () => actions.store.getState().screen;
  const set = (action: ScreenAction) => actions.dispatch({ type: 'screen', action });
  const focus = (next: Focus) => set({ type: 'focus', focus: next });
  const isOpen = () => actions.store.getState().conversation !== null;
  const hasSelection = () => (actions.store.getState().conversation?.selectedId ?? null) !== null;

  const startPicked = () => {
    const user = deps.results()[screen().picked];
    if (!user || screen().starting) return;
    set({ type: 'starting', starting: true });
    actions.startWith(user).then(
      () => {
        set({ type: 'starting', starting: false });
        focus(isOpen() ? 'compose' : 'list');
      },
      (error: unknown) => {
        set({ type: 'starting', starting: false });
        actions.say(`could not start the conversation: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  };

  /** Enter in the compose box: `/file PATH` sends a file, anything else is a message. */
  const submit = () => {
    const text = screen().text;
    if (text.trim() === '/logout' && deps.logout) return deps.logout();
    const file = FILE_COMMAND.exec(text.trim());
    if (file) {
      void actions.sendFile(expandPath(file[1]!.trim())).then((queued) => queued && set({ type: 'text', text: '' }));
      return;
    }
    if (text.trim() !== '' && actions.send(text)) set({ type: 'text', text: '' });
  };

  /** Letters on an empty compose line that act instead of being written. */
  const shortcut = (text: string): boolean => {
    if (screen().text !== '' || screen().pasting) return false;
    if (text === 'r' && actions.hasRetryable()) return actions.retry();
    if ((text === 's' || text === 'o') && hasSelection()) {
      if (text === 's') actions.saveAttachment();
      else actions.openAttachment();
      return true;
    }
    return false;
  };

  const edit = (command: Command): boolean => {
    switch (command.type) {
      case 'insert':
        if (shortcut(command.text)) return true;
        set({ type: 'insert', text: command.text });
        actions.typed();
        return true;
      case 'newline':
        set({ type: 'insert', text: '\n' });
        actions.typed();
        return true;
      case 'backspace':
        set({ type: 'edit', edit: 'backspace' });
        return true;
      case 'delete-word':
        set({ type: 'edit', edit: 'delete-word' });
        return true;
      case 'clear-line':
        set({ type: 'edit', edit: 'clear-line' });
        return true;
      default:
        return false;
    }
  };

  const picker = (command: Command) => {
    const { query, picked } = screen();
    switch (command.type) {
      case 'insert':
        return set({ type: 'query', query: query + command.text.replace(/\s+/g, ' ') });
      case 'backspace':
        return set({ type: 'query', query: [...query].slice(0, -1).join('') });
      case 'delete-word':
      case 'clear-line':
        return set({ type: 'query', query: '' });
      case 'up':
        return set({ type: 'pick', picked: picked - 1 });
      case 'down':
        return set({ type: 'pick', picked: Math.min(Math.max(0, deps.results().length - 1), picked + 1) });
      case 'enter':
        return startPicked();
      case 'escape':
        return focus(isOpen() ? 'compose' : 'list');
      default:
        return;
    }
  };

  /** Keys that do the same wherever the focus is; true when handled. */
  const global = (command: Command): boolean => {
    switch (command.type) {
      case 'page-up':
        actions.page(1);
        return true;
      case 'page-down':
        actions.page(-1);
        return true;
      case 'bottom':
        actions.bottom();
        return true;
      case 'retry':
        if (!actions.retry()) actions.say('nothing to retry', 'info');
        return true;
      case 'jump-unread':
        if (actions.jumpToUnread()) focus('compose');
        return true;
      case 'select-message':
        actions.selectMessage(command.delta);
        return true;
      case 'editor':
        if (isOpen()) {
          focus('compose');
          deps.editor();
        }
        return true;
      case 'attach':
        if (isOpen()) {
          focus('compose');
          // Never over a draft: the file goes as its own message.
          if (screen().text.trim() === '') set({ type: 'text', text: '/file ' });
          else if (!FILE_COMMAND.test(screen().text)) actions.say('send or clear the message first; then Ctrl-O (or /file PATH) sends a file', 'info');
        }
        return true;
      default:
        return false;
    }
  };

  const list = (command: Command) => {
    switch (command.type) {
      case 'up':
        return actions.select(-1);
      case 'down':
        return actions.select(1);
      case 'enter': {
        const id = actions.store.getState().list.selectedId;
        if (id === null) return;
        if (id !== actions.store.getState().conversation?.conversationId) actions.open(id);
        return focus('compose');
      }
      case 'tab':
        return focus(isOpen() ? 'compose' : 'list');
      case 'escape':
        if (isOpen()) actions.close();
        return;
      case 'insert':
        if (command.text === '?') return set({ type: 'help', help: true });
        if (command.text === 'u') return global({ type: 'jump-unread' });
        if (command.text === 'm') return actions.toggleMute();
        if (command.text === 'a') return actions.markAllRead();
        // Typing while the list has the focus writes into the open conversation.
        if (!isOpen()) return;
        edit(command);
        return focus('compose');
      case 'newline':
        if (!isOpen()) return;
        edit(command);
        return focus('compose');
      default:
        return;
    }
  };

  const compose = (command: Command) => {
    switch (command.type) {
      case 'enter':
        return submit();
      case 'up':
        return actions.scroll(1);
      case 'down':
        return actions.scroll(-1);
      case 'tab': {
        const file = FILE_COMMAND.exec(screen().text);
        if (!file) return focus('list');
        const { path, matches } = completePath(file[1]!);
        set({ type: 'text', text: `/file ${path}` });
        if (matches.length > 1) actions.say(matches.slice(0, 20).join('  '), 'info');
        return;
      }
      case 'escape':
        if (hasSelection()) return actions.selectMessage(0);
        return focus('list');
      default:
        edit(command);
        return;
    }
  };

  return (command) => {
    switch (command.type) {
      case 'quit':
        return deps.quit();
      case 'paste-start':
        set({ type: 'pasting', pasting: true });
        if (screen().focus === 'list' && isOpen()) focus('compose');
        return;
      case 'paste-end':
        return set({ type: 'pasting', pasting: false });
      case 'focus-in':
      case 'focus-out':
        return actions.terminalFocus(command.type === 'focus-in');
      case 'help':
        return set({ type: 'help', help: !screen().help });
      case 'new-chat':
        set({ type: 'query', query: '' });
        return focus('new');
      default:
        break;
    }
    if (screen().help) {
      // Any key closes the help; Esc, Enter and ? are taken up by it.
      set({ type: 'help', help: false });
      if (command.type === 'escape' || command.type === 'enter' || (command.type === 'insert' && command.text === '?')) return;
    }
    const current = screen().focus;
    if (current === 'new') return picker(command);
    if (global(command)) return;
    if (current === 'list') list(command);
    else compose(command);
    if (screen().focus === 'compose' && !isOpen()) focus('list');
  };
}
