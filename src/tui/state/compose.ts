// The message being written: a string edited at its end (Enter sends, new lines come from
// Alt-Enter/Ctrl-J/Shift-Enter or a paste). Pure functions.
import { graphemes, wrap } from './text.js';

export { MESSAGE_MAX } from '../../shared/wire.js';

/** Typed or pasted text without terminal control characters; tabs become spaces. */
export function insert(text: string, added: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = added.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
  return text + clean;
}

export function backspace(text: string): string {
  const parts = graphemes(text);
  parts.pop();
  return parts.join('');
}

/** Ctrl-W: the last word and the blank space after it, as readline does. */
export function deleteWord(text: string): string {
  return text.replace(/\S*\s*$/u, '');
}

/** Ctrl-U: the current line (or the line break, when the line is already empty). */
export function clearLine(text: string): string {
  const cut = text.lastIndexOf('\n');
  if (cut < 0) return '';
  return cut === text.length - 1 ? text.slice(0, -1) : text.slice(0, cut + 1);
}

/** What is sent: the text without leading/trailing blank space (the server trims the same way). */
export function outgoing(text: string): string {
  return text.trim();
}

/** The compose area's lines: wrapped to `width`, the last `maxLines` of them. */
export function composeLines(text: string, width: number, maxLines: number): { lines: string[]; hidden: number } {
  const lines = wrap(text, Math.max(1, width));
  const hidden = Math.max(0, lines.length - maxLines);
  return { lines: lines.slice(hidden), hidden };
}
