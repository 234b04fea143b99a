// `chatctl doctor`: checks .env, the database, broadcasting and Pusher credentials (for real) and
// says how to fix each problem. The checks load inside the action, so `chatctl --help` stays fast.
import type { Command } from 'commander';
import { CATEGORIES } from '../doctor/types.js';
import { action, CliError, printJson, style } from './output.js';
import { checkServerUrl } from './verbs/common.js';

interface DoctorOptions {
  envFile?: string;
  server?: string;
  only?: string;
  timeout: string;
  json?: boolean;
}

const fancyOutput = () => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check .env, the database, broadcasting and Pusher credentials (for real) and say how to fix each problem')
    .option('--env-file <path>', 'read configuration from this file instead of ./.env')
    .option('--server <url>', 'also check this running chatctl server (default: the one on HOST:PORT, if one answers)')
    .option('--only <categories>', `run only these categories, comma-separated: ${CATEGORIES.join(', ')} (pusher = credentials,connectivity)`)
    .option('--timeout <seconds>', 'limit for each network check', '5')
    .option('--json', 'print {ok, checks:[{id, category, status, title, detail, fix?}]} as one JSON document')
    .addHelpText(
      'after',
      `
Exit code 1 when a check fails, 0 otherwise (warnings do not fail CI).
Secrets (PUSHER_APP_SECRET, tokens) are never printed: at most their length and last 2 characters.

Examples:
  $ chatctl doctor                                   # everything, for ./.env
  $ chatctl doctor --only credentials,connectivity   # just the Pusher side (alias: --only pusher)
  $ chatctl doctor --server http://127.0.0.1:8000    # also check a running server
  $ chatctl doctor --json | jq '.checks[] | select(.status != "ok")'`,
    )
    .action(
      action(async (options: DoctorOptions) => {
        const seconds = Number(options.timeout);
        if (!/^\d+(\.\d+)?$/.test(options.timeout.trim()) || !(seconds > 0) || seconds > 600) {
          throw new CliError(`--timeout "${options.timeout}" is not a number of seconds between 0 and 600.`);
        }
        if (options.server !== undefined) checkServerUrl(options.server);

        const { createContext } = await import('../doctor/context.js');
        const { parseCategories, runChecks, selectChecks, UnknownCategoryError } = await import('../doctor/runner.js');
        const { renderHuman, toJson } = await import('../doctor/render.js');

        let categories;
        try {
          categories = options.only !== undefined ? parseCategories(options.only) : undefined;
        } catch (error) {
          if (error instanceof UnknownCategoryError) throw new CliError(error.message);
          throw error;
        }
        const ctx = createContext({
          ...(options.envFile !== undefined ? { envFile: options.envFile } : {}),
          ...(options.server !== undefined ? { server: options.server } : {}),
          timeoutMs: Math.round(seconds * 1000),
        });
        const checks = selectChecks(categories);
        if (process.stderr.isTTY) process.stderr.write(`${style.dim(`Running ${checks.length} checks…`)}\n`);
        const report = await runChecks(ctx, checks);

        if (options.json) printJson(toJson(report));
        else {
          const fancy = fancyOutput();
          process.stdout.write(renderHuman(report, style.bold(`Doctor summary for ${ctx.cwd}`), { fancy, paint: style }));
        }
        process.exitCode = report.ok ? 0 : 1;
      }),
    );
}
