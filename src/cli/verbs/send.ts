// `chatctl send`: send a text, image or file message, safely retried with an Idempotency-Key.
import type { Command } from 'commander';
import { action, CliError, EXIT, printJson, printLine } from '../output.js';
import { clientOptions, connect, parseId, toCliError, type ClientOptions } from './common.js';

interface SendOptions extends ClientOptions {
  type?: string;
  file?: string;
  idempotencyKey?: string;
}

const TYPES = ['text', 'image', 'file'] as const;
type MessageType = (typeof TYPES)[number];

/** The declared type of an upload (images are recognised by the server from their bytes anyway). */
const MIME: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  zip: 'application/zip',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export function registerSend(program: Command): void {
  clientOptions(program.command('send'), "print the API's message as JSON")
    .description('send a message and print its id')
    .argument('<conversation-id>', 'the conversation')
    .argument('[text...]', 'the message ("-" reads it from stdin); optional with --file')
    .option('--type <type>', 'text, image or file (default: text, or guessed from --file)')
    .option('--file <path>', 'attach this file (multipart upload)')
    .option('--idempotency-key <key>', 'make retries safe across runs (default: a new random key, reused for the automatic retry)')
    .addHelpText(
      'after',
      `
A network failure is retried once with the same Idempotency-Key, so it never sends twice.

Examples:
  $ chatctl send 1 "Hi Bob!"
  $ MSG=$(chatctl send 1 deploy finished --idempotency-key "deploy-$BUILD_ID")
  $ chatctl send 1 --file photo.png "the view"      # image detected from its bytes
  $ git log -1 --format=%s | chatctl send 1 -
  $ chatctl send 1 "hello" --json | jq .id`,
    )
    .action(
      action(async (rawId: string, words: string[], options: SendOptions) => {
        const conversationId = parseId(rawId, 'conversation id');
        if (options.type !== undefined && !TYPES.includes(options.type as MessageType)) {
          throw new CliError(`--type "${options.type}" is not one of text, image, file.`, EXIT.usage);
        }
        let text: string | undefined = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ');
        if (text === '') text = undefined;
        let file: { path: string; name: string; mime?: string } | undefined;
        if (options.file !== undefined) {
          const { stat } = await import('node:fs/promises');
          const { basename, extname } = await import('node:path');
          const info = await stat(options.file).catch(() => null);
          if (!info) throw new CliError(`cannot read ${options.file}: no such file.`);
          if (!info.isFile()) throw new CliError(`cannot send ${options.file}: it is not a file.`);
          const mime = MIME[extname(options.file).slice(1).toLowerCase()];
          file = { path: options.file, name: basename(options.file), ...(mime ? { mime } : {}) };
        }
        if (text === undefined && !file) throw new CliError('nothing to send: give the text, "-" to read it from stdin, or --file.', EXIT.usage);
        if (text !== undefined && text.trim() === '' && !file) throw new CliError('the message is blank.');

        const { api } = await connect(options);
        const { randomUUID } = await import('node:crypto');
        const { ApiError } = await import('../../client/api.js');
        const key = options.idempotencyKey ?? randomUUID();
        const request = {
          ...(text !== undefined ? { message: text } : {}),
          ...(options.type ? { type: options.type as MessageType } : {}),
          ...(file ? { file } : {}),
          idempotencyKey: key,
        };
        let sent;
        for (let attempt = 1; ; attempt++) {
          try {
            sent = await api.sendMessage(conversationId, request);
            break;
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            // status 0: no answer (refused, reset, timed out); the same key makes the retry safe.
            if (error.status === 0 && attempt === 1) {
              await new Promise((r) => setTimeout(r, 500));
              continue;
            }
            throw toCliError(error, `conversation ${conversationId} does not exist.`);
          }
        }
        if (options.json) printJson(sent.message);
        else printLine(String(sent.message.id));
      }),
    );
}
