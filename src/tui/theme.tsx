// Colours by role. NO_COLOR (https://no-color.org) turns every colour off; bold, dim and inverse
// stay, so own messages, the selection and the badges remain distinguishable without colour.
import { createContext, useContext, type ReactNode } from 'react';
import { Text } from 'ink';
import type { Tone } from './state/layout.js';

export type Role = Tone | 'online' | 'badge' | 'title' | 'hint' | 'ok' | 'warn' | 'bad' | 'accent' | 'border' | 'focus';

const palette: Record<Role, { color?: string; bold?: boolean; dim?: boolean; inverse?: boolean }> = {
  own: { color: 'cyan', bold: true },
  other: { color: 'green', bold: true },
  time: { dim: true },
  dim: { dim: true },
  marker: { color: 'yellow', bold: true },
  error: { color: 'red' },
  pending: { color: 'yellow', dim: true },
  read: { color: 'blue' },
  selected: { color: 'magenta', bold: true, inverse: true },
  online: { color: 'green', bold: true },
  badge: { color: 'yellow', bold: true },
  title: { bold: true },
  hint: { dim: true },
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  bad: { color: 'red', bold: true },
  accent: { color: 'cyan' },
  border: { color: 'gray' },
  focus: { color: 'cyan' },
};

const ColorContext = createContext(true);

export function ColorProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  return <ColorContext.Provider value={enabled}>{children}</ColorContext.Provider>;
}

export function useColors(): boolean {
  return useContext(ColorContext);
}

/** Whether colours are wanted: off with NO_COLOR set (to anything non-empty) or TERM=dumb. */
export function colorsWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb';
}

/** The border colour of a pane (none without colours). */
export function useBorderColor(focused: boolean): string | undefined {
  const colors = useColors();
  if (!colors) return undefined;
  return focused ? palette.focus.color : palette.border.color;
}

/** Text in a role's style. */
export function Styled({ role, children, inverse }: { role?: Role; children: ReactNode; inverse?: boolean }) {
  const colors = useColors();
  const style = role ? palette[role] : {};
  return (
    <Text color={colors ? style.color : undefined} bold={style.bold} dimColor={style.dim} inverse={inverse ?? style.inverse}>
      {children}
    </Text>
  );
}
