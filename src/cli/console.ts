// `chatctl console`: watch a running `chatctl serve` live, one line per happening (connections,
// subscriptions and refusals, publishes with their recipients, triggers to an external Pusher host).
// It signs with the app secret from the same .env / --env-file / pusher-app.json as serve.
import type { Command } from 'commander';
import type { AppConfig } from '../config/env.js';
import { loadCommandConfig } from './config-options.js';
import { action, CliError, colorWanted } from './output.js';
import { checkServerUrl } from './verbs/common.js';

/** Exit codes shared with the other verbs. */
const EXIT = { api: 1, usage: 2, refused: 3, network: 4 } as const;

interface ConsoleOptions {
  server?: string;
  envFile?: string;
  db?: string;
  json?: boolean;
  channel?: string;
  event?: string;
  user?: string;
  payload: boolean;
}

const usage = (message: string) => new CliError(message, EXIT.usage);

/** Same rule as serve: PUSHER_APP_ID/KEY/SECRET when all three are set, else <data dir>/pusher-app.json. */
async function credentialsFor(config: AppConfig): Promise<{ key: string; secret: string }> {
  const { appId, key, secret } = config.pusher;
  if (appId && key && secret) return { key, secret };
  const { readStoredCredentials, CREDENTIALS_FILE } = await import('../server/broadcasting/embedded-credentials.js');
  const stored = readStoredCredentials(config.dataDir);
  if (stored && 'credentials' in stored) return stored.credentials;
  const where = `${config.dataDir}/${CREDENTIALS_FILE}`;
  throw usage(
    stored
      ? `${where} ${stored.invalid}; fix it or set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET.`
      : `no app credentials to sign with: set PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET, or run from the folder (or with the --env-file / --db) serve uses, so ${where} is found.`,
  );
}

function localServer(config: AppConfig): string {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

export function registerConsole(program: Command): void {
  program
    .command('console')
    .description('watch a running server live: connections, subscriptions and refusals, publishes and their recipients, triggers')
    .option('--server <url>', 'the chatctl serve to watch (default: http://HOST:PORT from the configuration)')
    .option('--env-file <path>', 'read configuration from this file instead of ./.env (as serve does)')
    .option('--db <file>', 'SQLite database of that serve (its folder holds pusher-app.json)')
    .option('--json', 'one JSON object per event (NDJSON)')
    .option('--channel <pattern>', 'only events on matching channels; * and ? are wildcards')
    .option('--event <name>', 'only this event (message.sent, client-typing…); * and ? are wildcards')
    .option('--user <id>', "only this user's sockets and private-user.<id> channel")
    .option('--no-payload', 'hide message bodies (otherwise shown cut to one line)')
    .addHelpText(
      'after',
      `
Signs with the app secret (PUSHER_APP_SECRET, or the embedded server's pusher-app.json), like the
Pusher HTTP API: only the operator can watch. Exit codes: 1 server error, 2 usage or configuration,
3 refused (wrong credentials), 4 network.

Examples:
  $ chatctl console                                   # the local serve, same .env
  $ chatctl console --channel 'private-conversation.*' --no-payload
  $ chatctl console --user 3 --event message.sent
  $ chatctl console --server https://chat.example.com --env-file .env.production
  $ chatctl console --json | jq 'select(.kind == "subscription.refused")'`,
    )
    .action(
      action(async (options: ConsoleOptions) => {
        if (options.user !== undefined && !/^[A-Za-z0-9_.@:-]{1,128}$/.test(options.user)) throw usage(`--user "${options.user}" is not a user id.`);
        let config: AppConfig;
        try {
          config = await loadCommandConfig(options);
        } catch (error) {
          throw error instanceof CliError ? usage(error.message) : error;
        }
        const server = options.server ?? localServer(config);
        try {
          checkServerUrl(server);
        } catch (error) {
          throw error instanceof CliError ? usage(error.message) : error;
        }
        const app = await credentialsFor(config);
        await watch(server, app, options);
      }),
    );
}

async function watch(server: string, app: { key: string; secret: string }, options: ConsoleOptions): Promise<void> {
  const [{ consoleEvents, signedConsoleUrl, ConsoleStreamError }, { formatEvent }, { makeMatcher }] = await Promise.all([
    import('./console-stream.js'),
    import('./console-format.js'),
    import('./console-filter.js'),
  ]);
  const matches = makeMatcher({ channel: options.channel, event: options.event, user: options.user });
  const color = colorWanted(process.stdout);
  const status = (text: string) => process.stderr.write(colorWanted(process.stderr) ? `\u001b[2m${text}\u001b[0m\n` : `${text}\n`);

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', stop); // `chatctl console | head`: the reader left, so do we

  let invalid = 0;
  try {
    for await (const event of consoleEvents(signedConsoleUrl(server, app), abort.signal, () => void invalid++)) {
      if (event.kind === 'heartbeat') continue;
      if (event.kind === 'console.ready') {
        status(`watching ${server} (broadcasting ${event.driver}, chatctl ${event.version}); Ctrl-C to stop`);
        continue;
      }
      if (!matches(event)) continue;
      if (options.json) {
        process.stdout.write(`${JSON.stringify(options.payload ? event : withoutPayload(event))}\n`);
      } else {
        const line = formatEvent(event, { color, payload: options.payload, width: process.stdout.isTTY ? process.stdout.columns : undefined });
        if (line !== undefined) process.stdout.write(`${line}\n`);
      }
    }
  } catch (error) {
    if (!(error instanceof ConsoleStreamError)) throw error;
    const { failure } = error;
    if (failure.kind === 'refused') {
      const said = failure.message.replace(/[.\s]+$/, '');
      throw new CliError(`${server} refused the console (${failure.status}: ${said}); use the .env / --env-file / --db that serve uses.`, EXIT.refused);
    }
    if (failure.kind === 'lost') throw new CliError(`${server} closed the console stream (${failure.message}): it stopped, or dropped this console for reading too slowly.`, EXIT.network);
    if (failure.kind === 'network') throw new CliError(`cannot watch ${server}: ${failure.message} (is chatctl serve running there?).`, EXIT.network);
    const what = failure.status === 404 ? 'has no debug console (404); is it chatctl serve of this version?' : `answered ${failure.status}: ${failure.message}`;
    throw new CliError(`${server} ${what}`, EXIT.api);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (invalid > 0) status(`${invalid} line(s) from the server were not events this chatctl knows (a newer server?)`);
  if (!abort.signal.aborted) {
    throw new CliError(`${server} closed the console stream: it stopped, or dropped this console for reading too slowly.`, EXIT.network);
  }
}

function withoutPayload<E extends object>(event: E): E {
  if (!('payload' in event)) return event;
  const { payload: _payload, ...rest } = event as E & { payload?: string };
  return rest as E;
}
