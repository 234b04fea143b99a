// How attachments read in the terminal: `[image: name.png 120 KB]`. Pure functions.
import type { Attachment } from '../../client/decode.js';
import { sanitize } from './text.js';

/** 512 B, 120 KB, 3.4 MB (1 KB = 1024 bytes, as file managers count). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  const mb = bytes / (1024 * 1024);
  return mb < 10 ? `${mb.toFixed(1)} MB` : `${Math.round(mb)} MB`;
}

export function attachmentLabel(type: 'image' | 'file' | 'text', attachment: Pick<Attachment, 'name' | 'size'>): string {
  const name = sanitize(attachment.name).replace(/\n/g, ' ');
  return `[${type === 'image' ? 'image' : 'file'}: ${name} ${formatSize(attachment.size)}]`;
}
