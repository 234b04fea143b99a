// What `serve --demo` prints under its ready line: one login per demo user (e-mail and password
// on one line, easy to copy) and the command that opens the chat on this server.
import type { DemoSeedResult } from '../server/demo/seed.js';
import { style } from './output.js';

/** The server `chatctl chat` tries when nothing else is said (profile.ts DEFAULT_SERVER). */
const CHAT_DEFAULT_SERVER = 'http://127.0.0.1:8000';

export function demoLines(demo: DemoSeedResult, serverUrl: string): string[] {
  const width = Math.max(...demo.logins.map((login) => login.email.length));
  const passwordWidth = Math.max(...demo.logins.map((login) => login.password.length));
  const chat = serverUrl === CHAT_DEFAULT_SERVER ? 'chatctl chat' : `chatctl chat --server ${serverUrl}`;
  const seeded = demo.createdUsers + demo.createdMessages > 0 ? 'seeded' : 'already there, unchanged';
  return [
    `  demo data (${seeded}; the passwords are public, so keep this server on your machine):`,
    ...demo.logins.map(
      (login) =>
        `  log in as ${login.email.padEnd(width)}  password ${login.password.padEnd(passwordWidth)}  ${style.dim(`(${login.name})`)}` +
        (login.usable ? '' : style.yellow('  — this account existed before with another password')),
    ),
    `  next: run  ${style.bold(chat)}  in two more terminals and log in as two of them`,
  ];
}
