// Small helpers on top of helpers/server.ts for the flow tests (conversations, attachments,
// durability, auth): explicit-credential registration, list/history readers, upload-folder
// inspection and a tiny real PNG built from bytes.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { api, type ApiResponse, type TestUser } from './server.js';

export const PASSWORD = 'secret-password';

/** Registers with the exact name/e-mail given; throws unless 201. */
export async function registerAs(
  server: { url: string },
  name: string,
  email: string,
  options: { password?: string; avatar?: string | null } = {},
): Promise<TestUser> {
  const res = await api(server, 'POST', '/api/register', {
    json: {
      name,
      email,
      password: options.password ?? PASSWORD,
      ...(options.avatar ? { avatar: options.avatar } : {}),
    },
  });
  if (res.status !== 201) throw new Error(`register ${email} failed: ${res.status} ${res.text}`);
  return { id: res.body.data.user.id, name, email, token: res.body.data.token };
}

/** GET /api/chat/conversations for `user`; throws unless 200. */
export async function conversationsOf(server: { url: string }, user: TestUser): Promise<any[]> {
  const res = await api(server, 'GET', '/api/chat/conversations', { token: user.token });
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${res.text}`);
  return res.body.data;
}

/** The list row of one conversation as `user` sees it. */
export async function rowOf(server: { url: string }, user: TestUser, conversationId: number): Promise<any> {
  const row = (await conversationsOf(server, user)).find((c) => c.id === conversationId);
  if (!row) throw new Error(`conversation ${conversationId} is not in ${user.name}'s list`);
  return row;
}

/** GET …/messages with an optional query string (`limit=5&before_id=9`); throws unless 200. */
export async function historyOf(
  server: { url: string },
  user: TestUser,
  conversationId: number,
  query = '',
): Promise<any[]> {
  const res = await api(server, 'GET', `/api/chat/conversations/${conversationId}/messages${query ? `?${query}` : ''}`, {
    token: user.token,
  });
  if (res.status !== 200) throw new Error(`history failed: ${res.status} ${res.text}`);
  return res.body.data;
}

/** Sends a multipart upload to a conversation. */
export async function upload(
  server: { url: string },
  user: TestUser,
  conversationId: number,
  parts: { file?: { bytes: Uint8Array | string; name: string; mime?: string }; type?: string; message?: string },
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const form = new FormData();
  if (parts.type !== undefined) form.append('type', parts.type);
  if (parts.message !== undefined) form.append('message', parts.message);
  if (parts.file) {
    const bytes = typeof parts.file.bytes === 'string' ? Buffer.from(parts.file.bytes) : parts.file.bytes;
    form.append('file', new Blob([bytes], parts.file.mime ? { type: parts.file.mime } : {}), parts.file.name);
  }
  return api(server, 'POST', `/api/chat/conversations/${conversationId}/messages`, { token: user.token, body: form, headers });
}

/** Files currently in `<dir>/uploads` (empty when the folder does not exist). */
export function uploadsIn(dir: string): string[] {
  const folder = join(dir, 'uploads');
  return existsSync(folder) ? readdirSync(folder).sort() : [];
}

/**
 * Waits until `check` stops throwing (upload cleanup runs in an onResponse hook, i.e. just
 * after the client has the reply), then returns; rethrows the last failure after `timeoutMs`.
 */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 1×1 RGBA PNG (one red pixel), built from bytes. */
export function tinyPng(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type RGBA
  header.writeUInt8(0, 10); // compression
  header.writeUInt8(0, 11); // filter
  header.writeUInt8(0, 12); // interlace
  const scanline = Buffer.from([0, 0xff, 0x00, 0x00, 0xff]); // filter byte + one RGBA pixel
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanline)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
