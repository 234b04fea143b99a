// Terminal text: what is safe to print, how wide it is, and how it wraps. Pure functions; the
// views pre-wrap every line with these so Ink never has to wrap (or lay out) more than it shows.

import { oneLine, sanitize } from '../../shared/terminal-text.js';

export { oneLine, sanitize };

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

// Combining marks and variation selectors on their own are what this class is for.
// eslint-disable-next-line no-misleading-character-class
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\ufe00-\ufe0f]+$/u;
const EMOJI = /\p{Emoji_Presentation}|\ufe0f/u;

/** Columns one grapheme takes. */
export function graphemeWidth(grapheme: string): number {
  const cp = grapheme.codePointAt(0) ?? 0;
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (isWide(cp) || EMOJI.test(grapheme)) return 2;
  return 1;
}

export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns a (single-line) string takes. */
export function textWidth(text: string): number {
  let width = 0;
  for (const g of graphemes(text)) width += graphemeWidth(g);
  return width;
}

/** Cuts a line to `width` columns, ending with … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = graphemeWidth(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return `${out}…`;
}

/** Pads with spaces (or cuts) to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

/**
 * Wraps one paragraph (no newlines) to `width` columns: at the last space that fits, else hard.
 * Always returns at least one line.
 */
export function wrapLine(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line: string[] = [];
  let lineWidth = 0;
  let lastSpace = -1;
  for (const g of graphemes(text)) {
    const gw = graphemeWidth(g);
    if (g === ' ' && lineWidth + gw > w) {
      // The line is full exactly where a space falls: break here and drop the space.
      lines.push(line.join(''));
      line = [];
      lineWidth = 0;
      lastSpace = -1;
      continue;
    }
    if (lineWidth + gw > w && line.length > 0) {
      if (lastSpace > 0) {
        lines.push(line.slice(0, lastSpace).join(''));
        line = line.slice(lastSpace + 1);
      } else {
        lines.push(line.join(''));
        line = [];
      }
      lineWidth = line.reduce((sum, x) => sum + graphemeWidth(x), 0);
      lastSpace = line.lastIndexOf(' ');
    }
    if (g === ' ') lastSpace = line.length;
    line.push(g);
    lineWidth += gw;
  }
  lines.push(line.join(''));
  return lines;
}

/** Wraps text with newlines: each paragraph wrapped on its own. */
export function wrap(text: string, width: number): string[] {
  return text.split('\n').flatMap((paragraph) => wrapLine(paragraph, width));
}
