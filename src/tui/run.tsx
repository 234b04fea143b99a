// Runs the chat full-screen in the terminal: alternate screen and bracketed paste on while it
// runs, and the terminal given back as it was however it ends (quit keys, signals, errors).
import { render } from 'ink';
import { App, type AppProps } from './App.js';
import type { ChatBootstrap } from './session.js';

const ALT_SCREEN_ON = '\u001b[?1049h\u001b[H';
const ALT_SCREEN_OFF = '\u001b[?1049l';
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';
// Focus reporting: the terminal says ESC [ I / ESC [ O when it gains or loses the focus.
const FOCUS_ON = '\u001b[?1004h';
const FOCUS_OFF = '\u001b[?1004l';

export async function runChat(options: { server: string; token?: string; bootstrap?: ChatBootstrap; notice?: string; email?: string; chat?: AppProps['chat'] }): Promise<void> {
  const { stdout } = process;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    try {
      stdout.write(FOCUS_OFF + PASTE_OFF + ALT_SCREEN_OFF);
    } catch {
      // the terminal is gone (SIGHUP): nothing left to restore
    }
  };
  stdout.write(ALT_SCREEN_ON + PASTE_ON + FOCUS_ON);
  process.once('exit', restore);
  const instance = render(<App server={options.server} token={options.token} bootstrap={options.bootstrap} notice={options.notice} email={options.email} chat={options.chat} />, {
    exitOnCtrlC: false,
    // Shift+Enter is only distinguishable from Enter in terminals that speak the kitty protocol.
    kittyKeyboard: { mode: 'auto' },
  });
  const stop = () => instance.unmount();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, stop);
  try {
    await instance.waitUntilExit();
  } finally {
    for (const signal of signals) process.off(signal, stop);
    instance.cleanup();
    restore();
    process.off('exit', restore);
  }
}
