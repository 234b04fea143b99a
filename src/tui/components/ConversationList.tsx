// The left pane: conversations, newest activity first, with unread badges and a preview.
import { Box, Text } from 'ink';
import { visibleRows, type ConversationRow, type ListState } from '../state/conversations.js';
import { fit, oneLine, textWidth, truncate } from '../state/text.js';
import { ago } from '../state/time.js';
import { Styled, useBorderColor } from '../theme.js';

/** Lines per conversation row. */
export const ROW_LINES = 2;

function preview(row: ConversationRow, meId: number): string {
  const latest = row.latest;
  if (!latest) return 'no messages yet';
  const who = latest.senderId === meId ? 'You: ' : '';
  const text = latest.type === 'text' || !/^https?:\/\/\S+\/attachment$/.test(latest.text) ? oneLine(latest.text) : '';
  return `${who}${latest.type === 'text' ? text : `[${latest.type}]${text ? ` ${text}` : ''}`}`;
}

/** ● online, ○ offline; nothing at all when the server has no watchlists. */
export const ONLINE_DOT = '●';
export const OFFLINE_DOT = '○';
export const MUTED_MARK = 'muted';

export function ConversationList(props: {
  list: ListState;
  meId: number;
  width: number;
  height: number;
  focused: boolean;
  now: Date;
  /** Online partners' user ids, or null without watchlists. */
  online: readonly number[] | null;
  muted: readonly number[];
}) {
  const { list, meId, width, height, focused, now, online, muted } = props;
  const inner = Math.max(4, width - 2);
  const rowsFit = Math.max(1, Math.floor((height - 3) / ROW_LINES));
  const { rows } = visibleRows(list, rowsFit);
  const hidden = list.rows.length - rows.length;
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" borderColor={useBorderColor(focused)}>
      <Text wrap="truncate-end">
        <Styled role="title">{truncate(`Conversations${list.rows.length ? ` (${list.rows.length})` : ''}`, inner - (hidden > 0 ? 4 : 0))}</Styled>
        {hidden > 0 ? <Styled role="hint"> ↕</Styled> : null}
      </Text>
      {list.rows.length === 0 ? (
        <Styled role="hint">No conversations yet. Press Ctrl-N to start one.</Styled>
      ) : (
        rows.map((row) => {
          const selected = row.id === list.selectedId;
          const open = row.id === list.openId;
          const badge = row.unread > 0 ? `(${row.unread > 999 ? '999+' : row.unread})` : '';
          const when = ago(row.latest?.at ?? row.updatedAt, now);
          const isOnline = online?.includes(row.other.id) ?? false;
          const dot = online ? `${isOnline ? ONLINE_DOT : OFFLINE_DOT} ` : '';
          const mute = muted.includes(row.id) ? ` ${MUTED_MARK}` : '';
          const right = `${mute}${badge ? ` ${badge}` : ''} ${when}`;
          const nameWidth = Math.max(1, inner - 2 - textWidth(dot) - textWidth(right));
          return (
            <Box key={row.id} flexDirection="column">
              <Text wrap="truncate-end">
                <Styled role={selected && focused ? 'focus' : 'hint'}>{selected ? '› ' : open ? '• ' : '  '}</Styled>
                {dot ? <Styled role={isOnline ? 'online' : 'hint'}>{dot}</Styled> : null}
                <Styled role={open ? 'accent' : row.unread > 0 ? 'title' : undefined} inverse={selected && focused}>
                  {fit(oneLine(row.other.name), nameWidth)}
                </Styled>
                {mute ? <Styled role="hint">{mute}</Styled> : null}
                {badge ? <Styled role="badge">{` ${badge}`}</Styled> : null}
                <Styled role="hint">{` ${when}`}</Styled>
              </Text>
              <Text wrap="truncate-end">
                <Styled role="hint">{`  ${truncate(preview(row, meId), inner - 2)}`}</Styled>
              </Text>
            </Box>
          );
        })
      )}
    </Box>
  );
}
