// Multipart uploads: files are streamed to the uploads folder (never held in memory), hashed and
// sniffed on the way; anything not claimed by a stored message is deleted when the reply is sent,
// and a part that fails or is aborted mid-way is deleted at once.
// The upload record lives only on the request (`request.uploads`), never in the parsed body: a
// JSON, form or multipart text value can therefore never pose as an upload.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { tightenMode } from '../../shared/private-files.js';
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
  /** Set once the whole part is on disk; a record that is not complete is never used. */
  complete: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    uploads?: UploadedFile[];
  }
  interface FastifyContextConfig {
    acceptsUpload?: boolean;
  }
}

/** Names the server generates for stored files: 32 lowercase hex digits, nothing else. */
export const STORED_NAME_RE = /^[0-9a-f]{32}$/;

export function newStoredName(): string {
  return randomBytes(16).toString('hex');
}

/** The one real upload of this request (from a multipart file part named `file`), if any. */
export function uploadOf(request: FastifyRequest): UploadedFile | undefined {
  return request.uploads?.find((file) => file.complete);
}

function sniffImage(head: Buffer): string | null {
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 6 && /^GIF8[79]a$/.test(head.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (head.length >= 12 && head.subarray(0, 4).toString('latin1') === 'RIFF' && head.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return null;
}

export function safeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
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
    await mkdir(uploadDir, { recursive: true, mode: 0o700 });
    tightenMode(uploadDir); // a folder an older version created 0755
    const storedName = newStoredName();
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
      complete: false,
    };
    (this.uploads ??= []).push(file);
    try {
      await pipeline(part.file, meter, createWriteStream(path, { mode: 0o600 }));
    } catch (error) {
      await discard(this, file); // aborted or broken part: nothing stays on disk
      throw error;
    }
    if ((part.file as { truncated?: boolean }).truncated) {
      await discard(this, file);
      return;
    }
    file.size = size;
    file.sha256 = hash.digest('hex');
    file.imageMime = sniffImage(head);
    file.complete = true;
    // Deliberately no `part.value`: the record must not appear in request.body.
  };
}

/** Claimed files become a message's attachment; everything else is removed after the reply. */
export function claimUpload(request: FastifyRequest, file: UploadedFile): void {
  request.uploads = request.uploads?.filter((f) => f !== file);
}

async function discard(request: FastifyRequest, file: UploadedFile): Promise<void> {
  request.uploads = request.uploads?.filter((f) => f !== file);
  await unlink(file.path).catch(() => undefined);
}

async function removeUnclaimed(request: FastifyRequest): Promise<void> {
  const files = request.uploads ?? [];
  request.uploads = undefined;
  for (const file of files) await unlink(file.path).catch(() => undefined);
}

export function installUploadCleanup(app: FastifyInstance): void {
  app.addHook('onResponse', removeUnclaimed);
  // A client that goes away mid-request never gets a response: clean up here too.
  app.addHook('onRequestAbort', removeUnclaimed);
}
