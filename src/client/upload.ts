// An attachment sent as multipart/form-data streamed from disk, so the caller can show how much
// has gone (undici's FormData reads a Blob with no progress to report).
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ChatApi, Message, StreamBody } from './api.js';

export interface UploadFile {
  path: string;
  /** the name the server stores (its base name) */
  name: string;
  size: number;
}

/** A form field's quoted value: quotes and line breaks would end the header early. */
function quoted(value: string): string {
  return `"${value.replace(/["\r\n\\]/g, '_')}"`;
}

export function multipartFile(file: UploadFile, onProgress?: (sent: number) => void): StreamBody {
  const boundary = `chatctl${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=${quoted(file.name)}\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + file.size + tail.length,
    stream() {
      return Readable.from(
        (async function* () {
          yield head;
          let sent = 0;
          for await (const chunk of createReadStream(file.path, { highWaterMark: 64 * 1024 })) {
            const bytes = chunk as Buffer;
            sent += bytes.length;
            yield bytes;
            onProgress?.(sent);
          }
          yield tail;
        })(),
      );
    },
  };
}

/** Sends a file as a message; the server decides image or file by sniffing its content. */
export async function sendFile(
  api: ChatApi,
  conversationId: number,
  file: UploadFile,
  options: { idempotencyKey: string; socketId?: string; onProgress?: (sent: number) => void },
): Promise<Message> {
  const headers: Record<string, string> = { 'idempotency-key': options.idempotencyKey };
  if (options.socketId) headers['x-socket-id'] = options.socketId;
  const response = await api.send<Message>('POST', `/api/chat/conversations/${conversationId}/messages`, multipartFile(file, options.onProgress), headers);
  return response.data;
}
