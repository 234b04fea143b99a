// The compose area: what is being written (several lines when pasted or with Alt/Shift-Enter).
import { Box, Text } from 'ink';
import { composeLines } from '../state/compose.js';
import { COMPOSE_MAX_LINES, composeHeight, composeWidth, PROMPT } from '../state/screen.js';
import { Styled, useBorderColor } from '../theme.js';

export { COMPOSE_MAX_LINES, composeHeight };

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
