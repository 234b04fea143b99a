// `chatctl chat`: the terminal chat client (Ink). Ink and React load inside the action only, so
// `chatctl --help` and the other commands never pay for them.
import type { Command } from 'commander';
import { Option } from 'commander';
import { NOTIFY_MODES } from '../client/chat-settings.js';
import { keyTableText } from '../tui/help.js';
import { action, CliError } from './output.js';
import { apiCall, clientOptions, requireToken, resolve } from './verbs/common.js';

interface ChatOptions {
  server?: string;
  token?: string;
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
    .addOption(new Option('--notify <mode>', 'new messages elsewhere: the terminal bell, a desktop notification, or nothing (remembered)').choices(NOTIFY_MODES))
    .option('--download-dir <dir>', 'where s saves attachments (default: the current folder)')
    .addHelpText(
      'after',
      `
Keys (? in the chat shows them too):
${keyTableText(2)}

Examples:
  $ chatctl login --email ann@example.com && chatctl chat
  $ chatctl chat --server http://127.0.0.1:8000 --token "$TOKEN"
  $ chatctl chat --notify desktop --download-dir ~/Downloads`,
    )
    .action(
      action(async (options: ChatOptions) => {
        const connection = await resolve(options);
        const token = requireToken(connection);
        const { ChatApi } = await import('../client/api.js');
        const { loadBootstrap } = await import('../tui/session.js');
        // Server and token problems are reported as one sentence before any screen is drawn.
        const bootstrap = await apiCall(() => loadBootstrap(new ChatApi(connection.server, token)));
        if (!process.stdin.isTTY || !process.stdout.isTTY) {
          throw new CliError('chatctl chat needs an interactive terminal; from scripts use chatctl messages, send and listen.');
        }
        const { runChat } = await importInteractive();
        await runChat({ server: connection.server, token, bootstrap, chat: await chatPreferences(connection.server, bootstrap.me.id, options) });
        // Everything is closed; should a stray handle linger (an idle keep-alive socket), do not wait for it.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      }),
    );
}

/** Notifications, muted conversations (kept in the profile) and the download folder. */
async function chatPreferences(server: string, userId: number, options: ChatOptions) {
  const { accountKey, readChatSettings, saveMuted, saveNotify } = await import('../client/chat-settings.js');
  const { existsSync, statSync } = await import('node:fs');
  const { resolve: resolvePath } = await import('node:path');
  const settings = readChatSettings();
  const notify = (options.notify as (typeof NOTIFY_MODES)[number] | undefined) ?? settings.notify ?? 'bell';
  if (options.notify) saveNotify(notify);
  const downloadDir = options.downloadDir ? resolvePath(options.downloadDir) : process.cwd();
  if (options.downloadDir && !(existsSync(downloadDir) && statSync(downloadDir).isDirectory())) {
    throw new CliError(`--download-dir ${options.downloadDir} is not a folder.`);
  }
  return {
    notify,
    downloadDir,
    muted: settings.muted[accountKey(server, userId)] ?? [],
    onMutedChange: (ids: number[]) => saveMuted(server, userId, ids),
  };
}
