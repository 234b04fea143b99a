// Path completion for `/file PATH` in the compose box: the longest common prefix of the names
// that match, with a `/` after a folder.
import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

export const FILE_COMMAND = /^\/file\s+(.*)$/s;

/** `~/x` → the home folder's x; relative paths are from `cwd`. */
export function expandPath(path: string, cwd: string = process.cwd()): string {
  const home = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
  return resolve(cwd, home);
}

function commonPrefix(names: string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0]!;
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** The completed path (unchanged when nothing matches) and the matching names. */
export function completePath(partial: string, cwd: string = process.cwd()): { path: string; matches: string[] } {
  const slash = partial.lastIndexOf('/');
  const folderPart = partial.slice(0, slash + 1);
  const namePart = partial.slice(slash + 1);
  let entries;
  try {
    entries = readdirSync(expandPath(folderPart || '.', cwd), { withFileTypes: true });
  } catch {
    return { path: partial, matches: [] };
  }
  const matching = entries.filter((e) => e.name.startsWith(namePart) && (namePart.startsWith('.') || !e.name.startsWith('.')));
  const names = matching.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
  if (names.length === 0) return { path: partial, matches: [] };
  const completed = names.length === 1 ? names[0]! : commonPrefix(names);
  return { path: folderPart + completed, matches: names };
}
