// Every key binding, once: `chatctl chat --help` prints this table and `?` shows it in the chat.

export const KEY_TABLE: ReadonlyArray<readonly [keys: string, what: string]> = [
  ['↑/↓', 'select a conversation (list) or scroll (compose)'],
  ['Enter', 'open the conversation / send the message'],
  ['Tab', 'switch between the list and the compose box'],
  ['Alt-Enter, Ctrl-J', 'new line (Shift-Enter in kitty-protocol terminals); pastes keep their lines'],
  ['PgUp/PgDn, End', 'scroll the history; End jumps to the latest'],
  ['r, Ctrl-R', 'retry a failed send (r on an empty line)'],
  ['Ctrl-N', 'new conversation'],
  ['u, Alt-U', 'jump to the first unread conversation'],
  ['a', 'mark all conversations read (in the list)'],
  ['m', 'mute or unmute the selected conversation (in the list)'],
  ['Ctrl-O, /file PATH', 'send a file (Tab completes the path)'],
  ['Alt-↑/Alt-↓', 'select a message with an attachment'],
  ['s, o', 'save the selected attachment / open it (on an empty line)'],
  ['Ctrl-E', 'write the message in $EDITOR'],
  ['?', 'this help (in the list; F1 anywhere); Esc closes it'],
  ['Ctrl-L, /logout', 'log out (the token is revoked) and back to the login screen'],
  ['Esc', 'back'],
  ['Ctrl-C, Ctrl-D', 'quit'],
];

/** The table as text, `indent` spaces in, keys in a column. */
export function keyTableText(indent = 2): string {
  const width = Math.max(...KEY_TABLE.map(([keys]) => keys.length));
  return KEY_TABLE.map(([keys, what]) => `${' '.repeat(indent)}${keys.padEnd(width)}  ${what}`).join('\n');
}
