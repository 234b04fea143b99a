// `chatctl login` and `chatctl logout`: the profile (server, token, user) the other verbs fall back to.
import type { Command } from 'commander';
import { action, CliError, EXIT, printJson, printLine } from '../output.js';
import { apiCall, clientOptions, printable, requireToken, resolve, serverOption, toCliError, type ClientOptions } from './common.js';

interface LoginOptions {
  server?: string;
  email: string;
  password?: string;
  json?: boolean;
}

/** All of stdin (a pipe or a file); the password is its first line. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((done, fail) => {
    let value = '';
    const finish = (error?: CliError) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) fail(error);
      else done(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliError('login cancelled.', 130));
        if (char === '\u0004') return value ? finish() : finish(new CliError('login cancelled.', 130));
        if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(options: LoginOptions): Promise<string> {
  if (options.password !== undefined) return options.password;
  if (process.stdin.isTTY) return promptHidden(`Password for ${options.email}: `);
  const text = await readStdin();
  return (text.split('\n')[0] ?? '').replace(/\r$/, '');
}

export function registerLogin(program: Command): void {
  serverOption(program.command('login'))
    .description('log in and save the server, token and user in your profile (file mode 0600)')
    .requiredOption('--email <email>', 'your e-mail address')
    .option('--password <password>', 'your password (else read from stdin, or asked for without echo on a terminal)')
    .option('--json', 'print the user as JSON')
    .addHelpText(
      'after',
      `
The other verbs use the saved server and token unless --server/--token (or CHATCTL_SERVER/
CHATCTL_TOKEN) say otherwise. The token is never printed. CHATCTL_CONFIG_DIR moves the profile.

Examples:
  $ chatctl login --server http://127.0.0.1:8000 --email ann@example.com     # asks for the password
  $ echo "$PASSWORD" | chatctl login --email ann@example.com
  $ chatctl login --email ann@example.com --password secret123 --json`,
    )
    .action(
      action(async (options: LoginOptions) => {
        const email = options.email.trim();
        if (!email) throw new CliError('--email must not be empty.', EXIT.usage);
        const connection = await resolve(options);
        const password = await readPassword(options);
        if (!password) throw new CliError('no password given: pass --password, pipe it on stdin or type it when asked.');
        const { ChatApi } = await import('../../client/api.js');
        const { hostname } = await import('node:os');
        const api = new ChatApi(connection.server);
        const result = await apiCall(() => api.login(email, password, `chatctl on ${hostname()}`.slice(0, 255)));
        const { saveProfile, ProfileError } = await import('../../client/profile.js');
        try {
          saveProfile({ server: connection.server, token: result.token, user: result.user });
        } catch (error) {
          if (error instanceof ProfileError) throw new CliError(`${error.message}.`);
          throw new CliError(`cannot save the profile (${(error as Error).message}).`);
        }
        if (options.json) printJson(result.user);
        else printLine(`Logged in as ${printable(result.user.name)} <${result.user.email}> on ${connection.server}`);
      }),
    );

  clientOptions(program.command('logout'), 'print {"server", "revoked"} as JSON')
    .description('revoke the token on the server and forget it from your profile')
    .addHelpText(
      'after',
      `
Examples:
  $ chatctl logout
  $ chatctl logout --server http://127.0.0.1:8000 --token "$TOKEN"   # revoke a token you were given`,
    )
    .action(
      action(async (options: ClientOptions) => {
        const connection = await resolve(options);
        const token = requireToken(connection);
        const { ChatApi, ApiError } = await import('../../client/api.js');
        const api = new ChatApi(connection.server, token);
        let revoked = true;
        try {
          await api.logout();
        } catch (error) {
          // An already revoked token: logging out is done either way.
          if (error instanceof ApiError && error.status === 401) revoked = false;
          else if (error instanceof ApiError) throw toCliError(error);
          else throw error;
        }
        const { forgetToken } = await import('../../client/profile.js');
        const fromProfile = connection.tokenSource === 'profile' || connection.profile.token === token;
        if (fromProfile) forgetToken();
        if (options.json) printJson({ server: connection.server, revoked });
        else printLine(revoked ? `Logged out of ${connection.server}` : `Logged out of ${connection.server} (the server had already revoked the token)`);
      }),
    );
}
