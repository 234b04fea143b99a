// `chatctl conversations`: your conversation list, newest activity first.
import type { Command } from 'commander';
import type { ConversationItem } from '../../client/api.js';
import { action, printJson, printLine, printTable } from '../output.js';
import { apiCall, clientOptions, connect, printable, truncate, type ClientOptions } from './common.js';

const ATTACHMENT_URL = /\/api\/chat\/messages\/\d+\/attachment$/;

/** "You: " for your own last message; `[image]`/`[file]` instead of a bare attachment URL. */
function lastMessage(item: ConversationItem): string | null {
  const latest = item.latest_message;
  if (!latest) return null;
  const mine = latest.sender_id !== item.other_user.id ? 'You: ' : '';
  const kind = latest.type === 'text' ? '' : `[${latest.type}]`;
  const text = kind && ATTACHMENT_URL.test(latest.message) ? '' : latest.message;
  return truncate(`${mine}${[kind, text].filter(Boolean).join(' ')}`, 40);
}

export function registerConversations(program: Command): void {
  clientOptions(program.command('conversations'), "print the API's array as JSON")
    .description('list your conversations, newest activity first, with unread counts')
    .addHelpText(
      'after',
      `
Examples:
  $ chatctl conversations
  $ chatctl conversations --json | jq '.[] | select(.unread_count > 0) | .id'`,
    )
    .action(
      action(async (options: ClientOptions) => {
        const { api } = await connect(options);
        const list = await apiCall(() => api.conversations());
        if (options.json) return printJson(list);
        if (list.length === 0) return printLine('No conversations yet. Start one with: chatctl start <user-id or e-mail>');
        printTable(
          ['ID', 'WITH', 'UNREAD', 'LAST MESSAGE', 'WHEN'],
          list.map((c) => [c.id, printable(c.other_user.name), c.unread_count, lastMessage(c), c.latest_message?.created_at ?? null]),
        );
      }),
    );
}
