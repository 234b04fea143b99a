// Keystrokes → commands, as a pure function of what Ink's useInput reports. Ink hands over a
// whole chunk when several characters arrive at once (a paste, or keys typed faster than they
// are read), so one call can yield several commands.
import type { Key } from 'ink';

export type Command =
  | { type: 'quit' }
  | { type: 'tab' }
  | { type: 'escape' }
  | { type: 'new-chat' }
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'page-up' }
  | { type: 'page-down' }
  | { type: 'bottom' }
  | { type: 'enter' }
  | { type: 'newline' }
  | { type: 'insert'; text: string }
  | { type: 'backspace' }
  | { type: 'delete-word' }
  | { type: 'clear-line' }
  | { type: 'retry' }
  | { type: 'paste-start' }
  | { type: 'paste-end' }
  | { type: 'help' }
  | { type: 'jump-unread' }
  | { type: 'select-message'; delta: 1 | -1 }
  | { type: 'editor' }
  | { type: 'attach' }
  | { type: 'focus-in' }
  | { type: 'focus-out' };

// Bracketed paste markers (ESC [200~ … ESC [201~): Ink strips the ESC and passes the rest on.
const PASTE_START = '[200~';
const PASTE_END = '[201~';

/**
 * Commands for one useInput call. `pasting` is true between the bracketed-paste markers: then
 * everything, Enter included, is text.
 */
export function commandsFor(input: string, key: Key, pasting = false): Command[] {
  if (input.includes(PASTE_START) || input.includes(PASTE_END)) {
    // Markers can arrive glued to text in one chunk: split around them.
    const out: Command[] = [];
    let inPaste = pasting;
    for (const part of input.split(/(\[20[01]~)/)) {
      if (part === PASTE_START) {
        out.push({ type: 'paste-start' });
        inPaste = true;
      } else if (part === PASTE_END) {
        out.push({ type: 'paste-end' });
        inPaste = false;
      } else if (part) {
        out.push(...textCommands(part, inPaste));
      }
    }
    return out;
  }
  if (pasting) {
    if (key.return) return [{ type: 'insert', text: '\n' }];
    if (key.tab) return [{ type: 'insert', text: '    ' }];
    return input ? [{ type: 'insert', text: normalizeNewlines(input) }] : [];
  }
  if (key.ctrl) {
    switch (input) {
      case 'c':
      case 'd':
        return [{ type: 'quit' }];
      case 'n':
        return [{ type: 'new-chat' }];
      case 'r':
        return [{ type: 'retry' }];
      case 'w':
        return [{ type: 'delete-word' }];
      case 'u':
        return [{ type: 'clear-line' }];
      case 'j':
        return [{ type: 'newline' }];
      case 'e':
        return [{ type: 'editor' }];
      case 'o':
        return [{ type: 'attach' }];
      default:
        return [];
    }
  }
  // Shift+Enter (terminals speaking the kitty protocol) and Alt/Option+Enter add a line.
  if (key.return) return [{ type: key.shift || key.meta ? 'newline' : 'enter' }];
  // Focus reports (ESC [ I / ESC [ O, asked for with ESC [?1004h): Ink strips the ESC.
  if (input === '[I') return [{ type: 'focus-in' }];
  if (input === '[O') return [{ type: 'focus-out' }];
  if (key.meta && (key.upArrow || key.downArrow)) return [{ type: 'select-message', delta: key.upArrow ? -1 : 1 }];
  if (key.meta && input === 'u') return [{ type: 'jump-unread' }];
  // F1 (xterm sends ESC O P; Ink passes it on as "OP" or "[11~")
  if (input === 'OP' || input === '[11~') return [{ type: 'help' }];
  if (key.escape) return [{ type: 'escape' }];
  if (key.tab) return [{ type: 'tab' }];
  if (key.upArrow) return [{ type: 'up' }];
  if (key.downArrow) return [{ type: 'down' }];
  if (key.pageUp) return [{ type: 'page-up' }];
  if (key.pageDown) return [{ type: 'page-down' }];
  if (key.end) return [{ type: 'bottom' }];
  if (key.backspace || key.delete) return [{ type: 'backspace' }];
  if (key.meta && (input === '\x7f' || input === '\b')) return [{ type: 'delete-word' }];
  if (input === '\n') return [{ type: 'newline' }]; // Ctrl-J
  if (!input || key.leftArrow || key.rightArrow || key.home) return [];
  // An escape sequence Ink did not recognise (focus reports, odd function keys) is not text.
  if (/^\[[\d;?]+[~A-Za-z]$|^\[[IO]$/.test(input)) return [];
  return textCommands(input, false);
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * Text outside a bracketed paste. Line breaks inside the chunk mean it was pasted (nobody types
 * Enter and more text within one read), so they stay in the message; a break at the very end is
 * the Enter key pressed right after typing.
 */
function textCommands(text: string, pasting: boolean): Command[] {
  if (pasting) return [{ type: 'insert', text: normalizeNewlines(text) }];
  const endsWithEnter = text.endsWith('\r');
  const body = normalizeNewlines(endsWithEnter ? text.slice(0, -1) : text);
  const out: Command[] = [];
  // A Tab typed right after text (same chunk) is still the Tab key: it completes /file paths.
  body.split('\t').forEach((part, i) => {
    if (i > 0) out.push({ type: 'tab' });
    if (part) out.push({ type: 'insert', text: part });
  });
  if (endsWithEnter) out.push({ type: 'enter' });
  return out;
}

/** Whether a command changes the text being written (for the typing whisper). */
export function isEdit(command: Command): boolean {
  return command.type === 'insert' || command.type === 'newline';
}
