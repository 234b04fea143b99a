// Serving a stored attachment: the stored name is checked again (the database may hold rows an
// older version wrote), the path must resolve inside the uploads folder, and the length sent is
// the file's real size, never the recorded one. Anything else is a 404, never a 500.
import { open, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { Attachment } from '../store/index.js';
import { STORED_NAME_RE } from './uploads.js';

/** Raster formats recognised from their bytes: the only attachments served inline. */
const INLINE_IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Opens the attachment's file, or null when it is not a regular file the server stored. */
async function openStored(uploadsDir: string, storedName: unknown): Promise<{ handle: FileHandle; size: number } | null> {
  if (typeof storedName !== 'string' || !STORED_NAME_RE.test(storedName)) return null;
  const folder = resolve(uploadsDir);
  const path = resolve(join(folder, storedName));
  if (dirname(path) !== folder) return null;
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch {
    return null;
  }
  const stats = await handle.stat().catch(() => null);
  if (!stats?.isFile()) {
    await handle.close();
    return null;
  }
  return { handle, size: stats.size };
}

/** Sends the file; false when there is nothing servable (the route answers 404). */
export async function sendAttachment(reply: FastifyReply, uploadsDir: string, attachment: Attachment): Promise<boolean> {
  const file = await openStored(uploadsDir, attachment.storedName);
  if (!file) return false;
  const inline = INLINE_IMAGE_TYPES.has(attachment.mime);
  const stream = file.handle.createReadStream({ end: Math.max(0, file.size - 1), autoClose: true });
  if (file.size === 0) stream.destroy();
  reply
    .header('content-type', inline ? attachment.mime : 'application/octet-stream')
    .header('content-length', String(file.size))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, max-age=86400')
    .header(
      'content-disposition',
      `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(String(attachment.originalName))}`,
    );
  await reply.send(file.size === 0 ? '' : stream);
  return true;
}
