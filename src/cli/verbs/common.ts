// What the scripting verbs share: the --server/--token/--json options, resolving them (flag, env,
// profile), turning API failures into one sentence, and id parsing. Light to import: the client
// modules load inside the functions, so `chatctl --help` stays fast.
import type { Command } from 'commander';
import type { ApiError, ChatApi } from '../../client/api.js';
import type { Connection } from '../../client/profile.js';
import { CliError, EXIT, EXIT_CODES_HELP } from '../output.js';
import { oneLine, sanitize as printable } from '../../shared/terminal-text.js';

export { printable };

export interface ClientOptions {
  server?: string;
  token?: string;
  json?: boolean;
}

export const NO_TOKEN = 'no token: run chatctl login or pass --token.';
export const TOKEN_REFUSED = 'the server refused the token (401): run chatctl login again or pass a valid --token.';

/** --server, and the exit codes in the help (every verb that talks to a server shares them). */
export function serverOption(command: Command): Command {
  return command
    .option('--server <url>', 'chatctl server URL (env CHATCTL_SERVER, else the one you logged in to, else http://127.0.0.1:8000)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
}

/** --server, --token and optionally --json. */
export function clientOptions(command: Command, json?: string): Command {
  serverOption(command).option('--token <token>', 'bearer token (env CHATCTL_TOKEN, else the one saved by chatctl login)');
  return json ? command.option('--json', json) : command;
}

export function checkServerUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`"${server}" is not a server URL; use something like http://127.0.0.1:8000.`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`"${server}" is not a server URL: it must start with http:// or https://.`, EXIT.usage);
  }
  return server;
}

/** Server and token from flag, env, then the profile; unreadable profiles become one sentence. */
export async function resolve(options: ClientOptions): Promise<Connection> {
  const { resolveConnection, ProfileError } = await import('../../client/profile.js');
  try {
    const connection = resolveConnection(options);
    checkServerUrl(connection.server);
    return connection;
  } catch (error) {
    if (error instanceof ProfileError) throw new CliError(`${error.message}.`);
    throw error;
  }
}

/** The token, or a sentence saying how to get one (also when the saved login is for another server). */
export function requireToken(connection: Connection): string {
  if (connection.token) return connection.token;
  const saved = connection.profile.server;
  if (connection.profile.token && saved) {
    throw new CliError(`no token for ${connection.server} (you are logged in to ${saved}): run chatctl login --server ${connection.server} or pass --token.`, EXIT.auth);
  }
  throw new CliError(NO_TOKEN, EXIT.auth);
}

/** An API client with a token, or the "no token" sentence. */
export async function connect(options: ClientOptions): Promise<{ api: ChatApi; connection: Connection & { token: string } }> {
  const connection = await resolve(options);
  requireToken(connection);
  const { ChatApi } = await import('../../client/api.js');
  return { api: new ChatApi(connection.server, connection.token), connection: connection as Connection & { token: string } };
}

/** `--timeout` in seconds (0 < s ≤ 600), or a usage error naming the flag. */
export function parseSeconds(raw: string, flag = '--timeout'): number {
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(seconds > 0) || seconds > 600) {
    throw new CliError(`${flag} "${raw}" is not a number of seconds between 0 and 600.`, EXIT.usage);
  }
  return seconds;
}

/** A sentence ends with a full stop (server messages such as "Not Found" have none). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * Runs API calls, turning an ApiError into one CLI sentence: 401 says to log in again,
 * `notFound` names what was missing on a 404, anything else is the server's own message.
 */
export async function apiCall<T>(run: () => Promise<T>, notFound?: string): Promise<T> {
  const { ApiError: ApiErrorClass } = await import('../../client/api.js');
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiErrorClass) throw toCliError(error, notFound);
    throw error;
  }
}

/** The exit code for an API failure: 4 when the server was not reached, 3 for 401, else 1. */
export function exitCodeFor(error: ApiError): number {
  if (error.status === 0) return EXIT.network;
  if (error.status === 401) return EXIT.auth;
  return EXIT.api;
}

export function toCliError(error: ApiError, notFound?: string, unauthorized = TOKEN_REFUSED): CliError {
  if (error.status === 401) return new CliError(unauthorized, EXIT.auth);
  if (error.status === 404 && notFound) return new CliError(notFound, EXIT.api);
  return new CliError(sentence(error.message), exitCodeFor(error));
}

const ID = /^[1-9][0-9]{0,15}$/;

/** A positive id from the command line, or a sentence naming what was wrong. */
export function parseId(raw: string, what: string): number {
  const value = raw.trim();
  if (!ID.test(value) || !Number.isSafeInteger(Number(value))) throw new CliError(`${what} "${raw}" is not a positive whole number.`, EXIT.usage);
  return Number(value);
}

/** One line of at most `max` characters (code points), with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const flat = oneLine(text);
  const chars = Array.from(flat);
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}
