// The right pane: the open conversation's title, the window of history that fits, and a line
// for "Bob is typing…" and "N new messages ↓".
import { Box, Text } from 'ink';
import type { MessagesState, MessageWindow } from '../state/messages.js';
import { oneLine, textWidth, truncate } from '../state/text.js';
import { Styled, useBorderColor } from '../theme.js';
import { Segments } from './Line.js';

/** Rows the pane uses around the message lines: borders, title, info line. */
export const PANE_CHROME_ROWS = 4;
/** Columns the pane uses around the message lines: borders and padding. */
export const PANE_CHROME_COLUMNS = 4;

export function MessagePane(props: {
  conversation: MessagesState | null;
  view: MessageWindow | null;
  typing: string | null;
  width: number;
  height: number;
  focused: boolean;
}) {
  const { conversation, view, typing, width, height, focused } = props;
  const inner = Math.max(1, width - PANE_CHROME_COLUMNS);
  const rows = Math.max(1, height - PANE_CHROME_ROWS);
  const borderColor = useBorderColor(focused);
  if (!conversation || !view) {
    return (
      <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={borderColor} paddingX={1}>
        <Styled role="hint">Select a conversation with ↑/↓ and press Enter, or press Ctrl-N to start a new one.</Styled>
      </Box>
    );
  }
  const scrolled = view.scroll > 0 ? `↑ ${view.scroll} line${view.scroll === 1 ? '' : 's'} up · End for the latest` : '';
  const title = truncate(oneLine(conversation.otherName), Math.max(1, inner - textWidth(scrolled) - 1));
  const newBelow = view.unseenBelow > 0 ? `${view.unseenBelow} new message${view.unseenBelow === 1 ? '' : 's'} ↓` : '';
  const typingText = typing ? truncate(typing, Math.max(0, inner - textWidth(newBelow) - 2)) : '';
  const gap = Math.max(1, inner - textWidth(typingText) - textWidth(newBelow));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={borderColor} paddingX={1}>
      <Text wrap="truncate-end">
        <Styled role="title">{title}</Styled>
        {scrolled ? <Styled role="hint">{' '.repeat(Math.max(1, inner - textWidth(title) - textWidth(scrolled))) + scrolled}</Styled> : null}
      </Text>
      <Box flexDirection="column" height={rows} justifyContent="flex-end" overflow="hidden">
        {view.lines.map((line) => (
          <Segments key={line.key} segments={line.segments} />
        ))}
      </Box>
      <Text wrap="truncate-end">
        <Styled role="pending">{typingText}</Styled>
        {newBelow ? (
          <>
            <Text>{' '.repeat(gap)}</Text>
            <Styled role="marker">{newBelow}</Styled>
          </>
        ) : null}
      </Text>
    </Box>
  );
}
