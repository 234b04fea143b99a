// `chatctl listen`: print real-time events as they arrive (a pusher-js listener for the terminal);
// with --count/--timeout it is a building block for "send, then wait for the event" in CI.
import type { Command } from 'commander';
import { conversationChannel, CONVERSATION_EVENTS, USER_CHANNEL_PREFIX, USER_EVENTS, userChannel } from '../shared/wire.js';
import { action, CliError, EXIT, printJson, printLine, style } from './output.js';
import { apiCall, clientOptions, parseSeconds, requireToken, resolve } from './verbs/common.js';

interface ListenOptions {
  server?: string;
  token?: string;
  conversation?: string[];
  event?: string[];
  count?: string;
  timeout?: string;
  json?: boolean;
}

const ALL_EVENTS: readonly string[] = [...CONVERSATION_EVENTS, ...USER_EVENTS];

/** `--event message.sent --event message.read` or `--event message.sent,message.read`. */
export function parseEvents(raw: string[] | undefined): Set<string> | undefined {
  if (!raw) return undefined;
  const names = raw.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!ALL_EVENTS.includes(name)) throw new CliError(`--event "${name}" is not an event chatctl sends; use one or more of: ${ALL_EVENTS.join(', ')}.`, EXIT.usage);
  }
  if (names.length === 0) throw new CliError('--event needs an event name.', EXIT.usage);
  return new Set(names);
}

export function registerListen(program: Command): void {
  clientOptions(program.command('listen'), 'one JSON object per event (NDJSON): {at, channel, event, data}')
    .description('print real-time events: your conversation list updates and, with --conversation, its messages')
    .option('--conversation <id...>', 'also subscribe to these conversations')
    .option('--event <name...>', `only these events (${ALL_EVENTS.join(', ')})`)
    .option('--count <n>', 'exit 0 after this many (matching) events')
    .option('--timeout <seconds>', 'give up after this long: exit 5 if the --count events (without --count: any event) did not arrive')
    .addHelpText(
      'after',
      `
Status lines (connection, subscriptions) go to stderr; events to stdout.

Examples:
  $ chatctl listen --token "$TOKEN" --conversation 1
  $ CHATCTL_TOKEN=$TOKEN chatctl listen --json | jq .data.message
  $ chatctl listen --conversation 1 --event message.sent --count 1 --timeout 10 --json > got.ndjson &
    chatctl send 1 "deploy finished"; wait $!     # CI: exit 0 once the event arrived, 5 if not`,
    )
    .action(
      action(async (options: ListenOptions) => {
        for (const id of options.conversation ?? []) {
          if (!/^[1-9]\d{0,15}$/.test(id)) throw new CliError(`--conversation "${id}" is not a conversation id.`, EXIT.usage);
        }
        const events = parseEvents(options.event);
        const count = options.count === undefined ? undefined : Number(options.count);
        if (options.count !== undefined && (!/^[1-9]\d{0,6}$/.test(options.count.trim()) || !Number.isSafeInteger(count))) {
          throw new CliError(`--count "${options.count}" is not a positive whole number.`, EXIT.usage);
        }
        const timeoutMs = options.timeout === undefined ? undefined : Math.round(parseSeconds(options.timeout) * 1000);
        const { ChatApi } = await import('../client/api.js');
        const { connectRealtime } = await import('../client/realtime.js');
        const connection = await resolve(options);
        const { server } = connection;
        const token = requireToken(connection);
        const api = new ChatApi(server, token);
        const me = await apiCall(() => api.me());
        const settings = await apiCall(() => api.realtime());
        let client: ReturnType<typeof connectRealtime>;
        try {
          client = connectRealtime(settings, token);
        } catch (error) {
          throw new CliError(`${(error as Error).message}.`, EXIT.api);
        }
        const status = (text: string) => process.stderr.write(`${style.dim(text)}\n`);
        let seen = 0;
        let finish: (error?: CliError) => void = () => undefined;
        const done = new Promise<CliError | undefined>((resolveDone) => {
          finish = resolveDone;
        });
        const print = (channel: string, event: string, data: unknown) => {
          if (events && !events.has(event)) return;
          if (count !== undefined && seen >= count) return;
          seen++;
          if (options.json) printJson({ at: new Date().toISOString(), channel, event, data });
          else printLine(`${style.dim(new Date().toLocaleTimeString())} ${style.cyan(channel)} ${style.bold(event)} ${JSON.stringify(data)}`);
          if (count !== undefined && seen >= count) finish();
        };
        client.connection.bind('state_change', ({ current }: { current: string }) => status(`connection: ${current}`));
        const channels = [userChannel(me.id), ...(options.conversation ?? []).map((id) => conversationChannel(Number(id)))];
        for (const name of channels) {
          const channel = client.subscribe(name);
          channel.bind('pusher:subscription_succeeded', () => status(`listening on ${name}`));
          channel.bind('pusher:subscription_error', (error: { status?: number }) => {
            const why = error.status === 403 ? 'not a participant (403)' : JSON.stringify(error);
            status(`cannot listen on ${name}: ${why}`);
            // Waiting for a count on a channel that refused us could only end in a timeout.
            if (count !== undefined) finish(new CliError(`cannot listen on ${name}: ${why}.`, error.status === 401 ? EXIT.auth : EXIT.api));
          });
          for (const event of name.startsWith(USER_CHANNEL_PREFIX) ? USER_EVENTS : CONVERSATION_EVENTS) {
            channel.bind(event, (data: unknown) => print(name, event, data));
          }
        }
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                // Without --count, --timeout is how long to listen: fine if anything arrived.
                if (count === undefined && seen > 0) return finish();
                const wanted = count === undefined ? 'no event' : `${seen} of ${count} events`;
                const where = client.connection.state === 'connected' ? '' : ` (the WebSocket connection is ${client.connection.state})`;
                finish(new CliError(`${wanted} arrived within ${options.timeout} s${where}.`, EXIT.timeout));
              }, timeoutMs);
        const stop = () => finish();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const error = await done;
        clearTimeout(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        client.disconnect();
        if (error) throw error;
      }),
    );
}
