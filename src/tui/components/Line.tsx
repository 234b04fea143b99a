// One pre-wrapped line of styled segments (Ink never wraps it again: it is cut if too long).
import { Text } from 'ink';
import type { Segment } from '../state/layout.js';
import { Styled, type Role } from '../theme.js';

export function Segments({ segments }: { segments: Array<Segment | { text: string; tone?: Role; inverse?: boolean }> }) {
  return (
    <Text wrap="truncate-end">
      {segments.map((segment, i) =>
        segment.tone || ('inverse' in segment && segment.inverse) ? (
          <Styled key={i} role={segment.tone} inverse={'inverse' in segment ? segment.inverse : undefined}>
            {segment.text}
          </Styled>
        ) : (
          <Text key={i}>{segment.text}</Text>
        ),
      )}
    </Text>
  );
}
