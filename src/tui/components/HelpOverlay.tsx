// `?`: every key binding, the same table as `chatctl chat --help`.
import { Box, Text } from 'ink';
import { KEY_TABLE } from '../help.js';
import { truncate } from '../state/text.js';
import { Styled } from '../theme.js';

export function HelpOverlay(props: { width: number; height: number }) {
  const { width, height } = props;
  const inner = Math.max(10, width - 4);
  const keysWidth = Math.max(...KEY_TABLE.map(([keys]) => keys.length));
  const rows = KEY_TABLE.slice(0, Math.max(1, height - 4));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" paddingX={1}>
      <Styled role="title">{truncate('Keys — Esc or ? closes this', inner)}</Styled>
      {rows.map(([keys, what]) => (
        <Text key={keys} wrap="truncate-end">
          <Styled role="accent">{keys.padEnd(keysWidth)}</Styled>
          <Text>{`  ${what}`}</Text>
        </Text>
      ))}
    </Box>
  );
}
