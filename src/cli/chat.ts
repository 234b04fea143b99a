// `chatctl chat`: the terminal chat client (Ink). Ink and React load inside the action only, so
// `chatctl --help` and the other commands never pay for them.
import type { Command } from 'commander';
import { action, CliError, EXIT } from './output.js';

const NO_TERMINAL = 'chatctl chat needs an interactive terminal; from scripts use chatctl messages, send and listen.';
import { apiCall, clientOptions, requireToken, resolve } from './verbs/common.js';

interface ChatOptions {
  server?: string;
  token?: string;
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
    .addHelpText(
      'after',
      `
Keys:
  ↑/↓ select a conversation   Enter open it          Tab switch list/compose
  Enter send                  Alt-Enter, Shift-Enter (kitty protocol) or Ctrl-J: new line; pastes keep their lines
  PgUp/PgDn scroll history    End jump to the latest  r (empty line) or Ctrl-R retry a failed send
  Ctrl-N new conversation     Esc back                Ctrl-C or Ctrl-D quit

Examples:
  $ chatctl login --email ann@example.com && chatctl chat
  $ chatctl chat --server http://127.0.0.1:8000 --token "$TOKEN"`,
    )
    .action(
      action(async (options: ChatOptions) => {
        // Before any network: a script or pipe gets the sentence at once, not after a server round trip.
        if (!process.stdin.isTTY || !process.stdout.isTTY) throw new CliError(NO_TERMINAL, EXIT.usage);
        const connection = await resolve(options);
        const token = requireToken(connection);
        const { ChatApi } = await import('../client/api.js');
        const { loadBootstrap } = await import('../tui/session.js');
        // Server and token problems are reported as one sentence before any screen is drawn.
        const bootstrap = await apiCall(() => loadBootstrap(new ChatApi(connection.server, token)));
        const { runChat } = await importInteractive();
        await runChat({ server: connection.server, token, bootstrap });
        // Everything is closed; should a stray handle linger (an idle keep-alive socket), do not wait for it.
        setTimeout(() => process.exit(process.exitCode ?? 0), 1000).unref();
      }),
    );
}
