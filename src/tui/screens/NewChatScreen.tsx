// Ctrl-N: find someone by name and start (or reopen) the conversation with them.
import { Box, Text } from 'ink';
import type { UserSearch } from '../hooks/useUserSearch.js';
import { oneLine, truncate } from '../state/text.js';
import { Styled, useBorderColor } from '../theme.js';

export function NewChatScreen(props: { query: string; search: UserSearch; selected: number; starting: boolean; width: number; height: number; server?: string }) {
  const { query, search, selected, starting, width, height } = props;
  const inner = Math.max(1, width - 4);
  const rows = Math.max(1, height - 6);
  const first = Math.max(0, Math.min(selected - Math.floor(rows / 2), search.results.length - rows));
  const shown = search.results.slice(first, first + rows);
  let status = '';
  if (starting) status = 'starting the conversation…';
  else if (search.error) status = `search failed: ${search.error}`;
  else if (search.loading) status = 'searching…';
  else if (search.results.length === 0) {
    const invite = props.server ? `invite someone to register at ${oneLine(props.server)}` : '';
    status = query.trim() ? `no one called "${truncate(oneLine(query), 30)}"${invite ? `: ${invite}` : ''}` : `no one else is here yet${invite ? `: ${invite}` : ''}`;
  }
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={useBorderColor(true)} paddingX={1}>
      <Styled role="title">New conversation</Styled>
      <Text wrap="truncate-end">
        <Styled role="hint">Name: </Styled>
        <Text>{truncate(oneLine(query), inner - 8)}</Text>
        <Text inverse> </Text>
      </Text>
      <Box width={inner}>
        <Styled role={search.error ? 'error' : 'hint'}>{oneLine(status)}</Styled>
      </Box>
      {shown.map((user, i) => {
        const isSelected = first + i === selected;
        return (
          <Text key={user.id} wrap="truncate-end">
            <Styled role={isSelected ? 'focus' : 'hint'}>{isSelected ? '› ' : '  '}</Styled>
            <Styled inverse={isSelected}>{truncate(oneLine(user.name), inner - 2)}</Styled>
          </Text>
        );
      })}
    </Box>
  );
}
