// `chatctl messages`: a page of a conversation's history, oldest first.
import type { Command } from 'commander';
import type { Message } from '../../client/api.js';
import { action, CliError, EXIT, printJson, printLine } from '../output.js';
import { apiCall, clientOptions, connect, parseId, printable, type ClientOptions } from './common.js';

interface MessagesOptions extends ClientOptions {
  limit?: string;
  before?: string;
  after?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "HH:MM Name: text" in local time; attachments as "[name url]"; continuation lines indented. */
export function formatMessage(message: Message): string {
  const at = new Date(message.created_at);
  const time = Number.isNaN(at.getTime()) ? '--:--' : `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const parts: string[] = [];
  const attachment = message.attachment;
  if (!attachment || message.message !== attachment.url) parts.push(message.message);
  if (attachment) parts.push(`[${attachment.name} ${attachment.url}]`);
  const text = printable(parts.filter(Boolean).join(' ')).replace(/\n/g, '\n      ');
  return `${time} ${printable(message.sender.name)}: ${text}`;
}

export function registerMessages(program: Command): void {
  clientOptions(program.command('messages'), "print the API's array as JSON")
    .description("print a conversation's messages, oldest first (reading marks the other side's messages read)")
    .argument('<conversation-id>', 'the conversation')
    .option('--limit <n>', 'how many (1-200, default 50)')
    .option('--before <message-id>', 'the messages just before this one (scroll back)')
    .option('--after <message-id>', 'the messages just after this one (catch up)')
    .addHelpText(
      'after',
      `
Lines are "HH:MM Name: text" in local time.

Examples:
  $ chatctl messages 1
  $ chatctl messages 1 --limit 20 --before 120
  $ chatctl messages 1 --after 57 --json | jq -r '.[].message'`,
    )
    .action(
      action(async (rawId: string, options: MessagesOptions) => {
        const conversationId = parseId(rawId, 'conversation id');
        const limit = options.limit === undefined ? undefined : parseId(options.limit, '--limit');
        if (limit !== undefined && limit > 200) throw new CliError(`--limit "${options.limit}" is more than 200.`, EXIT.usage);
        const beforeId = options.before === undefined ? undefined : parseId(options.before, '--before');
        const afterId = options.after === undefined ? undefined : parseId(options.after, '--after');
        if (beforeId !== undefined && afterId !== undefined) throw new CliError('--before and --after cannot be used together.', EXIT.usage);
        const { api } = await connect(options);
        const messages = await apiCall(() => api.messages(conversationId, { limit, beforeId, afterId }), `conversation ${conversationId} does not exist.`);
        if (options.json) return printJson(messages);
        for (const message of messages) printLine(formatMessage(message));
      }),
    );
}
