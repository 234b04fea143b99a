// Files only the owner may read: the data folder, the database (password and token hashes, every
// message) and uploads. New ones are created private; existing ones lose group/other access.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/** Creates the folder (and missing parents) 0700; an existing folder is left as it is. */
export function ensurePrivateDir(path: string): void {
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: 0o700 });
}

/** Creates an empty file 0600 if it does not exist yet, so it is never readable by others. */
export function createPrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
}

/** Removes group/other permissions from a file or folder we own (older versions created 0644/0755). */
export function tightenMode(path: string): void {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, mode & 0o700);
  } catch {
    /* gone or not ours: nothing to tighten */
  }
}
