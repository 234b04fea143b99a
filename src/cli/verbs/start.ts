// `chatctl start`: start (or find) the conversation with a user given by id or e-mail.
import type { Command } from 'commander';
import { action, CliError, EXIT, printJson, printLine } from '../output.js';
import { apiCall, clientOptions, connect, parseId, type ClientOptions } from './common.js';

export function registerStart(program: Command): void {
  clientOptions(program.command('start'), 'print {"conversation_id", "created"} as JSON')
    .description('start a conversation with a user (or find the existing one) and print its id')
    .argument('<user>', "the other user's id or e-mail address")
    .addHelpText(
      'after',
      `
Starting twice gives the same conversation.

Examples:
  $ ID=$(chatctl start bob@example.com)
  $ chatctl send "$ID" "Hi Bob!"
  $ chatctl start 2 --json                 # {"conversation_id":1,"created":true}`,
    )
    .action(
      action(async (who: string, options: ClientOptions) => {
        const target = who.trim();
        const { api } = await connect(options);
        let userId: number;
        if (target.includes('@')) {
          const found = await apiCall(() => api.searchUsers(target));
          // /api/users has no e-mail field, so a search hit cannot be checked for an exact match:
          // accept a single hit (an exact e-mail address rarely matches anyone else).
          if (found.length === 0) {
            const me = await apiCall(() => api.me());
            if (me.email.toLowerCase() === target.toLowerCase()) throw new CliError('you cannot start a conversation with yourself.');
            throw new CliError(`no user has the e-mail ${target}.`);
          }
          if (found.length > 1) {
            throw new CliError(`${found.length} users match ${target} (ids ${found.map((u) => u.id).join(', ')}); pass the user id instead.`);
          }
          userId = found[0]!.id;
        } else {
          if (!/^\d+$/.test(target)) throw new CliError(`"${who}" is neither a user id nor an e-mail address.`, EXIT.usage);
          userId = parseId(target, 'user id');
        }
        const result = await apiCall(() => api.startConversation(userId));
        if (options.json) printJson(result);
        else printLine(String(result.conversation_id));
      }),
    );
}
