// Text from the network made safe to print on a terminal: shared by the TUI and the scripting verbs.

/**
 * Text from the network made safe for a terminal: control characters (escape sequences could
 * drive the terminal) become U+FFFD, tabs become spaces, bidi overrides are dropped. Newlines stay.
 */
export function sanitize(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      .replace(/\t/g, '    ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '\uFFFD')
      .replace(/[\u202a-\u202e\u2066-\u2069]/g, '')
  );
}

/** One line: newlines and runs of whitespace become single spaces. */
export function oneLine(text: string): string {
  return sanitize(text).replace(/\s+/g, ' ').trim();
}
