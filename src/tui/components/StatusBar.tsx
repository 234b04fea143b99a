// The bottom line: the real-time connection's state (pusher-js's own names), who is logged in,
// and either the keys that work right now or the latest notice.
import { Text } from 'ink';
import type { ConnectionState, Notice } from '../state/chat.js';
import { oneLine, textWidth, truncate } from '../state/text.js';
import { Styled, type Role } from '../theme.js';

const BADGES: Record<ConnectionState, { text: string; role: Role }> = {
  initialized: { text: '○ connecting', role: 'warn' },
  connecting: { text: '◌ connecting', role: 'warn' },
  connected: { text: '● connected', role: 'ok' },
  unavailable: { text: '○ unavailable', role: 'bad' },
  failed: { text: '✕ failed', role: 'bad' },
  disconnected: { text: '○ disconnected', role: 'hint' },
  off: { text: '○ realtime off', role: 'hint' },
};

export function StatusBar(props: { connection: ConnectionState; user: string; hints: string; notice: Notice | null; width: number }) {
  const { connection, user, hints, notice, width } = props;
  const badge = BADGES[connection];
  const who = ` │ ${oneLine(user)} │ `;
  const rest = Math.max(0, width - textWidth(badge.text) - textWidth(who));
  return (
    <Text wrap="truncate-end">
      <Styled role={badge.role}>{badge.text}</Styled>
      <Styled role="hint">{who}</Styled>
      {notice ? <Styled role={notice.tone === 'error' ? 'error' : 'accent'}>{truncate(notice.text, rest)}</Styled> : <Styled role="hint">{truncate(hints, rest)}</Styled>}
    </Text>
  );
}
