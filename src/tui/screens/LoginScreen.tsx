// The first screen without a (working) token: log in, or switch to create an account. Server
// URL, e-mail, masked password; Tab moves between fields, Enter sends, ^R switches the mode. What
// the server answers is shown where it belongs, and what was typed stays.
import { Box, Text, useInput, type Key } from 'ink';
import { useCallback, useRef } from 'react';
import { useLogin, type Session } from '../hooks/useLogin.js';
import { commandsFor } from '../state/keys.js';
import { FIELDS, LABELS, masked, type Banner, type FieldName, type LoginForm, type LoginMode } from '../state/login-form.js';
import { oneLine, textWidth, truncate } from '../state/text.js';
import { Styled, useBorderColor } from '../theme.js';

const LABEL_WIDTH = 10;

const HINTS: Record<LoginMode, string> = {
  login: 'Enter log in · Tab next field · ^R create an account · ^C quit',
  register: 'Enter create the account · Tab next field · ^R log in instead · ^C quit',
};

/** The end of a value that does not fit (the part being typed stays visible). */
function tail(text: string, width: number): string {
  if (width <= 1) return '';
  if (textWidth(text) <= width) return text;
  const chars = Array.from(text);
  let out = '';
  for (let i = chars.length - 1; i >= 0 && textWidth(`…${chars[i]}${out}`) <= width; i--) out = `${chars[i]}${out}`;
  return `…${out}`;
}

function Field(props: { form: LoginForm; field: FieldName; width: number }) {
  const { form, field, width } = props;
  const focused = form.focus === field;
  const raw = form.values[field];
  const shown = field === 'password' ? masked(raw) : oneLine(raw);
  const room = Math.max(1, width - LABEL_WIDTH - 3);
  const error = form.fieldErrors[field];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Styled role={focused ? 'focus' : 'hint'}>{focused ? '› ' : '  '}</Styled>
        <Styled role={focused ? 'title' : 'hint'}>{LABELS[field].padEnd(LABEL_WIDTH)}</Styled>
        <Text>{tail(shown, room)}</Text>
        {focused && !form.submitting ? <Text inverse> </Text> : null}
      </Text>
      {error ? (
        <Box paddingLeft={LABEL_WIDTH + 2} width={width}>
          <Styled role="error">{oneLine(error)}</Styled>
        </Box>
      ) : null}
    </Box>
  );
}

export function LoginScreen(props: {
  server: string;
  email?: string;
  banner?: Banner | null;
  profileEnv?: NodeJS.ProcessEnv;
  columns: number;
  rows: number;
  onSession(session: Session): void;
  onQuit(): void;
}) {
  const login = useLogin({ server: props.server, email: props.email, banner: props.banner, profileEnv: props.profileEnv, onSession: props.onSession });
  const { form } = login;
  const pasting = useRef(false);

  const onInput = (input: string, key: Key) => {
    if (key.ctrl && input === 'r') return login.dispatch({ type: 'switch-mode' });
    if (key.tab && key.shift) return login.dispatch({ type: 'focus', delta: -1 });
    // Keys typed fast arrive as one chunk ("ann@x.org\tsecret\r"), and what was typed before the
    // terminal left line mode as one line ("ann@x.org\tsecret\n"): Tab and Enter in it still count.
    if (!pasting.current && input.length > 1 && /[\t\r\n]/.test(input) && !/\[20[01]~/.test(input)) {
      for (const part of input.split(/(\t|\r\n?|\n)/)) {
        if (part === '\t') login.dispatch({ type: 'focus', delta: 1 });
        else if (part === '\r' || part === '\n' || part === '\r\n') login.submit();
        else if (part) login.dispatch({ type: 'insert', text: part });
      }
      return;
    }
    for (const command of commandsFor(input, key, pasting.current)) {
      switch (command.type) {
        case 'quit':
          return props.onQuit();
        case 'paste-start':
          pasting.current = true;
          break;
        case 'paste-end':
          pasting.current = false;
          break;
        case 'insert':
          login.dispatch({ type: 'insert', text: command.text });
          break;
        case 'backspace':
          login.dispatch({ type: 'backspace' });
          break;
        case 'delete-word':
        case 'clear-line':
          login.dispatch({ type: 'clear-field' });
          break;
        case 'tab':
        case 'down':
          login.dispatch({ type: 'focus', delta: 1 });
          break;
        case 'up':
          login.dispatch({ type: 'focus', delta: -1 });
          break;
        case 'enter':
          login.submit();
          break;
        case 'escape':
          if (form.mode === 'register') login.dispatch({ type: 'switch-mode' });
          break;
        default:
          break;
      }
    }
  };
  const inputRef = useRef(onInput);
  inputRef.current = onInput;
  useInput(useCallback((input: string, key: Key) => inputRef.current(input, key), []));

  const border = useBorderColor(true);
  const width = Math.max(30, Math.min(props.columns, 76));
  const inner = width - 4;
  const title = form.mode === 'login' ? 'Log in to chat' : 'Create an account';
  const status = form.submitting
    ? `${form.mode === 'login' ? 'logging in to' : 'creating the account on'} ${normalizedForStatus(form.values.server)}…`
    : HINTS[form.mode];
  return (
    <Box flexDirection="column" width={props.columns} height={Math.max(6, props.rows - 1)} alignItems="center" justifyContent="center">
      <Box flexDirection="column" width={width} borderStyle="round" borderColor={border} paddingX={1}>
        <Text wrap="truncate-end">
          <Styled role="title">chatctl · {title}</Styled>
        </Text>
        {form.banner ? (
          <Box width={inner}>
            <Styled role={form.banner.tone === 'error' ? 'error' : 'accent'}>{oneLine(form.banner.text)}</Styled>
          </Box>
        ) : (
          <Text> </Text>
        )}
        {FIELDS[form.mode].map((field) => (
          <Field key={field} form={form} field={field} width={inner} />
        ))}
        <Text> </Text>
        <Text wrap="truncate-end">
          <Styled role="hint">{truncate(status, inner)}</Styled>
        </Text>
      </Box>
    </Box>
  );
}

function normalizedForStatus(server: string): string {
  return oneLine(server.trim().replace(/\/+$/, ''));
}
