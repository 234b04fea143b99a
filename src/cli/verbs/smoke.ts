// `chatctl smoke`: an end-to-end check of a running server for CI — HTTP API, channel auth,
// real-time delivery through pusher-js and read receipts, with two throwaway users (or two given
// tokens), and optionally a short load run. Real-time delivery is the point: without it, it fails.
import type { Command } from 'commander';
import type { ChatApi, Message } from '../../client/api.js';
import type { PusherClient } from '../../client/realtime.js';
import { conversationChannel, EVENTS } from '../../shared/wire.js';
import { action, CliError, colorWanted, EXIT, printJson, printLine, style } from '../output.js';
import { exitCodeFor, parseSeconds, resolve, sentence, serverOption, TOKEN_REFUSED } from './common.js';
import { loadRun, LoadTimeout, type LoadResult } from './smoke-load.js';
import { Failed, formatStep, Skip, within, type StepResult } from './smoke-steps.js';

interface SmokeOptions {
  server?: string;
  timeout: string;
  token?: string[];
  count?: string;
  skipRealtime?: boolean;
  json?: boolean;
}

const REALTIME_FIX =
  'set BROADCAST_DRIVER=embedded (built in, no account) or pusher with PUSHER_* credentials and restart chatctl serve, or pass --skip-realtime to test the HTTP API alone';

export function registerSmoke(program: Command): void {
  serverOption(program.command('smoke'))
    .description('end-to-end smoke test of a running server (for CI): exit 0 only if every step passes')
    .option('--timeout <seconds>', 'how long to wait for real-time connection and delivery', '5')
    .option('--token <token...>', "use two existing users' tokens (sender, then recipient) instead of registering throwaway users")
    .option('--count <n>', 'after the steps, send n more messages and report send→receive latency p50/p99')
    .option('--skip-realtime', 'do not fail when the server delivers no real-time events (BROADCAST_DRIVER=log or null)')
    .option('--json', 'print {ok, steps:[{name, ok, ms, error?, skipped?}], latency_ms, load?} as JSON')
    .addHelpText(
      'after',
      `
Registers two throwaway users (left in the database; their tokens are revoked at the end), or
uses the two --token users (nothing is revoked), starts a conversation, subscribes the second
user with pusher-js (configured from /api/chat/realtime), sends a message as the first, checks
the HTTP history, that message.sent arrives within --timeout, the unread count, marking read and
is_read. A server that delivers no real-time events (BROADCAST_DRIVER=log or null) fails at
"realtime connect" unless --skip-realtime.

Examples:
  $ chatctl smoke --server http://127.0.0.1:8000
  $ chatctl smoke --server https://chat.example.com --timeout 10 --json | jq .latency_ms
  $ chatctl smoke --token "$ANN" --token "$BOB"        # registration closed: two existing users
  $ chatctl smoke --count 200 --json | jq .load        # {count, received, p50_ms, p99_ms, max_ms, rate}`,
    )
    .action(
      action(async (options: SmokeOptions) => {
        const seconds = parseSeconds(options.timeout);
        const timeoutMs = Math.round(seconds * 1000);
        const tokens = options.token;
        if (tokens !== undefined && (tokens.length !== 2 || tokens.some((t) => t.trim() === '') || tokens[0] === tokens[1])) {
          throw new CliError('--token needs two different tokens: --token SENDER --token RECIPIENT.', EXIT.usage);
        }
        const count = options.count === undefined ? undefined : Number(options.count);
        if (options.count !== undefined && (!/^[1-9]\d{0,4}$/.test(options.count.trim()) || count! > 10_000)) {
          throw new CliError(`--count "${options.count}" is not a whole number between 1 and 10000.`, EXIT.usage);
        }
        const { server } = await resolve({ server: options.server });
        const { ChatApi, ApiError } = await import('../../client/api.js');
        const { connectRealtime } = await import('../../client/realtime.js');
        const { randomBytes, randomUUID } = await import('node:crypto');

        const steps: StepResult[] = [];
        let latencyMs: number | null = null;
        let load: LoadResult | undefined;
        const started = performance.now();

        const run = async (name: string, body: () => Promise<string | void>): Promise<void> => {
          const t0 = performance.now();
          let result: StepResult;
          let detail: string | undefined;
          try {
            detail = (await body()) ?? undefined;
            result = { name, ok: true, ms: Math.round(performance.now() - t0) };
          } catch (error) {
            const ms = Math.round(performance.now() - t0);
            result = error instanceof Skip ? { name, ok: true, ms, skipped: sentence(error.message) } : { name, ok: false, ms, error: error instanceof ApiError && error.status === 401 ? TOKEN_REFUSED : sentence(error instanceof Error ? error.message : String(error)) };
            if (!(error instanceof Skip)) {
              exitCode = error instanceof Failed ? error.exitCode : error instanceof ApiError ? exitCodeFor(error) : error instanceof LoadTimeout ? EXIT.timeout : EXIT.api;
            }
          }
          steps.push(result);
          if (!options.json) printLine(formatStep(result, detail));
          if (!result.ok) throw new Failed(result.error ?? '', exitCode);
        };

        let exitCode: number = EXIT.api;
        const check = (condition: boolean, message: string) => {
          if (!condition) throw new Failed(message);
        };

        const anonymous = new ChatApi(server);
        let ann: { api: ChatApi; id: number } | undefined;
        let bob: { api: ChatApi; id: number; token: string } | undefined;
        let conversationId = 0;
        let pusher: PusherClient | undefined;
        let realtimeSkip: string | undefined;
        let received: Promise<{ at: number; data: { id?: number } }> | undefined;
        let sent: Message | undefined;
        /** message id → when its message.sent arrived (or who waits for it), for the load run. */
        const arrivals = new Map<number, number>();
        const waiters = new Map<number, (at: number) => void>();
        const arrived = (id: number, at: number) => {
          const waiter = waiters.get(id);
          if (waiter) {
            waiters.delete(id);
            waiter(at);
          } else arrivals.set(id, at);
        };
        const arrival = (id: number) =>
          new Promise<number>((done) => {
            const at = arrivals.get(id);
            if (at !== undefined) done(at);
            else waiters.set(id, done);
          });

        try {
          await run('health', async () => {
            const health = await anonymous.health();
            check(health?.status === 'ok', health?.status ? `the server reports status ${health.status} (database ${health.database})` : `${server}/health did not answer like a chatctl server`);
            return `chatctl ${health.version ?? '?'}, broadcasting ${health.broadcasting?.driver ?? '?'}`;
          });

          await run(tokens ? 'use given users' : 'register users', async () => {
            if (tokens) {
              const use = async (token: string) => ({ api: new ChatApi(server, token), id: (await new ChatApi(server, token).me()).id, token });
              ann = await use(tokens[0]!);
              bob = await use(tokens[1]!);
              check(ann.id !== bob.id, `both tokens belong to user ${ann.id}; give two different users`);
              return `ids ${ann.id} and ${bob.id}`;
            }
            const tag = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
            const make = async (letter: string) => {
              const result = await anonymous.register({
                name: `Smoke ${letter.toUpperCase()} ${tag}`,
                email: `chatctl-smoke-${tag}-${letter}@example.com`,
                password: randomBytes(18).toString('base64url'),
                device_name: 'chatctl smoke',
              });
              return { api: new ChatApi(server, result.token), id: result.user.id, token: result.token };
            };
            ann = await make('a');
            bob = await make('b');
            return `ids ${ann.id} and ${bob.id}`;
          });
          const a = ann!;
          const b = bob!;

          let unreadBefore = 0;
          await run('start conversation', async () => {
            const result = await a.api.startConversation(b.id);
            check(result.created || tokens !== undefined, `starting a conversation between two new users returned the existing conversation ${result.conversation_id}`);
            conversationId = result.conversation_id;
            if (!result.created) unreadBefore = (await b.api.conversations()).find((c) => c.id === conversationId)?.unread_count ?? 0;
            return `conversation ${conversationId}${result.created ? '' : ' (existing)'}`;
          });

          await run('realtime connect', async () => {
            const settings = await anonymous.realtime();
            if (options.skipRealtime) {
              realtimeSkip = '--skip-realtime';
              throw new Skip(realtimeSkip);
            }
            if (!settings.enabled || !settings.key || !settings.ws_host) {
              throw new Failed(`the server's broadcasting driver is ${settings.driver}, so messages are never delivered in real time; ${REALTIME_FIX}`);
            }
            const client = connectRealtime(settings, b.token);
            pusher = client;
            const channelName = conversationChannel(conversationId);
            const channel = client.subscribe(channelName);
            received = new Promise((done) => {
              channel.bind(EVENTS.messageSent, (data: { id?: number }) => {
                if (typeof data?.id === 'number') arrived(data.id, performance.now());
                if (sent === undefined || data?.id === sent.id) done({ at: performance.now(), data });
              });
            });
            // never leave it unhandled when an earlier step fails
            received.catch(() => undefined);
            const subscribed = new Promise<void>((done, fail) => {
              channel.bind('pusher:subscription_succeeded', () => done());
              channel.bind('pusher:subscription_error', (error: { status?: number; error?: string }) =>
                fail(new Failed(`channel authorization for ${channelName} failed${error?.status ? ` (HTTP ${error.status})` : ''}`)),
              );
            });
            const wsUrl = settings.force_tls ? `wss://${settings.ws_host}:${settings.wss_port ?? 443}` : `ws://${settings.ws_host}:${settings.ws_port ?? 80}`;
            await within(subscribed, timeoutMs, () =>
              client.connection.state === 'connected'
                ? `subscribing to ${channelName} took longer than ${seconds} s`
                : `no WebSocket connection to ${wsUrl} within ${seconds} s`,
            );
            return `subscribed to ${channelName} as user ${b.id}`;
          });

          let sendStarted = 0;
          const text = `smoke test ${randomUUID()}`;
          await run('send message', async () => {
            sendStarted = performance.now();
            const result = await a.api.sendMessage(conversationId, { message: text, type: 'text', idempotencyKey: randomUUID() });
            sent = result.message;
            check(sent.message === text && sent.sender_id === a.id, 'the sent message came back with a different text or sender');
            return `message ${sent.id}`;
          });
          const message = sent!;

          await run('history', async () => {
            const history = await a.api.messages(conversationId);
            const found = history.find((m) => m.id === message.id);
            check(found !== undefined, `message ${message.id} is not in the conversation's history`);
            check(found!.message === text, `message ${message.id} has a different text in the history`);
            check(found!.is_read === false, `message ${message.id} is already marked read before the recipient read it`);
            return `message ${message.id} found, not read yet`;
          });

          await run('receive message.sent', async () => {
            if (realtimeSkip !== undefined || !received) throw new Skip(realtimeSkip ?? 'no real-time connection');
            const remaining = Math.max(0, timeoutMs - (performance.now() - sendStarted));
            const event = await within(received, remaining, () => `message.sent for message ${message.id} did not arrive within ${seconds} s`);
            check(event.data?.id === message.id, `message.sent carried message ${event.data?.id}, expected ${message.id}`);
            latencyMs = Math.round((event.at - sendStarted) * 10) / 10;
            return `send→receive latency ${latencyMs} ms`;
          });

          await run('unread count', async () => {
            const row = (await b.api.conversations()).find((c) => c.id === conversationId);
            check(row !== undefined, `conversation ${conversationId} is not in the recipient's list`);
            check(row!.unread_count === unreadBefore + 1, `the recipient's unread count is ${row!.unread_count}, expected ${unreadBefore + 1}`);
            return `${unreadBefore + 1} unread for the recipient`;
          });

          await run('mark read', async () => {
            const result = await b.api.markRead(conversationId);
            check(result.last_read_message_id === message.id, `marking read stopped at message ${result.last_read_message_id}, expected ${message.id}`);
            return `read up to message ${message.id}`;
          });

          await run('is_read', async () => {
            const found = (await a.api.messages(conversationId)).find((m) => m.id === message.id);
            check(found?.is_read === true, `message ${message.id} is not marked read for its sender after the recipient read it`);
            const row = (await b.api.conversations()).find((c) => c.id === conversationId);
            check(row?.unread_count === 0, `the recipient's unread count is ${row?.unread_count} after reading, expected 0`);
            return 'is_read true, 0 unread';
          });

          if (count !== undefined) {
            await run(`load (${count} messages)`, async () => {
              load = await loadRun({ api: a.api, conversationId, count, timeoutMs, ...(realtimeSkip === undefined ? { arrival } : {}), randomKey: randomUUID });
              const what = realtimeSkip === undefined ? 'send→receive' : 'send (HTTP only)';
              return `${what} p50 ${load.p50_ms} ms, p99 ${load.p99_ms} ms, max ${load.max_ms} ms, ${load.rate} messages/s`;
            });
          }

          await run('logout', async () => {
            // Close the subscription first: a revoked token's socket is closed by the server, and
            // pusher-js would otherwise keep trying to reconnect it.
            pusher?.disconnect();
            if (tokens) {
              ann = bob = undefined;
              throw new Skip('the given tokens are kept');
            }
            await a.api.logout();
            await b.api.logout();
            ann = bob = undefined;
            return 'both tokens revoked';
          });
        } catch (error) {
          if (!(error instanceof Failed)) throw error;
        } finally {
          pusher?.disconnect();
          // best effort: revoke what an early failure left behind
          await Promise.allSettled([ann?.api.logout(), bob?.api.logout()]);
        }

        const failed = steps.find((s) => !s.ok);
        const skipped = steps.filter((s) => s.skipped !== undefined).length;
        const totalMs = Math.round(performance.now() - started);
        if (options.json) {
          printJson({ ok: !failed, server, steps, latency_ms: latencyMs, ...(load ? { load } : {}) });
        } else if (!failed) {
          const latency = latencyMs === null ? 'send→receive latency not measured' : `send→receive latency ${latencyMs} ms`;
          printLine(
            `${colorWanted() ? style.green('✓') : 'ok  '} smoke test passed: ${steps.length - skipped} steps passed${skipped ? `, ${skipped} skipped` : ''} in ${totalMs} ms, ${latency}`,
          );
        }
        if (failed) throw new CliError(`smoke test failed at step "${failed.name}": ${failed.error ?? 'unknown error.'}`, exitCode);
      }),
    );
}
