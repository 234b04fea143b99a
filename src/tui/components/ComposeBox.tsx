// The compose area: what is being written (several lines when pasted or with Alt/Shift-Enter).
import { Box, Text } from 'ink';
import { composeLines } from '../state/compose.js';
import { Styled, useBorderColor } from '../theme.js';

/** Most lines of the message shown while writing (the rest scrolls out at the top). */
export const COMPOSE_MAX_LINES = 5;
const PROMPT = '› ';

/** The compose box's height for a text: its lines plus the border. */
export function composeHeight(text: string, width: number): number {
  return Math.min(COMPOSE_MAX_LINES, composeLines(text, composeWidth(width) - 1, COMPOSE_MAX_LINES).lines.length) + 2;
}

function composeWidth(width: number): number {
  return Math.max(2, width - 4 - PROMPT.length);
}

export function ComposeBox(props: { text: string; width: number; focused: boolean; placeholder: string }) {
  const { text, width, focused, placeholder } = props;
  // One column is kept for the cursor.
  const { lines, hidden } = composeLines(text, composeWidth(width) - 1, COMPOSE_MAX_LINES);
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={useBorderColor(focused)} paddingX={1}>
      {text === '' ? (
        <Text wrap="truncate-end">
          <Styled role={focused ? 'focus' : 'hint'}>{PROMPT}</Styled>
          {focused ? <Text inverse> </Text> : null}
          <Styled role="hint">{focused ? ` ${placeholder}` : placeholder}</Styled>
        </Text>
      ) : (
        lines.map((line, i) => (
          <Text key={i} wrap="truncate-end">
            <Styled role={focused ? 'focus' : 'hint'}>{i === 0 ? (hidden > 0 ? '… ' : PROMPT) : '  '}</Styled>
            <Text>{line}</Text>
            {focused && i === lines.length - 1 ? <Text inverse> </Text> : null}
          </Text>
        ))
      )}
    </Box>
  );
}
