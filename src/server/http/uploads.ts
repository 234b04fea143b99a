// Multipart uploads: files are streamed to the uploads folder (never held in memory), hashed and
// sniffed on the way; anything not claimed by a stored message is deleted when the reply is sent.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface UploadedFile {
  kind: 'uploaded-file';
  path: string;
  storedName: string;
  originalName: string;
  declaredMime: string;
  /** From the file's first bytes; null when it is not a known image format. */
  imageMime: string | null;
  size: number;
  sha256: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    uploads?: UploadedFile[];
  }
  interface FastifyContextConfig {
    acceptsUpload?: boolean;
  }
}

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && (value as UploadedFile).kind === 'uploaded-file';
}

function sniffImage(head: Buffer): string | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 6 && /^GIF8[79]a$/.test(head.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (head.length >= 12 && head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

export function safeFileName(name: string): string {
  const cleaned = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return (cleaned || 'file').slice(0, 200);
}

/** The multipart `onFile` hook: streams accepted files to disk, drains the rest. */
export function makeFileHandler(uploadDir: string) {
  return async function onFile(this: FastifyRequest, part: MultipartFile & { value?: unknown }): Promise<void> {
    if (!this.routeOptions.config.acceptsUpload || part.fieldname !== 'file') {
      part.file.resume(); // not an upload route or not the `file` field: discard without storing
      await new Promise((resolve) => part.file.on('end', resolve).on('error', resolve));
      return;
    }
    await mkdir(uploadDir, { recursive: true });
    const storedName = randomBytes(16).toString('hex');
    const path = join(uploadDir, storedName);
    const hash = createHash('sha256');
    let size = 0;
    let head = Buffer.alloc(0);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        hash.update(chunk);
        if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16 - head.length)]);
        callback(null, chunk);
      },
    });
    const file: UploadedFile = {
      kind: 'uploaded-file',
      path,
      storedName,
      originalName: safeFileName(part.filename),
      declaredMime: part.mimetype,
      imageMime: null,
      size: 0,
      sha256: '',
    };
    (this.uploads ??= []).push(file);
    await pipeline(part.file, meter, createWriteStream(path, { mode: 0o600 }));
    file.size = size;
    file.sha256 = hash.digest('hex');
    file.imageMime = sniffImage(head);
    part.value = file;
  };
}

/** Claimed files become a message's attachment; everything else is removed after the reply. */
export function claimUpload(request: FastifyRequest, file: UploadedFile): void {
  request.uploads = request.uploads?.filter((f) => f !== file);
}

export function installUploadCleanup(app: FastifyInstance): void {
  app.addHook('onResponse', async (request) => {
    for (const file of request.uploads ?? []) await unlink(file.path).catch(() => undefined);
    request.uploads = undefined;
  });
}
