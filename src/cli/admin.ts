// `chatctl user …` and `chatctl token …`: manage accounts and tokens directly in the database.
import type { Command } from 'commander';
import { EMAIL_PATTERN } from '../shared/email.js';
import { openStore, type CommonOptions } from './config-options.js';
import { action, CliError, printJson, printLine, printTable } from './output.js';

interface UserCreateOptions extends CommonOptions {
  name: string;
  email: string;
  password: string;
  avatar?: string;
  json?: boolean;
}


async function withStore<T>(options: CommonOptions, run: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const store = await openStore(options);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function common(command: Command): Command {
  return command
    .option('--db <file>', 'SQLite database file (env DB_DATABASE, default ./database/chat.sqlite)')
    .option('--env-file <path>', 'read configuration from this file instead of ./.env');
}

export function registerAdmin(program: Command): void {
  const user = program
    .command('user')
    .description('manage user accounts in the database (no server needed)')
    .addHelpText('after', `\nExamples:\n  $ chatctl user create --name Ann --email ann@example.com --password 'secret123'\n  $ chatctl user list --search ann --json`);

  common(user.command('create'))
    .description('create a user')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--email <email>', 'e-mail address (unique, case-insensitive)')
    .requiredOption('--password <password>', 'password, at least 8 characters')
    .option('--avatar <url>', 'avatar URL')
    .option('--json', 'print the user as JSON')
    .addHelpText('after', `\nExample:\n  $ chatctl user create --name Ann --email ann@example.com --password 'secret123' --json`)
    .action(
      action(async (options: UserCreateOptions) => {
        const name = options.name.trim();
        const email = options.email.trim();
        if (!name) throw new CliError('--name must not be empty.');
        if (name.length > 255) throw new CliError('--name must be at most 255 characters.');
        if (!EMAIL_PATTERN.test(email) || email.length > 255) throw new CliError(`--email "${email}" is not a valid e-mail address.`);
        if (options.password.length < 8) throw new CliError('--password must be at least 8 characters.');
        const { hashPassword } = await import('../server/auth/passwords.js');
        const { EmailTakenError } = await import('../server/store/index.js');
        await withStore(options, async (store) => {
          try {
            const created = await store.createUser({ name, email, passwordHash: await hashPassword(options.password), avatar: options.avatar ?? null });
            if (options.json) printJson({ id: created.id, name: created.name, email: created.email, avatar: created.avatar });
            else printLine(`Created user ${created.id} ${created.name} <${created.email}>`);
          } catch (error) {
            if (error instanceof EmailTakenError) throw new CliError(error.message);
            throw error;
          }
        });
      }),
    );

  common(user.command('list'))
    .description('list users')
    .option('--search <text>', 'only names or e-mails containing this text')
    .option('--json', 'print a JSON array')
    .addHelpText('after', `\nExamples:\n  $ chatctl user list\n  $ chatctl user list --search ann --json --db ./database/chat.sqlite`)
    .action(
      action(async (options: CommonOptions & { search?: string; json?: boolean }) => {
        await withStore(options, async (store) => {
          const users = await store.listUsers({ search: options.search, limit: 10_000 });
          if (options.json) printJson(users.map((u) => ({ id: u.id, name: u.name, email: u.email, avatar: u.avatar, created_at: u.createdAt })));
          else if (users.length === 0) printLine('No users yet. Create one with: chatctl user create --name N --email E --password P');
          else printTable(['ID', 'NAME', 'EMAIL', 'CREATED'], users.map((u) => [u.id, u.name, u.email, u.createdAt]));
        });
      }),
    );

  const token = program
    .command('token')
    .description('manage personal access tokens (no server needed)')
    .addHelpText('after', `\nExamples:\n  $ chatctl token create --email ann@example.com\n  $ chatctl token list --email ann@example.com\n  $ chatctl token revoke 3`);

  common(token.command('create'))
    .description('create a token for a user and print it (shown once)')
    .requiredOption('--email <email>', "the user's e-mail")
    .option('--name <name>', 'a label for the token', 'cli')
    .option('--json', 'print {"id","token","user_id"} as JSON')
    .addHelpText('after', `\nExample:\n  $ TOKEN=$(chatctl token create --email ann@example.com)\n  $ curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/user`)
    .action(
      action(async (options: CommonOptions & { email: string; name: string; json?: boolean }) => {
        await withStore(options, async (store) => {
          const found = await store.findUserByEmail(options.email.trim());
          if (!found) throw new CliError(`No user has the e-mail ${options.email.trim()}; create one with chatctl user create.`);
          const { token: created, plainText } = await store.createToken(found.id, options.name);
          if (options.json) printJson({ id: created.id, token: plainText, user_id: found.id, name: created.name });
          else printLine(plainText);
        });
      }),
    );

  common(token.command('list'))
    .description('list tokens (never their secrets)')
    .option('--email <email>', "only this user's tokens")
    .option('--json', 'print a JSON array')
    .addHelpText('after', `\nExample:\n  $ chatctl token list --email ann@example.com`)
    .action(
      action(async (options: CommonOptions & { email?: string; json?: boolean }) => {
        await withStore(options, async (store) => {
          let userId: number | undefined;
          if (options.email) {
            const found = await store.findUserByEmail(options.email.trim());
            if (!found) throw new CliError(`No user has the e-mail ${options.email.trim()}.`);
            userId = found.id;
          }
          const tokens = await store.listTokens(userId);
          if (options.json) {
            printJson(tokens.map((t) => ({ id: t.id, user_id: t.userId, name: t.name, last_used_at: t.lastUsedAt, revoked_at: t.revokedAt, created_at: t.createdAt })));
          } else if (tokens.length === 0) printLine('No tokens.');
          else printTable(['ID', 'USER', 'NAME', 'LAST USED', 'REVOKED', 'CREATED'], tokens.map((t) => [t.id, t.userId, t.name, t.lastUsedAt, t.revokedAt, t.createdAt]));
        });
      }),
    );

  common(token.command('revoke'))
    .description('revoke a token by id (see token list)')
    .argument('<id>', 'token id')
    .option('--json', 'print {"id","revoked"} as JSON')
    .addHelpText('after', `\nExample:\n  $ chatctl token list          # find the id\n  $ chatctl token revoke 3`)
    .action(
      action(async (id: string, options: CommonOptions & { json?: boolean }) => {
        if (!/^[1-9]\d{0,15}$/.test(id)) throw new CliError(`"${id}" is not a token id; token ids are positive integers (see chatctl token list).`);
        await withStore(options, async (store) => {
          const revoked = await store.revokeToken(Number(id));
          if (!revoked) throw new CliError(`No live token has id ${id} (it does not exist or is already revoked).`);
          if (options.json) printJson({ id: Number(id), revoked: true });
          else printLine(`Revoked token ${id}.`);
        });
      }),
    );
}
