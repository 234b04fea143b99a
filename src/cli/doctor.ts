// `chatctl doctor`: checks .env, the database, broadcasting and Pusher credentials (for real) and
// says how to fix each problem. The checks load inside the action, so `chatctl --help` stays fast.
import type { Command } from 'commander';
import { CATEGORIES } from '../doctor/types.js';
import { action, CliError, colorWanted, EXIT, printJson, style } from './output.js';
import { checkServerUrl, parseSeconds } from './verbs/common.js';

interface DoctorOptions {
  envFile?: string;
  server?: string;
  only?: string;
  timeout: string;
  json?: boolean;
  token?: string;
  strict?: boolean;
  offline?: boolean;
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check .env, the database, broadcasting and Pusher credentials (for real) and say how to fix each problem')
    .option('--env-file <path>', 'read configuration from this file instead of ./.env')
    .option('--server <url>', 'also check this running chatctl server or Laravel app (default: the chatctl on HOST:PORT, if one answers)')
    .option('--token <token>', "a user's bearer token: --server's /broadcasting/auth is probed with it, as Echo would")
    .option('--only <categories>', `run only these categories, comma-separated: ${CATEGORIES.join(', ')} (pusher = credentials,connectivity)`)
    .option('--timeout <seconds>', 'limit for each network check', '5')
    .option('--strict', 'warnings fail too (exit 1), for CI that wants a clean bill')
    .option('--offline', 'skip every network check (Pusher host, front-end handshake, running server)')
    .option('--json', 'print {ok, checks:[{id, category, status, title, detail, fix?}]} as one JSON document')
    .addHelpText(
      'after',
      `
Exit code 1 when a check fails (with --strict: or warns), 0 otherwise; 2 for a usage error.
Secrets (PUSHER_APP_SECRET, passwords, tokens, and a key that could be the secret) are never
printed: at most their length and last 2 characters.

Examples:
  $ chatctl doctor                                   # everything, for ./.env
  $ chatctl doctor --only credentials,connectivity   # just the Pusher side (alias: --only pusher)
  $ chatctl doctor --server http://127.0.0.1:8000    # also check a running server
  $ chatctl doctor --server https://app.test --token "$TOKEN"  # the Laravel app's /broadcasting/auth
  $ chatctl doctor --strict --offline                # CI: no network, warnings fail
  $ chatctl doctor --json | jq '.checks[] | select(.status != "ok")'`,
    )
    .action(
      action(async (options: DoctorOptions) => {
        const seconds = parseSeconds(options.timeout);
        if (options.server !== undefined) checkServerUrl(options.server);
        if (options.token !== undefined && options.token.trim() === '') throw new CliError('--token is empty.', EXIT.usage);

        const { createContext } = await import('../doctor/context.js');
        const { parseCategories, runChecks, selectChecks, UnknownCategoryError } = await import('../doctor/runner.js');
        const { renderHuman, toJson } = await import('../doctor/render.js');

        let categories;
        try {
          categories = options.only !== undefined ? parseCategories(options.only) : undefined;
        } catch (error) {
          if (error instanceof UnknownCategoryError) throw new CliError(error.message, EXIT.usage);
          throw error;
        }
        const ctx = createContext({
          ...(options.envFile !== undefined ? { envFile: options.envFile } : {}),
          ...(options.server !== undefined ? { server: options.server } : {}),
          ...(options.token !== undefined ? { token: options.token } : {}),
          offline: options.offline === true,
          timeoutMs: Math.round(seconds * 1000),
        });
        const checks = selectChecks(categories);
        if (process.stderr.isTTY) process.stderr.write(`${style.dim(`Running ${checks.length} checks…`)}\n`);
        const report = await runChecks(ctx, checks, { strict: options.strict === true });

        if (options.json) printJson(toJson(report));
        else {
          const fancy = colorWanted();
          process.stdout.write(renderHuman(report, style.bold(`Doctor summary for ${ctx.cwd}`), { fancy, paint: style }));
        }
        process.exitCode = report.ok ? 0 : 1;
      }),
    );
}
