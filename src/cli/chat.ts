// `chatctl chat`: the terminal chat client (Ink). Ink and React load inside the action only, so
// `chatctl --help` and the other commands never pay for them.
import type { Command } from 'commander';
import { Option } from 'commander';
import { NOTIFY_MODES } from '../client/chat-settings.js';
import { keyTableText } from '../tui/help.js';
import { action, CliError, EXIT } from './output.js';
import { clientOptions, resolve, toCliError } from './verbs/common.js';

const NO_TERMINAL = 'chatctl chat needs an interactive terminal; from scripts use chatctl messages, send and listen.';

interface ChatOptions {
  server?: string;
  token?: string;
  login?: boolean;
  notify?: string;
  downloadDir?: string;
}

/**
 * Ink renders nothing but the final frame when it believes it runs in CI (CI or
 * CONTINUOUS_INTEGRATION set). An interactive terminal is never that, so hide both variables
 * while Ink loads (it reads them once, at import).
 */
async function importInteractive(): Promise<typeof import('../tui/run.js')> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  try {
    return await import('../tui/run.js');
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

export function registerChat(program: Command): void {
  clientOptions(program.command('chat'))
    .description('the terminal chat client: your conversations with unread counts, history, live messages')
    .option('--login', 'start on the login screen even with a saved login (to be someone else in this terminal)')
    .addOption(new Option('--notify <mode>', 'new messages elsewhere: the terminal bell, a desktop notification, or nothing (remembered)').choices(NOTIFY_MODES))
    .option('--download-dir <dir>', 'where s saves attachments (default: the current folder)')
    .addHelpText(
      'after',
      `
Keys (? in the chat shows them too):
${keyTableText(2)}

Without a saved login (or when the server refuses it) the first screen logs you in: server URL,
e-mail, password; Tab moves between fields, Enter logs in, Ctrl-R switches to creating an
account. The login is saved as chatctl login saves it.

Examples:
  $ chatctl chat                                   # log in (or register) on the first screen
  $ chatctl chat --login                           # a second terminal, as someone else
  $ chatctl chat --server https://chat.example.com
  $ chatctl login --email ann@example.com && chatctl chat
  $ chatctl chat --notify desktop --download-dir ~/Downloads
  $ chatctl chat --server http://127.0.0.1:8000 --token "$TOKEN"`,
    )
    .action(
      action(async (options: ChatOptions) => {
        if (options.login && options.token !== undefined) throw new CliError('--login and --token do not go together: --login asks who you are.', EXIT.usage);
        // Before any network: a script or pipe gets the sentence at once, not after a server round trip.
        if (!process.stdin.isTTY || !process.stdout.isTTY) throw new CliError(NO_TERMINAL, EXIT.usage);
        const connection = await resolve(options);
        const { ApiError, ChatApi } = await import('../client/api.js');
        const { loadBootstrap } = await import('../tui/session.js');
        let token = options.login ? undefined : connection.token;
        let bootstrap;
        let notice: string | undefined;
        if (token) {
          try {
            bootstrap = await loadBootstrap(new ChatApi(connection.server, token));
          } catch (error) {
            // A refused token is what the login screen is for; anything else is one sentence before any screen.
            if (!(error instanceof ApiError && error.status === 401)) throw error instanceof ApiError ? toCliError(error) : error;
            const { TOKEN_REFUSED_AT_START } = await import('../tui/session-end.js');
            notice = connection.tokenSource === 'profile' ? TOKEN_REFUSED_AT_START : `The server refused the token from ${connection.tokenSource === 'flag' ? '--token' : 'CHATCTL_TOKEN'}. Log in instead.`;
            if (connection.tokenSource === 'profile') (await import('../client/profile.js')).forgetToken();
            token = undefined;
            bootstrap = undefined;
          }
        } else if (!options.login && connection.profile.token && connection.profile.server) {
          notice = `You are logged in to ${connection.profile.server}; log in to ${connection.server} here.`;
        }
        const { normalizeServer } = await import('../client/profile.js');
        const saved = connection.profile;
        const email = !options.login && saved.server && normalizeServer(saved.server) === connection.server ? saved.user?.email : undefined;
        const { runChat } = await importInteractive();
        await runChat({ server: connection.server, token, bootstrap, notice, email, chat: await chatPreferences(options) });
        // Everything is closed; should a stray handle linger (an idle keep-alive socket), do not wait for it.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      }),
    );
}

/** Notifications (remembered when given), the download folder, and mutes kept in the profile. */
async function chatPreferences(options: ChatOptions) {
  const { readChatSettings, saveNotify } = await import('../client/chat-settings.js');
  const { existsSync, statSync } = await import('node:fs');
  const { resolve: resolvePath } = await import('node:path');
  const notify = (options.notify as (typeof NOTIFY_MODES)[number] | undefined) ?? readChatSettings().notify ?? 'bell';
  if (options.notify) saveNotify(notify);
  const downloadDir = options.downloadDir ? resolvePath(options.downloadDir) : process.cwd();
  if (options.downloadDir && !(existsSync(downloadDir) && statSync(downloadDir).isDirectory())) {
    throw new CliError(`--download-dir ${options.downloadDir} is not a folder.`);
  }
  return { notify, downloadDir, rememberMuted: true };
}
