// The right pane: the open conversation's title (and whether the other side is online), the
// window of history that fits, and a line for "Bob is typing…", a failed catch-up and
// "N new messages ↓".
import { Box, Text } from 'ink';
import type { MessageWindow } from '../state/layout.js';
import type { MessagesState } from '../state/messages.js';
import { PANE_CHROME_COLUMNS, PANE_CHROME_ROWS } from '../state/screen.js';
import { oneLine, textWidth, truncate } from '../state/text.js';
import { Styled, useBorderColor } from '../theme.js';
import { Segments } from './Line.js';

export { PANE_CHROME_COLUMNS, PANE_CHROME_ROWS };

export function MessagePane(props: {
  conversation: MessagesState | null;
  view: MessageWindow | null;
  typing: string | null;
  /** "online", "last seen 5 minutes ago", or '' when unknown. */
  presence: string;
  width: number;
  height: number;
  focused: boolean;
}) {
  const { conversation, view, typing, presence, width, height, focused } = props;
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
  const scrolled = view.below > 0 ? `↑ ${view.below} line${view.below === 1 ? '' : 's'} up · End for the latest` : '';
  const status = presence ? ` · ${presence}` : '';
  const title = truncate(oneLine(conversation.otherName), Math.max(1, inner - textWidth(scrolled) - textWidth(status) - 1));
  const titleWidth = textWidth(title) + textWidth(status);
  const newBelow = view.unseenBelow > 0 ? `${view.unseenBelow} new message${view.unseenBelow === 1 ? '' : 's'} ↓` : '';
  const info = conversation.syncError ? `could not catch up (${conversation.syncError}); trying again…` : typing ?? '';
  const infoText = truncate(info, Math.max(0, inner - textWidth(newBelow) - 2));
  const gap = Math.max(1, inner - textWidth(infoText) - textWidth(newBelow));
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={borderColor} paddingX={1}>
      <Text wrap="truncate-end">
        <Styled role="title">{title}</Styled>
        {status ? <Styled role={presence === 'online' ? 'ok' : 'hint'}>{status}</Styled> : null}
        {scrolled ? <Styled role="hint">{' '.repeat(Math.max(1, inner - titleWidth - textWidth(scrolled))) + scrolled}</Styled> : null}
      </Text>
      <Box flexDirection="column" height={rows} justifyContent="flex-end" overflow="hidden">
        {view.lines.map((line) => (
          <Segments key={line.key} segments={line.segments} />
        ))}
      </Box>
      <Text wrap="truncate-end">
        <Styled role={conversation.syncError ? 'error' : 'pending'}>{infoText}</Styled>
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
