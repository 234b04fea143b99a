// `chatctl listen`: print real-time events as they arrive (a pusher-js listener for the terminal).
import type { Command } from 'commander';
import { conversationChannel, CONVERSATION_EVENTS, USER_CHANNEL_PREFIX, USER_EVENTS, userChannel } from '../shared/wire.js';
import { action, CliError, printJson, printLine, style } from './output.js';
import { clientOptions, requireToken, resolve } from './verbs/common.js';

interface ListenOptions {
  server?: string;
  token?: string;
  conversation?: string[];
  json?: boolean;
}


export function registerListen(program: Command): void {
  clientOptions(program.command('listen'), 'one JSON object per event (NDJSON)')
    .description('print real-time events: your conversation list updates and, with --conversation, its messages')
    .option('--conversation <id...>', 'also subscribe to these conversations')
    .addHelpText(
      'after',
      `
Examples:
  $ chatctl listen --token "$TOKEN" --conversation 1
  $ CHATCTL_TOKEN=$TOKEN chatctl listen --json | jq .data.message`,
    )
    .action(
      action(async (options: ListenOptions) => {
        for (const id of options.conversation ?? []) {
          if (!/^[1-9]\d{0,15}$/.test(id)) throw new CliError(`--conversation "${id}" is not a conversation id.`);
        }
        const { ChatApi, ApiError } = await import('../client/api.js');
        const { connectRealtime } = await import('../client/realtime.js');
        const connection = await resolve(options);
        const { server } = connection;
        const token = requireToken(connection);
        const api = new ChatApi(server, token);
        let me;
        let settings;
        try {
          me = await api.me();
          settings = await api.realtime();
        } catch (error) {
          if (error instanceof ApiError) throw new CliError(error.status === 401 ? 'the token was refused (401); create a new one with chatctl token create.' : error.message);
          throw error;
        }
        let client;
        try {
          client = connectRealtime(settings, token);
        } catch (error) {
          throw new CliError(`${(error as Error).message}.`);
        }
        const status = (text: string) => process.stderr.write(`${style.dim(text)}\n`);
        const print = (channel: string, event: string, data: unknown) => {
          if (options.json) printJson({ at: new Date().toISOString(), channel, event, data });
          else printLine(`${style.dim(new Date().toLocaleTimeString())} ${style.cyan(channel)} ${style.bold(event)} ${JSON.stringify(data)}`);
        };
        client.connection.bind('state_change', ({ current }: { current: string }) => status(`connection: ${current}`));
        const channels = [userChannel(me.id), ...(options.conversation ?? []).map((id) => conversationChannel(Number(id)))];
        for (const name of channels) {
          const channel = client.subscribe(name);
          channel.bind('pusher:subscription_succeeded', () => status(`listening on ${name}`));
          channel.bind('pusher:subscription_error', (error: { status?: number }) =>
            status(`cannot listen on ${name}: ${error.status === 403 ? 'not a participant (403)' : JSON.stringify(error)}`),
          );
          for (const event of name.startsWith(USER_CHANNEL_PREFIX) ? USER_EVENTS : CONVERSATION_EVENTS) {
            channel.bind(event, (data: unknown) => print(name, event, data));
          }
        }
        await new Promise<void>((resolve) => {
          const stop = () => {
            client.disconnect();
            resolve();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
}
