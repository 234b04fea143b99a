// `chatctl serve`: the chat API + broadcasting, ready line on stdout, clean shutdown on signals.
import type { Command } from 'commander';
import { loadCommandConfig, type CommonOptions } from './config-options.js';
import { demoLines } from './demo-lines.js';
import { action, CliError, printJson, printLine, style } from './output.js';

interface ServeOptions extends CommonOptions {
  host?: string;
  port?: string;
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
  demo?: boolean;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new CliError(`--port must be a port number between 0 and 65535, not "${value}".`);
  return Number(value);
}

export function registerServe(program: Command, version: string): void {
  program
    .command('serve')
    .description('run the chat HTTP API with its embedded Pusher-protocol server')
    .option('--host <host>', 'address to listen on (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on, 0 picks a free one (env PORT, default 8000)')
    .option('--db <file>', 'SQLite database file (env DB_DATABASE, default ./database/chat.sqlite)')
    .option('--env-file <path>', 'read configuration from this file instead of ./.env')
    .option('--json', 'print the ready line as JSON')
    .option('--verbose', 'log every request, broadcast and connection problem to stderr')
    .option('--debug', 'print every connection, subscription, publish and trigger to stderr (as chatctl console shows them)')
    .option('--demo', 'seed demo users and conversations (English and Arabic) and print their logins; safe to repeat')
    .addHelpText(
      'after',
      `
Examples:
  $ chatctl serve                              # http://127.0.0.1:8000, embedded Pusher server
  $ chatctl serve --port 0 --db /tmp/chat.sqlite
  $ BROADCAST_DRIVER=pusher chatctl serve      # trigger through Pusher Channels (PUSHER_* from .env)
  $ APP_LOCALE=ar chatctl serve                # Arabic API messages, as the original app
  $ chatctl serve --debug                      # watch connections, subscriptions and publishes here
  $ chatctl serve --demo                       # demo users to log in as with chatctl chat`,
    )
    .action(
      action(async (localOptions: ServeOptions, command: Command) => {
        // --verbose also exists on the root program, which claims it wherever it appears.
        const options: ServeOptions = { ...localOptions, verbose: Boolean(command.optsWithGlobals().verbose) };
        const config = await loadCommandConfig(options, {
          ...(options.host ? { host: options.host } : {}),
          ...(options.port !== undefined ? { port: parsePort(options.port) } : {}),
        });
        const { startServer, StartupError } = await import('../server/runtime.js');
        const { DatabaseOpenError, describeStore } = await import('../server/store/index.js');
        const log = (level: 'info' | 'warn' | 'error', message: string) => {
          if (level === 'info' && !options.verbose && config.broadcastDriver !== 'log') return;
          process.stderr.write(`${new Date().toISOString()} ${level}: ${message}\n`);
        };
        let server;
        try {
          server = await startServer(config, {
            log,
            version,
            accessLog: options.verbose ? (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`) : undefined,
            demo: Boolean(options.demo),
          });
        } catch (error) {
          if (error instanceof StartupError || error instanceof DatabaseOpenError) throw new CliError(error.message);
          throw error;
        }

        if (options.debug) (await import('./serve-debug.js')).printDebugEvents(server.debug);

        if (options.json) {
          printJson({
            url: server.url,
            port: server.port,
            driver: server.driver,
            ws_url: server.realtime.wsUrl,
            key: server.realtime.key,
            database: describeStore(config),
            ...(server.demo ? { demo: server.demo.logins.map(({ name, email, password, usable }) => ({ name, email, password, usable })) } : {}),
          });
        } else {
          const realtime = server.realtime.wsUrl ? `, realtime ${server.realtime.wsUrl} key ${server.realtime.key}` : '';
          printLine(`${style.green('chatctl ready')} on ${style.bold(server.url)}  (broadcasting ${server.driver}${realtime}, database ${describeStore(config)})`);
          if (server.demo) {
            for (const line of demoLines(server.demo, server.url)) printLine(line);
          } else if ((await server.store.listUsers({ limit: 1 })).length === 0) {
            // One indexed row, not a count: start-up stays fast on a large database.
            printLine(`  next: create a user   chatctl user create --name Ann --email ann@example.com --password 'secret123'${options.db ? ` --db ${options.db}` : ''}`);
            printLine(`        or register     curl -s ${server.url}/api/register -d name=Ann -d email=ann@example.com -d password=secret123`);
          }
          printLine(style.dim('  Ctrl-C to stop'));
        }

        await new Promise<void>((resolve) => {
          const stop = (signal: NodeJS.Signals) => {
            process.stderr.write(`${signal === 'SIGINT' ? '\n' : ''}chatctl: shutting down\n`);
            const force = setTimeout(() => process.exit(1), 5000);
            force.unref();
            void server.close().then(resolve);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
}
